// Paging at scale: walk one user's 10,000 conversations (a generated seed) with
// listConversations, counting the requests the emulator saw against the minimum
// ceil(n / page size), wall time and peak memory (process.memoryUsage() sampled at every page).
// For contrast: .pages(), .collect() (which holds every item), and the minimal JS client's
// manual cursor loop. Run with --expose-gc for steadier memory figures.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { BENCH_DIR, ROOT, loadPkg, printRatios } from "./lib/harness.mjs";
import { startEmulator, SDKAPPID, ADMIN } from "./lib/emulator.mjs";
import { MinimalClient } from "./baseline/minimal-client.mjs";

const N = Number(process.env.TIM_BENCH_CONVERSATIONS ?? 10000);
const PAGE = 100; // the emulator's get_list page size (its default, passed explicitly below)
const USER = "user_0001";
const ENDPOINT = "v4/recentcontact/get_list";

const seedFile = path.join(BENCH_DIR, ".out", `seed-${N}.json`);
if (!existsSync(seedFile)) {
  mkdirSync(path.dirname(seedFile), { recursive: true });
  const bin = process.env.TIM_SEEDGEN_BIN || path.join(ROOT, "target", "debug", "tim-seedgen");
  writeFileSync(seedFile, execFileSync(bin, ["--users", "1", "--conversations", String(N), "--seed", "42"], { maxBuffer: 1 << 28 }));
}
const seeded = JSON.parse(readFileSync(seedFile, "utf8")).users[USER].conversations.length;

const sdk = await loadPkg();
const emu = await startEmulator({ seed: seedFile, rateLimit: 200, extra: ["--page-size", String(PAGE)] });
const results = [];
try {
  const userSig = await emu.userSig();
  const client = (extra = {}) =>
    new sdk.TimClient({ sdkAppId: SDKAPPID, identifier: ADMIN, userSig: () => userSig, baseUrl: emu.url, ...extra });
  const mem = () => process.memoryUsage();

  // Two passes per walk: a timed one (memory sampled without GC: the peak includes garbage),
  // then one with a forced GC before every sample (needs --expose-gc): the peak LIVE heap,
  // which is what shows whether a walk holds one page or everything.
  async function walk(label, body) {
    const timed = await pass(label, body, false);
    if (globalThis.gc) timed.liveHeapMB = (await pass(label, body, true)).heapMB;
    console.log(
      `${label}: ${timed.items} items (${timed.unique} distinct), ${timed.requests} requests, ${timed.seconds.toFixed(2)} s; ` +
        `peak over start: heap +${timed.heapMB.toFixed(1)} MB (live, GC'd: ${timed.liveHeapMB === undefined ? "n/a, run with --expose-gc" : "+" + timed.liveHeapMB.toFixed(2) + " MB"}), ` +
        `rss +${timed.rssMB.toFixed(1)} MB, arrayBuffers +${timed.abMB.toFixed(1)} MB`,
    );
    results.push(timed);
  }
  async function pass(label, body, live) {
    await emu.control("/__control/config", { rateLimit: 200 }); // refill the server's bucket
    await emu.clearRequests();
    globalThis.gc?.();
    const before = mem();
    const peak = { heapUsed: before.heapUsed, rss: before.rss, arrayBuffers: before.arrayBuffers };
    const sample = () => {
      if (live) globalThis.gc();
      const m = mem();
      for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], m[k]);
    };
    const seen = new Set();
    const t0 = performance.now();
    const r = await body(sample, seen);
    const seconds = (performance.now() - t0) / 1000;
    sample();
    const requests = (await emu.requests())[ENDPOINT] ?? 0;
    const res = {
      label, seconds, requests, items: r.items, unique: seen.size, pages: r.pages,
      heapMB: (peak.heapUsed - before.heapUsed) / 2 ** 20,
      rssMB: (peak.rss - before.rss) / 2 ** 20,
      abMB: (peak.arrayBuffers - before.arrayBuffers) / 2 ** 20,
    };
    return res;
  }
  const key = (c) => (c.conversation.type === "c2c" ? "c2c:" + c.conversation.userId : "group:" + c.conversation.groupId);

  const tim = client();
  await walk("listConversations, for await over items (default rate limit)", async (sample, seen) => {
    let items = 0;
    for await (const c of tim.listConversations(USER)) {
      seen.add(key(c));
      if (++items % PAGE === 0) sample();
    }
    return { items };
  });
  const fast = client({ rateLimit: false });
  await walk("listConversations, for await over items (rateLimit: false)", async (sample, seen) => {
    let items = 0;
    for await (const c of fast.listConversations(USER)) {
      seen.add(key(c));
      if (++items % PAGE === 0) sample();
    }
    return { items };
  });
  await walk("listConversations().pages() (rateLimit: false)", async (sample, seen) => {
    let items = 0, pages = 0;
    for await (const page of fast.listConversations(USER).pages()) {
      pages++;
      items += page.items.length;
      for (const c of page.items) seen.add(key(c));
      sample();
    }
    return { items, pages };
  });
  await walk("listConversations().collect() (holds all items; rateLimit: false)", async (sample, seen) => {
    const timer = setInterval(sample, 20);
    const all = await fast.listConversations(USER).collect();
    clearInterval(timer);
    sample(); // `all` is alive here
    for (const c of all) seen.add(key(c));
    return { items: all.length };
  });
  const mini = new MinimalClient({ sdkAppId: SDKAPPID, identifier: ADMIN, userSig, baseUrl: emu.url });
  await walk("minimal JS client, manual cursor loop (baseline)", async (sample, seen) => {
    let items = 0, pages = 0, cursor = {};
    for (;;) {
      const page = await mini.getList({ fromAccount: USER, cursor });
      pages++;
      items += page.items.length;
      for (const c of page.items) seen.add(key(c));
      sample();
      if (page.complete) break;
      cursor = page.nextCursor;
    }
    return { items, pages };
  });
} finally {
  await emu.stop();
}

const min = Math.ceil(seeded / PAGE);
const [itemsDefault, itemsFast, , collect, baseline] = results;
printRatios(`paging ${seeded} conversations of one user (get_list page size ${PAGE}; minimum ${min} requests)`, [
  ...results.map((r) => [`${r.label}: requests / minimum`, `${r.requests} / ${min} = ${(r.requests / min).toFixed(2)}  (${r.items} items, ${r.unique} distinct)`]),
  ["listConversations (default limiter): wall time", `${itemsDefault.seconds.toFixed(2)} s (${(itemsDefault.items / itemsDefault.seconds).toFixed(0)} items/s)`],
  ["listConversations (rateLimit false) / minimal loop, wall time", `${(itemsFast.seconds / baseline.seconds).toFixed(2)}x  (${itemsFast.seconds.toFixed(2)} s vs ${baseline.seconds.toFixed(2)} s)`],
  ...[["listConversations items", itemsFast], [".collect() of all 10k items", collect], ["minimal loop, one page at a time", baseline]].map(([l, r]) => [
    `${l}: peak live heap over start (GC'd)`,
    `${r.liveHeapMB === undefined ? "n/a (--expose-gc)" : "+" + r.liveHeapMB.toFixed(2) + " MB"}  (peak incl. garbage +${r.heapMB.toFixed(1)} MB)`,
  ]),
]);
