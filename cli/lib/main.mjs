// The commands: export, apply, verify. Each runs the library's ordered pool (tim-contacts/bulk)
// over a file, writes its lines and a checkpoint after every user in input order, draws progress
// on a terminal and prints one JSON summary line on stdout at the end.
import fs from "node:fs";
import * as sdk from "tim-contacts";
import { applyUsers, checkDesired, exportUsers, isBulkError, readJsonLines, toJsonLine, verifyUsers } from "tim-contacts/bulk";
import { connection, makeClient, positiveInt, refuseSecretFlags } from "./connect.mjs";
import { countUsers, Job, readUsers } from "./job.mjs";
import { Progress, Stats } from "./progress.mjs";
import { EXIT, HELP, parse, UsageError } from "./usage.mjs";

/** A path without its .jsonl / .json extension. */
const stem = (p) => p.replace(/\.jsonl?$/, "");
const log = (msg) => process.stderr.write(`tim-contacts: ${msg}\n`);

/** Runs the CLI; resolves with the exit code. */
export async function main(argv) {
  let command, flags;
  try {
    refuseSecretFlags(argv);
    ({ command, flags } = parse(argv));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    log(e.message);
    return EXIT.USAGE;
  }
  if (command === "help") {
    process.stdout.write(HELP + "\n");
    return EXIT.OK;
  }
  try {
    return await run(command, flags);
  } catch (e) {
    if (e instanceof UsageError) {
      log(e.message);
      return EXIT.USAGE;
    }
    log(`stopped: ${e?.stack ?? e}`);
    return EXIT.FATAL;
  }
}

async function run(command, flags) {
  const conn = connection(sdk, flags);
  if (command === "worker") return worker(conn, flags);
  const concurrency = flags.concurrency === undefined ? 8 : positiveInt(flags.concurrency, "--concurrency");
  const input = command === "export" ? flags.users : flags.desired;
  if (!fs.existsSync(input)) throw new UsageError(`${input}: no such file`);
  const out = flags.out ?? `${stem(flags.desired)}.${command === "apply" && flags["dry-run"] ? "plan" : command}.jsonl`;
  const options = command === "export" ? {} : { prune: !!flags.prune, dryRun: !!flags["dry-run"], users: flags.users ?? null };
  const failures = flags.failures ?? `${stem(out)}.failures.jsonl`;
  if (flags.redis) {
    // On Redis the run has an id (its jobs' and results' keys), kept in the checkpoint's options:
    // a resumed coordinator finds the results its workers stored meanwhile.
    const { defaultQueue, newRunId } = await import("./distributed.mjs");
    options.redis = { queue: flags.queue ?? defaultQueue(conn.sdkAppId), run: (flags.resume && priorRun(out)) || newRunId() };
  }
  const job = new Job({ command, input, out, failures, resume: !!flags.resume, options });

  // Input checks come first: a bad file is exit 2 with nothing sent.
  let total;
  /** @type {Set<string> | null} */
  let only = null;
  if (command === "export") {
    total = await countUsers(input);
  } else {
    if (flags.users) {
      if (!fs.existsSync(flags.users)) throw new UsageError(`${flags.users}: no such file`);
      only = new Set();
      for await (const u of readUsers(flags.users)) only.add(u);
    }
    try {
      await checkDesired(() => fs.createReadStream(input), { validateSnapshot: sdk.validateSnapshot });
    } catch (e) {
      if (isBulkError(e) && e.kind === "invalid_input") throw new UsageError(`${input}:${e.line}: ${e.message.replace(/^line \d+:? ?/, "")} (nothing applied)`);
      throw e;
    }
    total = 0;
    for await (const { value } of readJsonLines(fs.createReadStream(input))) if (!only || only.has(value.user)) total++;
  }

  let client;
  const stats = new Stats();
  try {
    client = makeClient(sdk, conn, stats);
  } catch (e) {
    if (sdk.isTimError(e) && e.kind === "invalid_input") throw new UsageError(`connection: ${e.message}`);
    throw e;
  }
  for (const k of ["exportUser", "applyUser", "verifyUser"]) {
    if (typeof client[k] !== "function") throw new Error(`this build of tim-contacts has no TimClient.${k}: rebuild the package (./scripts/build)`);
  }

  const resumeFrom = job.open(log);
  Object.assign(stats.calls, job.calls);
  const t0 = performance.now();
  const seconds = () => job.priorSeconds + (performance.now() - t0) / 1000;
  const progress = new Progress({ label: command, total, done: resumeFrom, stats, enabled: !flags["no-progress"] });
  const ac = new AbortController();
  let interrupted = false;
  const onSignal = (sig) => {
    if (interrupted) process.exit(EXIT.INTERRUPTED); // a second Ctrl-C: at once (the checkpoint is on disk)
    interrupted = true;
    log(`${sig}: stopping (in-flight calls aborted; resume with --resume)`);
    ac.abort(new Error(`interrupted by ${sig}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  if (resumeFrom > 0) log(`resuming at user ${resumeFrom + 1} of ${total}`);
  const common = {
    client,
    concurrency,
    signal: ac.signal,
    resumeFrom,
    onProgress: (p) => progress.update({ done: resumeFrom + p.finished, failed: job.counts.failed ?? 0 }),
  };
  let entries;
  /** @type {import("./distributed.mjs").DistributedRun | undefined} */
  let dist;
  if (options.redis) {
    const { DistributedRun } = await import("./distributed.mjs");
    const redisTimeout = flags["redis-timeout"] === undefined ? 60 : positiveInt(flags["redis-timeout"], "--redis-timeout");
    dist = new DistributedRun({ redisUrl: flags.redis, queue: options.redis.queue, run: options.redis.run, command, total, options, timeoutMs: redisTimeout * 1000, log });
    log(`run ${options.redis.run} on queue ${options.redis.queue}: ${total - resumeFrom} user(s) to enqueue; start workers with: tim-contacts worker --redis URL${flags.queue ? ` --queue ${flags.queue}` : ""}`);
    const items = async function* () {
      let i = 0;
      if (command === "export") {
        for await (const u of readUsers(input)) if (i++ >= resumeFrom) yield u;
      } else {
        for await (const { value } of readJsonLines(fs.createReadStream(input))) if ((!only || only.has(value.user)) && i++ >= resumeFrom) yield value;
      }
    };
    entries = dist.entries(items(), {
      resumeFrom,
      signal: ac.signal,
      onStatus: (s) => {
        progress.update({ done: s.done, failed: job.counts.failed ?? 0 });
        progress.extra = `${s.workers} worker(s), ${s.counts.active ?? 0} active`;
        dist.stats().then((st) => stats.observe(st.calls, st.throttled), () => {});
      },
    });
  } else if (command === "export") {
    entries = exportUsers({ ...common, users: readUsers(input) });
  } else {
    const desired = async function* () {
      for await (const { value } of readJsonLines(fs.createReadStream(input))) if (!only || only.has(value.user)) yield value;
    };
    const o = { ...common, desired: desired(), validateSnapshot: sdk.validateSnapshot, prune: !!flags.prune };
    entries = command === "apply" ? applyUsers({ ...o, dryRun: !!flags["dry-run"] }) : verifyUsers(o);
  }

  let status = "done";
  try {
    for await (const e of entries) {
      if (e.error !== undefined) {
        job.writeFailure(e);
        job.count("failed");
      } else if (command === "export") {
        job.writeOut(e.line ?? toJsonLine(e.snapshot));
        job.count("ok");
      } else if (command === "apply") {
        const r = e.report;
        job.writeOut(toJsonLine({ index: e.index, ...r }));
        job.count("writes", r.plan?.writes ?? 0);
        if (r.ok === false) {
          const bad = (r.executed ?? []).find((x) => !x.ok);
          job.writeFailure({ user: e.user, index: e.index, error: { kind: bad?.error?.kind ?? "partial", code: bad?.error?.code ?? null, message: `step ${bad?.step} (${bad?.op}) failed: ${bad?.error?.message ?? "see the report"}` } });
          job.count("failed");
        } else {
          job.count("ok");
          if ((r.executed ?? []).length > 0) job.count("changed");
        }
      } else {
        const r = e.report;
        job.count("ok");
        if (r.matches) job.count("matched");
        else {
          job.count("mismatched");
          job.writeOut(toJsonLine({ index: e.index, user: r.user, matches: false, plan: r.plan }));
        }
      }
      job.checkpoint(e.index + 1, stats.calls, seconds());
      progress.update({ done: e.index + 1, failed: job.counts.failed ?? 0 });
    }
  } catch (e) {
    if (isBulkError(e) && e.kind === "aborted" && interrupted) status = "interrupted";
    else {
      progress.stop();
      job.close();
      if (dist) {
        await dist.close();
        if (e?.name === "RedisDownError") {
          // the checkpoint carries the run id: written here too, for a Redis lost before the first user was
          job.checkpoint(job.nextIndex, stats.calls, seconds());
          log(`stopped: ${e.message}. Nothing is lost: the run's state is in Redis and ${job.checkpointPath}; once Redis is back, run the same command with --resume`);
          return EXIT.FATAL;
        }
      }
      throw e;
    }
  } finally {
    progress.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  let busy;
  let hist;
  if (dist) {
    try {
      const st = await dist.stats();
      stats.calls = { ...st.calls }; // the run's counters in Redis span its resumed coordinators too
      stats.throttled = st.throttled;
      busy = st.busy;
      hist = st.hist;
      if (status === "done") await dist.finish();
    } catch (e) {
      log(`could not read the run's counters from Redis (${e.message})`);
    }
    await dist.close();
  }
  if (status === "done") job.finish();
  else {
    job.checkpoint(job.nextIndex, stats.calls, seconds());
    job.close();
  }
  client.free?.();

  const c = job.counts;
  const summary = { command, users: total, ok: c.ok ?? 0, failed: c.failed ?? 0 };
  if (command === "verify") Object.assign(summary, { matched: c.matched ?? 0, mismatched: c.mismatched ?? 0 });
  if (command === "apply") Object.assign(summary, { dryRun: !!flags["dry-run"], writes: c.writes ?? 0, changed: c.changed ?? 0 });
  Object.assign(summary, {
    calls: Object.fromEntries(Object.entries(stats.calls).sort()),
    throttled: stats.throttled,
    seconds: Math.round(seconds() * 1000) / 1000,
    out: job.out,
    failures: job.failuresPath,
  });
  if (dist) {
    const { steadyRate } = await import("./distributed.mjs");
    summary.redis = { queue: options.redis.queue, run: options.redis.run };
    // Each endpoint's busy span over all workers (first to last response, seconds) and its calls/s.
    summary.busy = Object.fromEntries(
      Object.entries(busy ?? {}).sort().map(([k, b]) => {
        const s = (b.last - b.first) / 1000;
        // steady: the rate between the 5th and the 95th percentile of the send times (start and end left out)
        const steady = steadyRate(hist?.[k]);
        return [k, { seconds: Math.round(s * 1000) / 1000, perSecond: s > 0 ? Math.round(((stats.calls[k] ?? 0) / s) * 10) / 10 : null, steadyPerSecond: steady ? Math.round(steady.perSecond * 10) / 10 : null, first: b.first, last: b.last }];
      }),
    );
  }
  if (job.resumed) summary.resumed = true;
  if (status === "interrupted") Object.assign(summary, { interrupted: true, nextIndex: job.nextIndex, checkpoint: job.checkpointPath });
  process.stdout.write(JSON.stringify(summary) + "\n");
  if (status === "interrupted") return EXIT.INTERRUPTED;
  if (summary.failed > 0) {
    log(`${summary.failed} user(s) failed: ${job.failuresPath} (re-run them with --users ${job.failuresPath})`);
    return EXIT.FAILED;
  }
  if (command === "verify" && summary.mismatched > 0) {
    log(`${summary.mismatched} user(s) do not match: ${job.out}`);
    return EXIT.MISMATCH;
  }
  return EXIT.OK;
}

/** The run id in an existing checkpoint of OUT (a resumed coordinator rejoins its run), else null. */
function priorRun(out) {
  try {
    return JSON.parse(fs.readFileSync(`${out}.checkpoint.json`, "utf8"))?.options?.redis?.run ?? null;
  } catch {
    return null;
  }
}

/** `tim-contacts worker --redis URL`: takes users until SIGINT / SIGTERM (or --idle-exit); prints its report. */
async function worker(conn, flags) {
  const { defaultQueue, runWorker } = await import("./distributed.mjs");
  const queue = flags.queue ?? defaultQueue(conn.sdkAppId);
  const ms = (name, dflt, scale = 1) => (flags[name] === undefined ? dflt : positiveInt(flags[name], `--${name}`) * scale);
  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig) => {
    if (++signals > 1) process.exit(EXIT.INTERRUPTED);
    ac.abort(new Error(`${sig}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const stats = new Stats();
  const progress = new Progress({ label: `worker ${queue}`, total: undefined, done: 0, stats, enabled: !flags["no-progress"] });
  try {
    const { report, exitCode } = await runWorker({
      sdk,
      sdkAppId: conn.sdkAppId,
      makeClient: (extra, onResponse) => {
        const c = makeClient(sdk, conn, { response: (e) => (stats.response(e), onResponse(e)) }, extra);
        for (const k of ["exportUser", "applyUser", "verifyUser"]) {
          if (typeof c[k] !== "function") throw new Error(`this build of tim-contacts has no TimClient.${k}: rebuild the package (./scripts/build)`);
        }
        return c;
      },
      redisUrl: flags.redis,
      queue,
      concurrency: ms("concurrency", 32),
      callsPerSecond: conn.rateLimit,
      lockDuration: ms("lock-duration", 30_000),
      stalledInterval: ms("stalled-interval", 15_000),
      timeoutMs: ms("redis-timeout", 60_000, 1000),
      idleExitMs: flags["idle-exit"] === undefined ? undefined : ms("idle-exit", 0, 1000),
      signal: ac.signal,
      log,
      onStatus: (r) => progress.update({ done: r.users, failed: r.failedUsers }),
    });
    progress.stop();
    process.stdout.write(JSON.stringify(report) + "\n");
    if (exitCode) log(`stopped: ${report.stopped}; its users in hand are taken over by other workers (or by this one when restarted)`);
    return exitCode || (signals ? EXIT.INTERRUPTED : EXIT.OK);
  } finally {
    progress.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
