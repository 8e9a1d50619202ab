// The bulk engine on Redis (issue 16): `tim-contacts export --redis` of 1,000 tim-seedgen users
// (3 conversations each: 1 get_list, 1 get_contact_group, 1 group_get per user) with 1, 2 and 4
// `tim-contacts worker` processes on one machine, a real redis-server (AOF on) and the emulator at
// its 200 calls/s per endpoint. Per endpoint: calls, the busy span over all workers (first to last
// response) and its ratio to the limit-bound minimum (n - burst) / 200 s measured in the same run
// (goal <= 1.00 whatever the number of workers; the start-up of the workers counts here), calls/s;
// the steady rate (between the 5th and the 95th percentile of the send times) / 200 (goal 0.95 to
// 1.00, the drills' floor); the job's wall time (the
// coordinator's `seconds`, enqueue to last line) against the same minimum; throttling answers
// (goal 0); a worker's CPU seconds for the job with the CLI's node:http fetch against Node's own
// fetch (TIM_CLI_FETCH=global). Needs ./scripts/build, ./scripts/setup (redis-server, cli/node_modules).
//   node bench/bulk-redis.mjs            (TIM_BENCH_USERS=N to change the 1,000)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { printRatios } from "./lib/harness.mjs";
import { cliEnv, seedgen, startEmulator } from "../tests/bulk/lib/harness.mjs";
import { spawnCliProcess, startRedis, startWorkers } from "../tests/bulk/lib/redis.mjs";

const LIMIT = 200;
const BURST = 20;
const USERS = Number(process.env.TIM_BENCH_USERS ?? 1000);
const READS = ["v4/recentcontact/get_contact_group", "v4/recentcontact/get_list", "v4/sns/group_get"];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tim-bench-redis-"));
const seed = seedgen({ users: USERS, conversations: 3, seed: 16 });
fs.writeFileSync(path.join(dir, "seed.json"), JSON.stringify(seed));
fs.writeFileSync(path.join(dir, "users.txt"), Object.keys(seed.users).join("\n") + "\n");
const [emu, redis] = await Promise.all([startEmulator({ seedFile: path.join(dir, "seed.json") }), startRedis(path.join(dir, "redis"))]);
const env = cliEnv(emu);
const rows = [];
try {
  for (const n of [1, 2, 4]) {
    const queue = `bench${n}`;
    const ws = await startWorkers(n, redis.url, { env, cwd: dir, extra: ["--queue", queue] });
    await emu.clearRequests();
    const r = await spawnCliProcess(["export", "--users", "users.txt", "--out", `w${n}.jsonl`, "--redis", redis.url, "--queue", queue, "--no-progress"], { env, cwd: dir }).done;
    const counts = await emu.requests();
    await Promise.all(ws.map((w) => w.stop()));
    if (r.code !== 0) throw new Error(`export with ${n} worker(s) exited ${r.code}: ${r.stderr.slice(-2000)}`);
    let minimum = 0;
    for (const ep of READS) {
      const b = r.summary.busy[ep];
      const secs = (b.last - b.first) / 1000;
      const min = (counts[ep] - BURST) / LIMIT;
      minimum = Math.max(minimum, min);
      rows.push([`${n} worker(s) ${ep.replace(/^v4\//, "")}: ${counts[ep]} calls, ${(counts[ep] / secs).toFixed(0)}/s, busy`, `${min.toFixed(2)} s min / ${secs.toFixed(2)} s = ${(min / secs).toFixed(3)}`]);
      const steady = r.summary.busy[ep].steadyPerSecond;
      rows.push([`${n} worker(s) ${ep.replace(/^v4\//, "")}: steady rate (5th to 95th percentile of the send times) / limit`, `${steady} / ${LIMIT} = ${(steady / LIMIT).toFixed(3)}`]);
    }
    rows.push([`${n} worker(s) wall time (enqueue to last line), throttled ${r.summary.throttled}`, `${minimum.toFixed(2)} s min / ${r.summary.seconds.toFixed(2)} s = ${(minimum / r.summary.seconds).toFixed(3)}`]);
  }
  // The workers' CPU per job: Node's fetch (undici) against the CLI's node:http fetch (cli/lib/http-fetch.mjs), 1 worker each, interleaved.
  const cpu = { global: [], http: [] };
  for (let round = 0; round < 2; round++) {
    for (const kind of ["global", "http"]) {
      const queue = `cpu-${kind}-${round}`;
      const e = { ...env, TIM_CLI_FETCH: kind === "global" ? "global" : "" };
      const [w] = await startWorkers(1, redis.url, { env: e, cwd: dir, extra: ["--queue", queue] });
      const r = await spawnCliProcess(["export", "--users", "users.txt", "--out", `cpu-${kind}.jsonl`, "--redis", redis.url, "--queue", queue, "--no-progress"], { env: e, cwd: dir }).done;
      const f = fs.readFileSync(`/proc/${w.child.pid}/stat`, "utf8").split(") ")[1].split(" ");
      cpu[kind].push((Number(f[11]) + Number(f[12])) / 100); // utime + stime, in clock ticks of 1/100 s
      await w.stop();
      if (r.code !== 0) throw new Error(`export (${kind} fetch) exited ${r.code}: ${r.stderr.slice(-2000)}`);
    }
  }
  const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  rows.push([`1 worker's CPU for the job, node:http fetch / Node's fetch (${med(cpu.http).toFixed(2)} s / ${med(cpu.global).toFixed(2)} s)`, (med(cpu.http) / med(cpu.global)).toFixed(3)]);
} finally {
  await Promise.all([emu.stop(), redis.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
}
printRatios(`bulk on Redis: export of ${USERS} users, ratio = limit-bound minimum / measured (goal 0.95..1.00)`, rows);
