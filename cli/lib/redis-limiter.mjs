// One rate limit shared by every process of an app: GCRA (the generic cell rate algorithm) in a
// small Lua script on Redis, with the parameters of the client's own token bucket
// (src/ratelimit.rs: 200 calls/s per endpoint, a burst of a tenth of that, a call takes its slot
// at once and waits out the debt).
//
// What is GCRA? One number per key, the theoretical arrival time (TAT) of the next call. A call at
// `now` takes the slot `max(TAT, now)` and moves TAT on by the emission interval T = 1/rate; it
// may go at once while TAT stays within `burst x T` of now, else it waits `TAT - burst x T - now`.
// That is exactly a token bucket of `burst` tokens refilling at `rate` with debt: `burst` calls
// back to back from rest, then one every T, so any window of w seconds holds at most
// `burst + rate x w` calls, at every instant (there is no window edge). The clock is Redis's own
// `TIME`, one clock for every worker on every machine.
//
// Why not a library? rate-limiter-flexible counts fixed windows: two windows' worth of calls can
// land within one second around a window edge, which the service throttles (60007). bottleneck is
// unmaintained. BullMQ's own limiter is per queue (per-group limits are in its paid edition), so it
// cannot pace per endpoint. The script is loaded once (SCRIPT LOAD) and called by hash (EVALSHA),
// loaded again after a Redis restart emptied the script cache (NOSCRIPT).
//
// Keys: `tim-contacts:rl:{SDKAPPID}:ENDPOINT` (a string, the TAT in microseconds; it expires one
// second after it is no longer ahead of the clock, so an idle app leaves nothing behind). The app
// is the hash tag, so one app's keys share a Redis Cluster slot.
//
// The object implements the client's limiter contract, `acquire(endpoint, { signal })`: it
// resolves when the call may go (after waiting its delay), rejects with the signal's reason when
// aborted (the slot is given back), and rejects when Redis stays unreachable past `downTimeoutMs`,
// so a limiter that is down never lets calls through unpaced.
import { createHash } from "node:crypto";

export const GCRA_LUA = `-- GCRA (generic cell rate algorithm), the TAT in microseconds of Redis TIME.
-- KEYS[1] the app's endpoint key; ARGV[1] emission interval T (us); ARGV[2] burst; ARGV[3] take | refund
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local T = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[3] == 'refund' then
  if tat > now then
    tat = math.max(now, tat - T)
    redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.floor((tat - now) / 1000) + 1000)
  end
  return 0
end
if tat < now then tat = now end
local new_tat = tat + T
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.floor((new_tat - now) / 1000) + 1000)
local wait = tat + T - burst * T - now
if wait <= 0 then return 0 end
return wait
`;

export const GCRA_SHA = createHash("sha1").update(GCRA_LUA).digest("hex");

/** The limiter's key of one app's endpoint. */
export const limiterKey = (sdkAppId, endpoint) => `tim-contacts:rl:{${sdkAppId}}:${endpoint}`;

/** The endpoint of a request URL (`.../v4/sns/group_get?...` -> `v4/sns/group_get`). */
export function endpointOfUrl(url) {
  const m = /\/(v4\/[^?#]*)/.exec(String(url));
  return m ? m[1] : new URL(url).pathname.replace(/^\//, "");
}

export class LimiterDownError extends Error {
  constructor(message, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "LimiterDownError";
  }
}

const abortReason = (signal) => signal.reason ?? new DOMException("aborted", "AbortError");

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortReason(signal));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export class RedisLimiter {
  /**
   * @param {{ redis: import("ioredis").Redis, sdkAppId: number, callsPerSecond?: number, burst?: number, downTimeoutMs?: number }} o
   *   `redis`: an ioredis client (give it `maxRetriesPerRequest: null` so a command waits for a
   *   reconnect instead of failing at once); `callsPerSecond` per endpoint (default 200);
   *   `burst` (default a tenth of the rate, as the client's bucket); `downTimeoutMs`: how long a
   *   call waits for an unreachable Redis before `acquire` rejects (default 30000).
   */
  constructor({ redis, sdkAppId, callsPerSecond = 200, burst, downTimeoutMs = 30_000 }) {
    if (!Number.isSafeInteger(callsPerSecond) || callsPerSecond < 1) throw new RangeError(`callsPerSecond must be a positive integer (got ${callsPerSecond})`);
    this.redis = redis;
    this.sdkAppId = sdkAppId;
    this.callsPerSecond = callsPerSecond;
    this.burst = burst ?? Math.max(1, Math.floor(callsPerSecond / 10));
    this.intervalUs = Math.round(1e6 / callsPerSecond);
    this.downTimeoutMs = downTimeoutMs;
    /** Incremented on every failure to reach Redis (a worker tells a limiter failure from a user's error by it). */
    this.failures = 0;
    /** Slots taken, and the total time waited (ms), for reports. */
    this.taken = 0;
    this.waitedMs = 0;
    this.loaded = null;
  }

  /** Loads the script (once; again after a restart emptied the script cache). */
  load() {
    this.loaded ??= this.redis.script("LOAD", GCRA_LUA).then((sha) => {
      if (sha !== GCRA_SHA) throw new Error(`SCRIPT LOAD returned ${sha}, expected ${GCRA_SHA}`);
      return sha;
    });
    this.loaded.catch(() => (this.loaded = null));
    return this.loaded;
  }

  async #eval(endpoint, op, signal) {
    const run = async () => {
      await this.load();
      try {
        return await this.redis.evalsha(GCRA_SHA, 1, limiterKey(this.sdkAppId, endpoint), this.intervalUs, this.burst, op);
      } catch (e) {
        if (!String(e?.message).startsWith("NOSCRIPT")) throw e;
        this.loaded = null;
        await this.load();
        return this.redis.evalsha(GCRA_SHA, 1, limiterKey(this.sdkAppId, endpoint), this.intervalUs, this.burst, op);
      }
    };
    let timer;
    let onAbort;
    let settled = false;
    try {
      return await Promise.race([
        run().finally(() => (settled = true)),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new LimiterDownError(`rate limiter: Redis did not answer within ${this.downTimeoutMs} ms`)), this.downTimeoutMs);
          if (signal) {
            onAbort = () => reject(abortReason(signal));
            signal.addEventListener("abort", onAbort, { once: true });
          }
        }),
      ]);
    } catch (e) {
      // An abort while Redis has not answered counts too: the call's own timeout ran out waiting for it.
      if (!signal?.aborted || !settled) {
        this.failures++;
        if (!(e instanceof LimiterDownError)) throw new LimiterDownError(`rate limiter: Redis failed: ${e?.message ?? e}`, e);
      }
      throw e;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Waits until a call to `endpoint` may go. The client awaits it before each HTTP attempt.
   * @param {string} endpoint e.g. `v4/sns/group_get`
   * @param {{ signal?: AbortSignal }} [options]
   */
  async acquire(endpoint, { signal } = {}) {
    if (signal?.aborted) throw abortReason(signal);
    const waitUs = Number(await this.#eval(endpoint, "take", signal));
    this.taken++;
    if (waitUs > 0) {
      const ms = Math.ceil(waitUs / 1000);
      this.waitedMs += ms;
      try {
        await sleep(ms, signal);
      } catch (e) {
        this.#eval(endpoint, "refund").catch(() => {}); // the slot was not used
        throw e;
      }
    }
  }
}

/**
 * True when this build of the SDK takes a limiter object as `rateLimit` (`acquire(endpoint,
 * { signal })`, `whenDown`): probed offline, with a fake `fetch`, by one call.
 */
export async function sdkTakesLimiter(sdk) {
  let acquired = false;
  let client;
  try {
    client = new sdk.TimClient({
      sdkAppId: 1400000000,
      identifier: "probe",
      userSig: () => "probe",
      baseUrl: "http://127.0.0.1:9",
      retry: false,
      rateLimit: { acquire: async () => void (acquired = true), whenDown: "fail" },
      fetch: async () => ({ status: 200, arrayBuffer: async () => new TextEncoder().encode('{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}') }),
    });
    await client.snsGroupGet({ fromAccount: "probe" }).catch(() => {});
  } catch {
    return false;
  } finally {
    client?.free?.();
  }
  return acquired;
}

/**
 * The `TimClient` options that pace every HTTP attempt through `limiter`: the SDK's limiter hook
 * (`rateLimit: { acquire, whenDown: "fail" }`) when this build has it, else a `fetch` that awaits
 * `acquire` before each attempt, with the client's own bucket off.
 * @param {{ acquire(endpoint: string, o: { signal?: AbortSignal }): Promise<void> }} limiter
 * @param {boolean} hook from `sdkTakesLimiter(sdk)`
 */
export function pacedOptions(limiter, hook, baseFetch = globalThis.fetch) {
  if (hook) return { rateLimit: { acquire: (endpoint, o) => limiter.acquire(endpoint, o ?? {}), whenDown: "fail" } };
  return {
    rateLimit: false,
    fetch: async (url, init) => {
      await limiter.acquire(endpointOfUrl(url), { signal: init?.signal });
      return baseFetch(url, init);
    },
  };
}
