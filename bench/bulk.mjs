// Bulk jobs (tim-contacts/bulk) against the emulator at its 200 calls/s per endpoint:
//   1. export of 1,000 tim-seedgen users (120 conversations each: 2 get_list pages, 1 get_contact_group
//      page, 1 group_get per user), concurrency 8 (the default) and 16: calls per endpoint, wall
//      time, and its ratio to the limit-bound minimum max over endpoints (calls on it) / 200 s,
//      measured in the same run (goal >= 95%); throttling answers seen (goal 0).
//   2. apply of those 1,000 snapshots to an app with the same users but no groups, marks or friend
//      groups: write calls sent against the sum of the plans' `writes` (goal 1.00), then a re-apply
//      (goal: 0 writes).
//   3. --big: RSS of a 10,000-user export (sampled every second: start / peak / end), to show it
//      stays flat (memory O(concurrency), not O(users)).
//   node bench/bulk.mjs [--big]      (TIM_BENCH_USERS=N to change the 1,000)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BENCH_DIR, ROOT, loadPkg, pkgDir, printRatios } from "./lib/harness.mjs";
import { ADMIN, SDKAPPID, startEmulator } from "./lib/emulator.mjs";

const LIMIT = 200;
const USERS = Number(process.env.TIM_BENCH_USERS ?? 1000);
const BIG = process.argv.includes("--big");
const BIG_USERS = Number(process.env.TIM_BENCH_BIG_USERS ?? 10000);
const WRITES = ["create_contact_group", "del_contact_group", "update_contact_group", "mark_contact", "delete", "group_add", "group_delete"];
const isWrite = (endpoint) => WRITES.some((w) => endpoint.endsWith(`/${w}`));

const sdk = await loadPkg();
const bulk = await import(pathToFileURL(path.join(pkgDir(), "bulk.js")).href);
if (typeof sdk.TimClient.prototype.exportUser !== "function") {
  console.log("bench/bulk: this build has no TimClient.exportUser (the per-user engine): nothing to measure");
  process.exit(1);
}

const out = path.join(BENCH_DIR, ".out");
fs.mkdirSync(out, { recursive: true });
/** A tim-seedgen seed (cached; written straight to the file, it can be large) and, with `bare`, the same app without groups, marks and friend groups. */
function seeds(users, conversations, { bare = true } = {}) {
  const a = path.join(out, `bulk-${users}x${conversations}.json`);
  const b = path.join(out, `bulk-${users}x${conversations}-bare.json`);
  if (!fs.existsSync(a)) {
    const fd = fs.openSync(`${a}.tmp`, "w");
    execFileSync(path.join(ROOT, "target/debug/tim-seedgen"), ["--users", String(users), "--conversations", String(conversations), "--seed", "42"], { stdio: ["ignore", fd, "inherit"] });
    fs.closeSync(fd);
    fs.renameSync(`${a}.tmp`, a);
  }
  if (bare && !fs.existsSync(b)) {
    const seed = JSON.parse(fs.readFileSync(a, "utf8"));
    for (const u of Object.values(seed.users)) Object.assign(u, { marks: [], contactGroups: [], friendGroups: [], friendGroupSequence: 0 });
    fs.writeFileSync(b, JSON.stringify(seed));
  }
  return { a, b, users: Array.from({ length: users }, (_, i) => `user_${String(i + 1).padStart(4, "0")}`) };
}

function client(emu, userSig, counters) {
  return new sdk.TimClient({
    sdkAppId: SDKAPPID,
    identifier: ADMIN,
    userSig: () => userSig,
    baseUrl: emu.url,
    onResponse: (e) => {
      if (e.error && [60007, 60011, 60018, 60019].includes(e.error.code)) counters.throttled++;
    },
  });
}

const { a: seedA, b: seedB, users } = seeds(USERS, 120);
const results = {};
const emuA = await startEmulator({ seed: seedA, rateLimit: LIMIT });
const emuB = await startEmulator({ seed: seedB, rateLimit: LIMIT });
const snapshotsFile = path.join(out, `bulk-${USERS}.jsonl`);
try {
  const sigA = await emuA.userSig();
  for (const concurrency of [8, 16]) {
    await emuA.control("/__control/config", { rateLimit: LIMIT });
    await emuA.clearRequests();
    await new Promise((r) => setTimeout(r, 1100));
    const counters = { throttled: 0 };
    const tim = client(emuA, sigA, counters);
    const fd = fs.openSync(snapshotsFile, "w");
    let failed = 0;
    const t0 = performance.now();
    for await (const e of bulk.exportUsers({ client: tim, users, concurrency })) {
      if (e.error) failed++;
      else fs.writeSync(fd, bulk.toJsonLine(e.snapshot));
    }
    const seconds = (performance.now() - t0) / 1000;
    fs.closeSync(fd);
    tim.free?.();
    const calls = await emuA.requests();
    const max = Math.max(...Object.values(calls));
    const bound = max / LIMIT;
    results[concurrency] = { seconds, calls, bound, failed, throttled: counters.throttled };
    console.log(
      `export ${USERS} users, concurrency ${concurrency}: ${seconds.toFixed(2)} s; limit-bound minimum ${bound.toFixed(2)} s ` +
        `(${max} calls on the busiest endpoint / ${LIMIT}/s) = ${((100 * bound) / seconds).toFixed(1)}%; failed ${failed}; ` +
        `throttling answers ${counters.throttled}; calls ${JSON.stringify(calls)}`,
    );
  }

  // Apply those snapshots to the bare app B; then again (converged: no write).
  const sigB = await emuB.userSig();
  const applyRun = async (label) => {
    await emuB.clearRequests();
    await new Promise((r) => setTimeout(r, 1100));
    const counters = { throttled: 0 };
    const tim = client(emuB, sigB, counters);
    let planned = 0;
    let failed = 0;
    const t0 = performance.now();
    const desired = () => fs.createReadStream(snapshotsFile);
    for await (const e of bulk.applyUsers({ client: tim, desired, validateSnapshot: sdk.validateSnapshot })) {
      if (e.error || !e.report.ok) failed++;
      else planned += e.report.plan.writes;
    }
    const seconds = (performance.now() - t0) / 1000;
    tim.free?.();
    const calls = await emuB.requests();
    const writes = Object.entries(calls).filter(([k]) => isWrite(k)).reduce((n, [, c]) => n + c, 0);
    const reads = Object.entries(calls).filter(([k]) => !isWrite(k)).reduce((n, [, c]) => n + c, 0);
    const max = Math.max(...Object.values(calls));
    console.log(
      `${label}: ${seconds.toFixed(2)} s (limit-bound minimum ${(max / LIMIT).toFixed(2)} s); plans' writes ${planned}, ` +
        `write calls sent ${writes}, read calls ${reads} (${(reads / USERS).toFixed(2)} per user); failed ${failed}; ` +
        `throttling answers ${counters.throttled}; calls ${JSON.stringify(calls)}`,
    );
    return { seconds, planned, writes, reads, failed, throttled: counters.throttled, bound: max / LIMIT };
  };
  results.apply = await applyRun(`apply ${USERS} desired snapshots to the bare app`);
  results.reapply = await applyRun(`re-apply (converged)`);
} finally {
  await emuA.stop();
  await emuB.stop();
}

if (BIG) {
  // tim-seedgen's seed grows with users squared (every user is everyone's friend: 10,000 users
  // make a 5 GB seed the emulator cannot hold), so the emulator holds 1,000 users and the export
  // asks for each of them BIG_USERS / 1,000 times: the client does the work of BIG_USERS users,
  // which is what its memory is measured on.
  const held = seeds(1000, 20, { bare: false });
  const big = { a: held.a, users: Array.from({ length: BIG_USERS }, (_, i) => held.users[i % held.users.length]) };
  const emu = await startEmulator({ seed: big.a, rateLimit: LIMIT });
  try {
    const counters = { throttled: 0 };
    const tim = client(emu, await emu.userSig(), counters);
    const rss = [];
    // With --expose-gc each sample first collects, so the heap figure is what is live (RSS keeps
    // what V8 once grew to); both are printed.
    const heap = [];
    const sample = () => {
      globalThis.gc?.();
      const m = process.memoryUsage();
      rss.push(m.rss);
      heap.push(m.heapUsed);
    };
    sample();
    const timer = setInterval(sample, 1000);
    const fd = fs.openSync(path.join(out, `bulk-${BIG_USERS}.jsonl`), "w");
    let n = 0;
    const t0 = performance.now();
    for await (const e of bulk.exportUsers({ client: tim, users: big.users })) {
      if (!e.error) fs.writeSync(fd, bulk.toJsonLine(e.snapshot));
      n++;
    }
    clearInterval(timer);
    sample();
    fs.closeSync(fd);
    const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;
    const first10 = rss.slice(0, Math.max(2, Math.ceil(rss.length / 10)));
    results.big = { users: n, seconds: (performance.now() - t0) / 1000, start: rss[0], warm: Math.max(...first10), peak: Math.max(...rss), end: rss[rss.length - 1], throttled: counters.throttled };
    const heapFirst10 = heap.slice(0, Math.max(2, Math.ceil(heap.length / 10)));
    results.bigHeap = { start: heap[0], warm: Math.max(...heapFirst10), peak: Math.max(...heap), end: heap[heap.length - 1] };
    console.log(`  live heap${globalThis.gc ? " (after gc)" : ""}: start ${mb(results.bigHeap.start)}, peak of the first tenth ${mb(results.bigHeap.warm)}, peak ${mb(results.bigHeap.peak)}, end ${mb(results.bigHeap.end)}`);
    console.log(
      `export ${n} users (20 conversations each; 1,000 distinct, each asked ${BIG_USERS / 1000}x): ${results.big.seconds.toFixed(1)} s; RSS start ${mb(results.big.start)}, ` +
        `peak of the first tenth ${mb(results.big.warm)}, peak ${mb(results.big.peak)}, end ${mb(results.big.end)} (${rss.length} samples)`,
    );
  } finally {
    await emu.stop();
  }
}

const pct = (r) => `${((100 * r.bound) / r.seconds).toFixed(1)}%`;
const rows = [];
for (const c of [8, 16]) {
  const r = results[c];
  rows.push([`export ${USERS} users, concurrency ${c}: limit-bound min / wall (goal >= 95%)`, `${pct(r)}  (${r.bound.toFixed(2)} s / ${r.seconds.toFixed(2)} s)`]);
  rows.push([`export, concurrency ${c}: throttling answers / failed users (goal 0 / 0)`, `${r.throttled} / ${r.failed}`]);
}
rows.push([`export: calls per endpoint`, Object.entries(results[8].calls).map(([k, n]) => `${k.replace(/^v4\//, "")} ${n}`).join(", ")]);
rows.push([`apply ${USERS} users: write calls sent / plans' writes (goal 1.00)`, `${(results.apply.writes / Math.max(1, results.apply.planned)).toFixed(2)}  (${results.apply.writes} / ${results.apply.planned}; ${results.apply.failed} failed; ${results.apply.seconds.toFixed(1)} s, bound ${results.apply.bound.toFixed(1)} s)`]);
rows.push([`re-apply (converged): write calls sent (goal 0)`, `${results.reapply.writes}  (${results.reapply.reads} reads)`]);
if (results.big) {
  const b = results.big;
  const mb = (x) => (x / 2 ** 20).toFixed(1);
  rows.push([`export ${b.users} users: RSS start / peak / end, MB`, `${mb(b.start)} / ${mb(b.peak)} / ${mb(b.end)}  (peak / peak of the first tenth: ${(b.peak / b.warm).toFixed(2)}x)`]);
}
printRatios(`bulk jobs at the emulator's ${LIMIT} calls/s per endpoint`, rows);
