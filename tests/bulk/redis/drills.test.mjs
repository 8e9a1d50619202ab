// The bulk engine on Redis (issue 16), against a real redis-server and a real emulator:
//   - 4 workers export 1,000 users: the output equals the single-process export byte for byte,
//     0 throttling answers, each endpoint's rate within [95 %, 100 %] of the limit;
//   - kill -9 one worker mid-job: its users are taken over, none lost, none twice;
//   - Redis restarted mid-job (AOF on): export and apply complete, no write applied twice;
//   - Redis down past --redis-timeout: exit 4, then --resume completes;
//   - two independent jobs of one app at once share the budget.
// The rate of an endpoint, two ways:
//   - the ceiling, over the whole job: n calls at L/s with a burst of B need at least (n - B) / L
//     seconds from the first to the last response; ratio = that minimum / the busy span measured
//     over all workers. <= 1 (+1 % for the timestamps' jitter) means the limit held (and 0
//     throttling answers at the emulator, which enforces it per call, say the same per second);
//   - the floor, while the job runs: the rate between the 5th and the 95th percentile of the
//     calls' send times (the workers' histograms, cli/lib/distributed.mjs steadyRate) / L >= 0.95. The
//     start (four processes' first connections and JIT, BullMQ filling each worker's slots) and
//     the last users' calls are left out: they are a fixed cost, a fifth of a second or so, that
//     does not grow with the job (bench/bulk-redis.mjs reports the whole-job ratios too).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { cliEnv, seedgen, sleep, startEmulator, withoutContacts } from "../lib/harness.mjs";
import { spawnCliProcess, startRedis, startWorkers } from "../lib/redis.mjs";

const USERS = Number(process.env.TIM_REDIS_USERS ?? 1000);
const LIMIT = 200;
const BURST = 20;
const READS = ["v4/recentcontact/get_contact_group", "v4/recentcontact/get_list", "v4/sns/group_get"];
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), "tim-bulk-redis-"));
const file = (name) => path.join(DIR, name);
const read = (name) => fs.readFileSync(file(name), "utf8");
const lines = (name) => read(name).split("\n").filter(Boolean);
// Short locks so that a dead worker's users are taken over within seconds.
const LOCKS = ["--lock-duration", "3000", "--stalled-interval", "1000"];

let emu, redis, env, seedA, userIds;
const cli = (args, o = {}) => spawnCliProcess(args, { env: o.env ?? env, cwd: DIR });
const ok = (r, code = 0) => assert.equal(r.code, code, `exit ${r.code} (want ${code})\nstderr: ${r.stderr.slice(-3000)}\nstdout: ${r.stdout.slice(-2000)}`);

/** Per endpoint: the ratio to the limit-bound minimum over the whole job, and the steady rate / the limit (see the top). */
function ratios(counts, busy, summaries) {
  const out = {};
  for (const ep of READS) {
    const n = counts[ep] ?? 0;
    const b = busy[ep];
    assert.ok(b, `no busy span for ${ep}: ${JSON.stringify(busy)}`);
    const steady = summaries.map((s) => s.busy[ep]?.steadyPerSecond);
    assert.ok(steady.every((x) => typeof x === "number"), `no steady rate for ${ep}: ${JSON.stringify(steady)}`);
    // the most the limit allows between the 5th and the 95th percentile: 0.9 n calls, a burst of them at once
    const most = (0.9 * n) / ((0.9 * n - BURST) / LIMIT) / LIMIT;
    out[ep] = { n, seconds: (b.last - b.first) / 1000, ratio: (n - BURST) / LIMIT / ((b.last - b.first) / 1000), steady: steady.reduce((a, x) => a + x, 0) / LIMIT, most };
  }
  return out;
}

before(async () => {
  seedA = seedgen({ users: USERS, conversations: 3, seed: 16 });
  fs.writeFileSync(file("a.seed.json"), JSON.stringify(seedA));
  userIds = Object.keys(seedA.users);
  fs.writeFileSync(file("users.txt"), userIds.join("\n") + "\n");
  [emu, redis] = await Promise.all([startEmulator({ seedFile: file("a.seed.json") }), startRedis(file("redis"))]);
  env = cliEnv(emu);
  const single = await cli(["export", "--users", "users.txt", "--out", "single.jsonl"]).done;
  ok(single);
  assert.equal(lines("single.jsonl").length, USERS);
});

after(async () => {
  await Promise.all([emu?.stop(), redis?.stop()]);
  if (!process.env.TIM_BULK_KEEP) fs.rmSync(DIR, { recursive: true, force: true });
  else console.log(`kept ${DIR}`);
});

describe("bulk on Redis", { concurrency: false }, () => {
  test(`4 workers export ${USERS} users: same bytes as one process, 0 throttled, rate at the limit`, async () => {
    const ws = await startWorkers(4, redis.url, { env, cwd: DIR, extra: [...LOCKS, "--queue", "q4", ...(process.env.TIM_REDIS_CONCURRENCY ? ["--concurrency", process.env.TIM_REDIS_CONCURRENCY] : [])] });
    await emu.clearRequests();
    const r = await cli(["export", "--users", "users.txt", "--out", "d4.jsonl", "--redis", redis.url, "--queue", "q4"]).done;
    const counts = await emu.requests();
    const reports = (await Promise.all(ws.map((w) => w.stop()))).map((x) => x.summary);
    ok(r);
    assert.equal(read("d4.jsonl"), read("single.jsonl"), "the output equals the single-process export");
    assert.equal(read("d4.failures.jsonl"), "");
    assert.equal(r.summary.throttled, 0, "no 60007 at the emulator");
    assert.equal(reports.reduce((n, w) => n + w.throttled, 0), 0);
    assert.ok(reports.every((w) => w.users > USERS / 10), `every worker took a share: ${reports.map((w) => w.users)}`);
    for (const ep of READS) assert.equal(r.summary.calls[ep], counts[ep], `the workers' counts are the emulator's (${ep})`);
    const rt = ratios(counts, r.summary.busy, [r.summary]);
    console.log(`4 workers: ${JSON.stringify(rt)}`);
    for (const [ep, x] of Object.entries(rt)) {
      assert.ok(x.ratio <= 1.01, `${ep}: faster than the limit allows (${x.ratio.toFixed(3)})`);
      assert.ok(x.steady <= x.most * 1.01, `${ep}: the steady rate beats the limit (${x.steady.toFixed(3)} > ${x.most.toFixed(3)})`);
      assert.ok(x.steady >= 0.95, `${ep}: the steady rate is below 95 % of the limit (${x.steady.toFixed(3)}; whole job ${x.ratio.toFixed(3)})`);
      // and the start-up stays a fraction of a second (0.98-0.99 of the minimum on a quiet machine)
      assert.ok(x.ratio >= 0.9, `${ep}: the whole job took more than 1/0.9 of the limit-bound minimum (${x.ratio.toFixed(3)})`);
    }
  });

  test("kill -9 one worker mid-job: its users are taken over, none lost, none twice", async () => {
    const ws = await startWorkers(3, redis.url, { env, cwd: DIR, extra: [...LOCKS, "--queue", "qk"] });
    const run = cli(["export", "--users", "users.txt", "--out", "dk.jsonl", "--redis", redis.url, "--queue", "qk"]);
    await sleep(1500);
    ws[0].child.kill("SIGKILL");
    const r = await run.done;
    const killed = await ws[0].done;
    const reports = (await Promise.all(ws.slice(1).map((w) => w.stop()))).map((x) => x.summary);
    ok(r);
    assert.equal(killed.signal, "SIGKILL", "the worker was killed mid-job");
    assert.equal(read("dk.jsonl"), read("single.jsonl"));
    assert.ok(reports.reduce((n, w) => n + w.takenOver, 0) >= 1, `the dead worker's users were taken over: ${JSON.stringify(reports)}`);
    assert.equal(r.summary.throttled, 0);
  });

  test("Redis restarted mid-export (AOF on): the job stalls, then completes with the same bytes", async () => {
    const ws = await startWorkers(2, redis.url, { env, cwd: DIR, extra: [...LOCKS, "--queue", "qr"] });
    const run = cli(["export", "--users", "users.txt", "--out", "dr.jsonl", "--redis", redis.url, "--queue", "qr"]);
    await sleep(1500);
    await redis.restart(700);
    const r = await run.done;
    await Promise.all(ws.map((w) => w.stop()));
    ok(r);
    assert.match(r.stderr, /Redis unreachable/);
    assert.equal(read("dr.jsonl"), read("single.jsonl"));
  });

  test("Redis restarted mid-apply: converges, no write applied twice; verify --redis matches every user", async () => {
    const n = Math.min(USERS, 300);
    const seedB = withoutContacts(seedA);
    fs.writeFileSync(file("b.seed.json"), JSON.stringify(seedB));
    const emuB = await startEmulator({ seedFile: file("b.seed.json") });
    try {
      const envB = cliEnv(emuB);
      fs.writeFileSync(file("desired.jsonl"), lines("single.jsonl").slice(0, n).join("\n") + "\n");
      const plan = await cli(["apply", "--desired", "desired.jsonl", "--dry-run"], { env: envB }).done;
      ok(plan);
      assert.ok(plan.summary.writes > n, "the plan writes");
      await emuB.clearRequests();
      const ws = await startWorkers(2, redis.url, { env: envB, cwd: DIR, extra: [...LOCKS, "--queue", "qa"] });
      let v;
      try {
        const run = cli(["apply", "--desired", "desired.jsonl", "--redis", redis.url, "--queue", "qa"], { env: envB });
        await sleep(1200);
        await redis.restart(500);
        const r = await run.done;
        ok(r);
        const writes = await emuB.writes();
        assert.equal(writes, plan.summary.writes, `writes at the emulator = the plan's (none twice): ${JSON.stringify(await emuB.requests())}`);
        // verify on the same workers: every user matches, and verify writes nothing
        v = await cli(["verify", "--desired", "desired.jsonl", "--out", "verify.jsonl", "--redis", redis.url, "--queue", "qa"], { env: envB }).done;
      } finally {
        await Promise.all(ws.map((w) => w.stop()));
      }
      const writes = await emuB.writes();
      ok(v);
      assert.equal(v.summary.matched, n);
      assert.equal(v.summary.mismatched, 0);
      assert.equal(read("verify.jsonl"), "", "no mismatching user (verify writes a line per mismatch)");
      assert.equal(writes, plan.summary.writes, "verify --redis wrote nothing");
    } finally {
      await emuB.stop();
    }
  });

  test("Redis down past --redis-timeout: exit 4, resumable; --resume completes", async () => {
    const ws = await startWorkers(1, redis.url, { env, cwd: DIR, extra: [...LOCKS, "--queue", "qt"] });
    const run = cli(["export", "--users", "users.txt", "--out", "dt.jsonl", "--redis", redis.url, "--queue", "qt", "--redis-timeout", "2"]);
    await sleep(1200);
    await redis.stop();
    const r = await run.done;
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /--resume/);
    assert.ok(fs.existsSync(file("dt.jsonl.checkpoint.json")));
    await redis.up();
    const again = await cli(["export", "--users", "users.txt", "--out", "dt.jsonl", "--redis", redis.url, "--queue", "qt", "--resume"]).done;
    await Promise.all(ws.map((w) => w.stop()));
    ok(again);
    assert.equal(read("dt.jsonl"), read("single.jsonl"));
  });

  test("Redis lost before any user is done: exit 4 still leaves a checkpoint with the run id", async () => {
    // no worker: nothing is ever done, so only the coordinator's own Redis failure writes it
    const run = cli(["export", "--users", "users.txt", "--out", "d0.jsonl", "--redis", redis.url, "--queue", "q0", "--redis-timeout", "2"]);
    await sleep(800);
    await redis.stop();
    const r = await run.done;
    await redis.up();
    assert.equal(r.code, 4, r.stderr);
    const cp = JSON.parse(read("d0.jsonl.checkpoint.json"));
    assert.equal(cp.nextIndex, 0);
    assert.ok(cp.options?.redis?.run, JSON.stringify(cp.options));
  });

  test("two independent jobs of one app at once share the budget", async () => {
    const half = Math.floor(USERS / 2);
    fs.writeFileSync(file("u1.txt"), userIds.slice(0, half).join("\n") + "\n");
    fs.writeFileSync(file("u2.txt"), userIds.slice(half).join("\n") + "\n");
    const [w1, w2] = await Promise.all([
      startWorkers(2, redis.url, { env, cwd: DIR, extra: [...LOCKS, "--queue", "j1"] }),
      startWorkers(2, redis.url, { env, cwd: DIR, extra: [...LOCKS, "--queue", "j2"] }),
    ]);
    await emu.clearRequests();
    const [r1, r2] = await Promise.all([
      cli(["export", "--users", "u1.txt", "--out", "j1.jsonl", "--redis", redis.url, "--queue", "j1"]).done,
      cli(["export", "--users", "u2.txt", "--out", "j2.jsonl", "--redis", redis.url, "--queue", "j2"]).done,
    ]);
    const counts = await emu.requests();
    await Promise.all([...w1, ...w2].map((w) => w.stop()));
    ok(r1);
    ok(r2);
    assert.equal(read("j1.jsonl") + read("j2.jsonl"), read("single.jsonl"));
    assert.equal(r1.summary.throttled + r2.summary.throttled, 0);
    const union = {};
    for (const ep of READS) {
      const a = r1.summary.busy[ep];
      const b = r2.summary.busy[ep];
      union[ep] = { first: Math.min(a.first, b.first), last: Math.max(a.last, b.last) };
    }
    // two jobs' steady rates are measured over different spans: their sum is only an upper bound here
    const rt = ratios(counts, union, [r1.summary, r2.summary]);
    console.log(`two jobs: ${JSON.stringify(rt)}`);
    for (const [ep, x] of Object.entries(rt)) {
      assert.ok(x.ratio <= 1.01, `${ep}: the two jobs together beat the limit (${x.ratio.toFixed(3)})`);
      // each had a share while both ran: neither finished before the other got going
      const a = r1.summary.busy[ep];
      const b = r2.summary.busy[ep];
      const overlap = (Math.min(a.last, b.last) - Math.max(a.first, b.first)) / 1000;
      assert.ok(overlap > 0.5 * Math.min(a.last - a.first, b.last - b.first) / 1000, `${ep}: the jobs ran at once (overlap ${overlap.toFixed(2)} s)`);
    }
  });
});

