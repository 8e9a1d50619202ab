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
  const concurrency = flags.concurrency === undefined ? 8 : positiveInt(flags.concurrency, "--concurrency");
  const input = command === "export" ? flags.users : flags.desired;
  if (!fs.existsSync(input)) throw new UsageError(`${input}: no such file`);
  const out = flags.out ?? `${stem(flags.desired)}.${command === "apply" && flags["dry-run"] ? "plan" : command}.jsonl`;
  const options = command === "export" ? {} : { prune: !!flags.prune, dryRun: !!flags["dry-run"], users: flags.users ?? null };
  const job = new Job({ command, input, out, failures: flags.failures ?? `${stem(out)}.failures.jsonl`, resume: !!flags.resume, options });

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
  if (command === "export") {
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
        job.writeOut(toJsonLine(e.snapshot));
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
      throw e;
    }
  } finally {
    progress.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
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
