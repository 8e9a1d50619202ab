// Command-line parsing (node:util.parseArgs) and the help text. A usage error exits 2 with
// nothing done.
import { parseArgs } from "node:util";

export const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2, MISMATCH: 3, FATAL: 4, INTERRUPTED: 130 });

export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
}

export const HELP = `tim-contacts: bulk jobs over a Tencent Cloud IM app (conversation groups, marks, friend groups)

usage:
  tim-contacts export --users FILE --out FILE           snapshot every user of FILE, one JSON line each
  tim-contacts apply  --desired FILE [--dry-run] [--prune]   converge users to desired snapshots
  tim-contacts verify --desired FILE [--prune]          exit 0 iff the live state matches
  tim-contacts worker --redis URL                       take users of --redis jobs (any machine, any number)

job options:
  --resume            continue from OUT.checkpoint.json (an interrupted run); starts afresh when there is none
  --concurrency N     users in flight (default 8)
  --out FILE          export: the snapshots; apply: one report per user (default DESIRED.apply.jsonl,
                      with --dry-run DESIRED.plan.jsonl); verify: one line per mismatching user
                      (default DESIRED.verify.jsonl); DESIRED/OUT without their .jsonl
  --failures FILE     one JSON line per failed user (default OUT.failures.jsonl)
  --users FILE        apply / verify: only these users (ids, one a line; a failures file works too)
  --no-progress       no progress line on stderr (it is shown only on a terminal anyway)

on Redis (scale-out; README "Scale-out on Redis"):
  --redis URL         export / apply / verify: distribute the users over workers through Redis
                      (BullMQ); this process enqueues them and writes the results in input order.
                      worker: the Redis to take users from
  --queue NAME        the BullMQ queue (default tim-contacts-SDKAPPID; coordinator and workers alike)
  --redis-timeout S   how long Redis may stay unreachable before the run stops, resumable, exit 4
                      (default 60)
  worker only: --concurrency N (users in hand, default 32), --lock-duration MS (default 30000),
  --stalled-interval MS (default 15000), --idle-exit S (exit once the queue was empty S seconds)

connection (flags, else environment):
  --base-url URL      TIM_BASE_URL       a proxy or the local emulator
  --region NAME       TIM_REGION         the app's region (singapore, ...), when no base URL
  --sdkappid N        TIM_SDKAPPID
  --identifier ID     TIM_IDENTIFIER     the app-admin account
  --usersig-command C TIM_USERSIG_COMMAND  a shell command printing a UserSig (TIM_IDENTIFIER is set for it)
                      TIM_SECRET_KEY     else: the SecretKey, to mint UserSigs (never as a flag)
  --rate-limit N      calls per second per endpoint (default 200, the service's limit)
  --timeout-ms N      per HTTP attempt (default 10000)

exit codes: 0 done, every user ok (verify: and matching) · 1 some users failed (see the failures file;
re-run them with --users FAILURES) · 2 usage or bad input (nothing done) · 3 verify: some users do not
match · 4 the job stopped on an error of its own (I/O; resumable) · 130 interrupted (resumable with --resume)

stdout: one JSON summary line at the end; progress and messages go to stderr.`;

const OPTIONS = {
  users: { type: "string" },
  out: { type: "string" },
  desired: { type: "string" },
  failures: { type: "string" },
  resume: { type: "boolean" },
  concurrency: { type: "string" },
  "dry-run": { type: "boolean" },
  prune: { type: "boolean" },
  "no-progress": { type: "boolean" },
  "base-url": { type: "string" },
  region: { type: "string" },
  sdkappid: { type: "string" },
  identifier: { type: "string" },
  "usersig-command": { type: "string" },
  "rate-limit": { type: "string" },
  "timeout-ms": { type: "string" },
  redis: { type: "string" },
  queue: { type: "string" },
  "redis-timeout": { type: "string" },
  "lock-duration": { type: "string" },
  "stalled-interval": { type: "string" },
  "idle-exit": { type: "string" },
  help: { type: "boolean", short: "h" },
};

const ALLOWED = {
  export: ["users", "out", "failures", "resume", "concurrency", "no-progress", "redis", "queue", "redis-timeout"],
  apply: ["desired", "out", "failures", "users", "resume", "concurrency", "dry-run", "prune", "no-progress", "redis", "queue", "redis-timeout"],
  verify: ["desired", "out", "failures", "users", "resume", "concurrency", "prune", "no-progress", "redis", "queue", "redis-timeout"],
  worker: ["redis", "queue", "redis-timeout", "concurrency", "lock-duration", "stalled-interval", "idle-exit", "no-progress"],
};
const CONNECTION = ["base-url", "region", "sdkappid", "identifier", "usersig-command", "rate-limit", "timeout-ms", "help"];

/** @returns {{ command: string | undefined, flags: Record<string, any> }} */
export function parse(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e.message.replace(/\. To specify a positional.*$/s, ""));
  }
  const [command, ...rest] = parsed.positionals;
  const flags = parsed.values;
  if (flags.help || command === "help") return { command: "help", flags };
  if (!command) throw new UsageError("no command: export, apply, verify or worker (--help for usage)");
  if (!ALLOWED[command]) throw new UsageError(`unknown command ${command}: export, apply, verify or worker`);
  if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
  for (const k of Object.keys(flags)) {
    if (!ALLOWED[command].includes(k) && !CONNECTION.includes(k)) throw new UsageError(`--${k} does not apply to ${command}`);
  }
  if (flags.redis !== undefined && !/^rediss?:\/\//.test(flags.redis)) throw new UsageError(`--redis must be a redis:// or rediss:// URL (got ${flags.redis})`);
  for (const k of ["queue", "redis-timeout"]) if (flags[k] !== undefined && flags.redis === undefined) throw new UsageError(`--${k} needs --redis URL`);
  if (flags.queue !== undefined && !/^[A-Za-z0-9_.-]+$/.test(flags.queue)) throw new UsageError(`--queue: letters, digits, _ . - only (got ${flags.queue})`);
  if (command === "worker") {
    if (!flags.redis) throw new UsageError("worker needs --redis URL (the Redis of the jobs to take users from)");
  } else if (command === "export") {
    if (!flags.users) throw new UsageError("export needs --users FILE (user ids, one a line)");
    if (!flags.out) throw new UsageError("export needs --out FILE (the snapshots, JSON Lines)");
  } else if (!flags.desired) {
    throw new UsageError(`${command} needs --desired FILE (snapshots, JSON Lines)`);
  }
  return { command, flags };
}
