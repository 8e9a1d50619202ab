// The connection: flags first, then TIM_* environment variables. The SecretKey is read from the
// environment only (TIM_SECRET_KEY) or replaced by a command that prints a UserSig; a flag for it
// is refused, because a flag's value is visible to every user of the machine.
import { execFile } from "node:child_process";
import { httpFetch } from "./http-fetch.mjs";
import { UsageError } from "./usage.mjs";

/**
 * The fetch of every client of the CLI: node:http with keep-alive (./http-fetch.mjs), shared so
 * that all clients of a process share its connections. TIM_CLI_FETCH=global uses Node's own
 * fetch instead (bench/bulk-redis.mjs compares the two).
 */
export const cliFetch = process.env.TIM_CLI_FETCH === "global" ? (url, init) => globalThis.fetch(url, init) : httpFetch();

/** Flags that would carry a secret on the command line, and why they are refused. */
export function refuseSecretFlags(argv) {
  for (const a of argv) {
    const name = a.split("=", 1)[0].toLowerCase();
    if (["--secret-key", "--secretkey", "--secret", "--usersig", "--user-sig"].includes(name)) {
      throw new UsageError(
        `${name} is refused: a command line is readable by every user of this machine (ps, /proc/PID/cmdline) ` +
          `and is kept in shell history. Set TIM_SECRET_KEY in the environment, or pass ` +
          `--usersig-command "..." (or TIM_USERSIG_COMMAND), a command that prints a UserSig.`,
      );
    }
  }
}

/**
 * The connection settings from the parsed flags and the environment.
 * @returns {{ sdkAppId: number, identifier: string, baseUrl?: string, region?: string, signer: string, userSig: (id: string) => string | Promise<string>, rateLimit: number, timeoutMs?: number }}
 */
export function connection(sdk, flags, env = process.env) {
  const baseUrl = flags["base-url"] ?? env.TIM_BASE_URL;
  const region = flags.region ?? env.TIM_REGION;
  const sdkAppIdText = flags.sdkappid ?? env.TIM_SDKAPPID;
  const identifier = flags.identifier ?? env.TIM_IDENTIFIER;
  if (!baseUrl && !region) throw new UsageError("no service: pass --base-url URL or --region NAME (or set TIM_BASE_URL / TIM_REGION)");
  if (!sdkAppIdText) throw new UsageError("no SDKAppID: pass --sdkappid N (or set TIM_SDKAPPID)");
  const sdkAppId = Number(sdkAppIdText);
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) throw new UsageError(`--sdkappid must be a positive integer (got ${sdkAppIdText})`);
  if (!identifier) throw new UsageError("no admin identifier: pass --identifier ID (or set TIM_IDENTIFIER)");
  const command = flags["usersig-command"] ?? env.TIM_USERSIG_COMMAND;
  const secretKey = env.TIM_SECRET_KEY;
  let userSig;
  let signer;
  if (command) {
    signer = "command";
    userSig = (id) => runUserSigCommand(command, id, sdkAppId);
  } else if (secretKey) {
    signer = "TIM_SECRET_KEY";
    userSig = (id) => sdk.genUserSig({ sdkAppId, secretKey, identifier: id, expire: 86400 });
  } else {
    throw new UsageError("no credentials: set TIM_SECRET_KEY, or pass --usersig-command \"...\" (or TIM_USERSIG_COMMAND) printing a UserSig");
  }
  const rateLimit = flags["rate-limit"] === undefined ? 200 : positiveInt(flags["rate-limit"], "--rate-limit");
  const timeoutMs = flags["timeout-ms"] === undefined ? undefined : positiveInt(flags["timeout-ms"], "--timeout-ms");
  return { sdkAppId, identifier, baseUrl, region: baseUrl ? undefined : region, signer, userSig, rateLimit, timeoutMs };
}

export function positiveInt(text, name) {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer (got ${text})`);
  return n;
}

/** Runs the UserSig command (through /bin/sh) and returns its trimmed stdout. */
function runUserSigCommand(command, identifier, sdkAppId) {
  return new Promise((resolve, reject) => {
    execFile(
      "/bin/sh",
      ["-c", command],
      { env: { ...process.env, TIM_IDENTIFIER: identifier, TIM_SDKAPPID: String(sdkAppId) }, timeout: 30_000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`the UserSig command failed (${err.code ?? err.signal ?? err.message}): ${String(stderr).trim().slice(0, 200)}`));
        const sig = String(stdout).trim();
        if (!sig) return reject(new Error("the UserSig command printed nothing"));
        resolve(sig);
      },
    );
  });
}

/**
 * A TimClient for the connection, counting every HTTP attempt per endpoint into `stats`;
 * `extra` overrides options (a worker's shared limiter: `rateLimit`, or `rateLimit: false` and a pacing `fetch`).
 */
export function makeClient(sdk, conn, stats, extra = {}) {
  const options = {
    sdkAppId: conn.sdkAppId,
    identifier: conn.identifier,
    userSig: conn.userSig,
    rateLimit: { callsPerSecond: conn.rateLimit },
    onResponse: (e) => stats.response(e),
    fetch: cliFetch,
  };
  if (conn.baseUrl) options.baseUrl = conn.baseUrl;
  else options.region = conn.region;
  if (conn.timeoutMs !== undefined) options.timeoutMs = conn.timeoutMs;
  Object.assign(options, extra);
  return new sdk.TimClient(options);
}
