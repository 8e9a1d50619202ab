// The bulk engine on Redis: a coordinator enqueues users as BullMQ jobs, workers on any machine
// take them, run exportUser / applyUser / verifyUser through a client paced by the shared GCRA
// limiter (redis-limiter.mjs), and store each user's result in Redis; the coordinator writes the
// results in input order, so the output equals a single-process run's, byte for byte.
//
// Layout in Redis (one app's queue, any number of runs on it):
//   bull:QUEUE:*                           the BullMQ queue (default QUEUE = tim-contacts-SDKAPPID)
//     job id RUN-INDEX                     one job per user; INDEX is its input index, so enqueuing
//                                          again after a crash adds nothing twice
//   tim-contacts:run:RUN                   hash: command, total, queue (for workers' progress)
//   tim-contacts:run:RUN:results           hash INDEX -> the user's entry (JSON): an export's
//                                          snapshot line, an apply / verify report, or an error;
//                                          the coordinator deletes a field once it is written to
//                                          the output and checkpointed
//   tim-contacts:run:RUN:calls             hash ENDPOINT -> HTTP attempts, `throttled` (workers)
//   tim-contacts:run:RUN:timing            hash WORKER|ENDPOINT -> first,last response (ms epoch)
//   tim-contacts:rl:{SDKAPPID}:ENDPOINT    the limiter (redis-limiter.mjs)
// Run keys expire 7 days after their last write.
//
// Delivery is at least once: a worker that dies (or loses its lock) has its jobs taken over by
// BullMQ's stalled-job checker in the other workers. A user is therefore checkpointed on its own:
// a worker that finds the user's result already stored skips it, and apply re-reads the live state
// before it writes (idempotent by design), so a redelivered user is not written twice.
import os from "node:os";
import { randomBytes } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { BulkError, toJsonLine } from "tim-contacts/bulk";
import { cliFetch } from "./connect.mjs";
import { LimiterDownError, pacedOptions, RedisLimiter, sdkTakesLimiter } from "./redis-limiter.mjs";

const RUN_TTL_S = 7 * 24 * 3600;
/** The width (ms) of a bucket of the histogram of HTTP attempts (by send time) the workers keep per endpoint. */
export const HIST_MS = 20;

/**
 * The steady-state rate of one endpoint (calls/s) from its histogram (`stats().hist[endpoint]`):
 * the calls between the `lo` and `hi` quantiles of the send times over the time between them
 * (interpolated within a bucket). Send times, not answer times: the first answers of a job are
 * slower (new connections, a cold JIT), which would squeeze the answers' span. A job's start (processes, connections and the JIT warming
 * up, the first burst) and its end (the last users' calls) are left out, so this is the rate the
 * job holds while it runs, which is what a longer job's time is made of.
 * @param {[number, number][]} hist sorted `[bucket start ms, responses]`
 * @returns {{ calls: number, perSecond: number, from: number, to: number } | null}
 */
export function steadyRate(hist, { lo = 0.05, hi = 0.95 } = {}) {
  const n = (hist ?? []).reduce((a, [, c]) => a + c, 0);
  if (n < 20) return null;
  const at = (q) => {
    const want = q * n;
    let seen = 0;
    for (const [t, c] of hist) {
      if (seen + c >= want) return t + (HIST_MS * (want - seen)) / c;
      seen += c;
    }
    return hist[hist.length - 1][0] + HIST_MS;
  };
  const from = at(lo);
  const to = at(hi);
  if (!(to > from)) return null;
  return { calls: (hi - lo) * n, perSecond: ((hi - lo) * n * 1000) / (to - from), from, to };
}

export const runKey = (run, part) => `tim-contacts:run:${run}${part ? `:${part}` : ""}`;
export const defaultQueue = (sdkAppId) => `tim-contacts-${sdkAppId}`;
export const newRunId = () => randomBytes(6).toString("hex");

export class RedisDownError extends Error {
  constructor(message) {
    super(message);
    this.name = "RedisDownError";
  }
}

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * An ioredis connection that waits for a reconnect instead of failing a command (BullMQ needs
 * `maxRetriesPerRequest: null`), reconnecting every second at most, and that keeps track of how
 * long Redis has been unreachable (`downFor()`).
 */
export function connectRedis(url, { name, log } = {}) {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: name,
    retryStrategy: (n) => Math.min(100 * n, 1000),
    reconnectOnError: (e) => /READONLY|LOADING/.test(e.message),
  });
  let downSince = null;
  let said = false;
  redis.on("ready", () => {
    if (downSince !== null && said) log?.(`Redis is back (${((Date.now() - downSince) / 1000).toFixed(1)} s)`);
    downSince = null;
    said = false;
  });
  const down = (e) => {
    downSince ??= Date.now();
    if (!said && e) {
      said = true;
      log?.(`Redis unreachable (${e.message ?? e}): waiting for it`);
    }
  };
  redis.on("error", down);
  redis.on("close", () => down());
  redis.downFor = () => (downSince === null ? 0 : Date.now() - downSince);
  return redis;
}

/** The part of an error a failures line keeps. */
export function serializeError(e) {
  const out = { name: e?.name ?? "Error", kind: e?.kind ?? (e?.name === "BulkError" ? "invalid_input" : "internal"), code: e?.code ?? null, message: String(e?.message ?? e) };
  if (e?.field) out.field = e.field;
  if (e?.endpoint) out.endpoint = e.endpoint;
  return out;
}

/** Races `p` against `ms`: rejects with a RedisDownError naming `what` when Redis does not answer. */
async function within(p, ms, what) {
  let t;
  try {
    return await Promise.race([p, new Promise((_, reject) => (t = setTimeout(() => reject(new RedisDownError(`Redis did not answer for ${Math.round(ms / 1000)} s (${what})`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

/** A command lost with the connection (a restart of Redis), not refused by Redis: worth sending again. */
function isConnectionLoss(e) {
  if (e?.name === "AbortError" && /connection close/i.test(String(e.message))) return true;
  return /Connection is closed|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|LOADING|Stream isn't writeable/i.test(String(e?.message ?? ""));
}

// ---------------------------------------------------------------------------------------------
// The coordinator

export class DistributedRun {
  /**
   * @param {{ redisUrl: string, queue: string, run: string, command: "export" | "apply" | "verify",
   *   total: number, options?: { prune?: boolean, dryRun?: boolean }, timeoutMs?: number,
   *   window?: number, attempts?: number, log?: (msg: string) => void }} o
   *   `timeoutMs`: how long Redis may stay unreachable before the run stops with a
   *   RedisDownError (resumable); `window`: users enqueued and not yet written, at most.
   */
  constructor({ redisUrl, queue, run, command, total, options = {}, timeoutMs = 60_000, window = 2000, attempts = 10, log }) {
    Object.assign(this, { queueName: queue, run, command, total, options, timeoutMs, window, attempts, log });
    this.redis = connectRedis(redisUrl, { name: `tim-contacts-coordinator-${run}`, log });
    this.queueRedis = connectRedis(redisUrl, { name: `tim-contacts-queue-${run}` });
    this.queue = new Queue(queue, { connection: this.queueRedis });
    this.queue.on("error", () => {});
    this.written = 0;
    this.ahead = 0;
    this.jobCounts = {};
    this.workers = 0;
  }

  /**
   * One Redis operation of the coordinator (`make` starts it): every one is idempotent (writes
   * keyed by the run and the user's index, job ids fixed), so a command that a restart of Redis
   * aborted mid-flight (ioredis rejects a MULTI whose answer the closed connection cut off) is
   * started again, until Redis has been unreachable for the timeout.
   */
  async #op(make, what) {
    const t0 = Date.now();
    for (;;) {
      try {
        return await within(make(), Math.max(1, this.timeoutMs - (Date.now() - t0)), what);
      } catch (e) {
        if (e instanceof RedisDownError || !isConnectionLoss(e) || Date.now() - t0 >= this.timeoutMs) throw e;
        await sleep(200);
      }
    }
  }

  #job(index, item) {
    const data = { run: this.run, cmd: this.command, index };
    if (this.command === "export") data.user = item;
    else Object.assign(data, { snapshot: item, prune: !!this.options.prune, dryRun: !!this.options.dryRun });
    return {
      name: this.command,
      data,
      opts: { jobId: `${this.run}-${index}`, attempts: this.attempts, backoff: { type: "exponential", delay: 500 }, removeOnComplete: true, removeOnFail: false },
    };
  }

  /**
   * The entries in input order, as the local pool yields them (`{ index, user, line | report |
   * error }`). `items` yields the inputs from `resumeFrom` on (user ids, or desired snapshots).
   * @param {AsyncIterable<any>} items
   * @param {{ resumeFrom?: number, signal?: AbortSignal, onStatus?: (s: { done: number, workers: number, counts: object }) => void }} [o]
   */
  async *entries(items, { resumeFrom = 0, signal, onStatus } = {}) {
    const meta = runKey(this.run);
    const results = runKey(this.run, "results");
    await this.#op(
      () => this.redis.multi().hset(meta, { command: this.command, total: this.total, queue: this.queueName }).expire(meta, RUN_TTL_S).exec(),
      "writing the run",
    );
    const it = items[Symbol.asyncIterator]();
    /** index -> item, for the users enqueued and not yet written (to enqueue again if lost) */
    const pending = new Map();
    let next = resumeFrom;
    let enq = resumeFrom;
    let exhausted = false;
    let lastProgress = Date.now();
    let lastCheck = Date.now();
    let lastStatus = 0;
    const aborted = () => new BulkError("aborted", "the bulk job was aborted", { cause: signal?.reason });
    for (;;) {
      if (signal?.aborted) throw aborted();
      // Enqueue up to the window.
      if (!exhausted && enq - next < this.window) {
        const batch = [];
        while (!exhausted && enq - next + batch.length < this.window && batch.length < 500) {
          const r = await it.next();
          if (r.done) exhausted = true;
          else {
            pending.set(enq + batch.length, r.value);
            batch.push(this.#job(enq + batch.length, r.value));
          }
        }
        if (batch.length) {
          await this.#op(() => this.queue.addBulk(batch), "enqueuing users");
          enq += batch.length;
        }
      }
      if (exhausted && next >= enq) return;
      // Collect what is done, in order.
      const want = Math.min(enq - next, 512);
      const fields = Array.from({ length: want }, (_, i) => String(next + i));
      const values = await this.#op(() => this.redis.hmget(results, ...fields), "reading results");
      let k = 0;
      while (k < values.length && values[k] !== null) k++;
      for (let i = 0; i < k; i++) {
        const entry = JSON.parse(values[i]);
        pending.delete(next);
        next++;
        this.written = next;
        yield entry; // written and checkpointed by the consumer before it asks for the next one
      }
      if (k > 0) {
        await this.#op(() => this.redis.multi().hdel(results, ...fields.slice(0, k)).expire(results, RUN_TTL_S).exec(), "deleting written results");
        lastProgress = Date.now();
      }
      const now = Date.now();
      if (onStatus && now - lastStatus >= 500) {
        lastStatus = now;
        const [len, counts, workers] = await this.#op(
          () => Promise.all([this.redis.hlen(results), this.queue.getJobCounts("waiting", "active", "delayed", "failed"), this.queue.getWorkersCount().catch(() => 0)]),
          "reading progress",
        );
        this.ahead = len;
        this.jobCounts = counts;
        this.workers = workers;
        onStatus({ done: next + len, workers, counts });
      }
      if (k > 0) continue;
      // Nothing new: the head user may be lost (Redis lost its job) or failed for good.
      if (now - lastProgress > 5000 && now - lastCheck > 5000) {
        lastCheck = now;
        await this.#op(() => this.#rescue(next, pending.get(next)), "checking a stuck user");
      }
      await sleep(k === 0 ? 40 : 0, signal);
    }
  }

  /** The head user has had no result for a while: a job that failed for good becomes its error entry; a lost job is enqueued again. */
  async #rescue(index, item) {
    const id = `${this.run}-${index}`;
    const results = runKey(this.run, "results");
    const state = await this.queue.getJobState(id);
    if (state === "failed") {
      const job = await this.queue.getJob(id);
      const entry = { index, user: this.command === "export" ? item : item?.user, error: { name: "Error", kind: "internal", code: null, message: `the job failed ${job?.attemptsMade ?? "?"} times: ${job?.failedReason ?? "unknown reason"}` } };
      await this.redis.hsetnx(results, String(index), JSON.stringify(entry));
      await job?.remove().catch(() => {});
    } else if (state === "unknown" && (await this.redis.hexists(results, String(index))) === 0 && item !== undefined) {
      this.log?.(`user ${index + 1}: its job is gone from Redis (a restart without persistence?): enqueued again`);
      const j = this.#job(index, item);
      await this.queue.add(j.name, j.data, j.opts);
    }
  }

  /**
   * HTTP attempts per endpoint over all workers, the throttling answers, each endpoint's busy
   * span (first to last response) and its HTTP attempts per `HIST_MS` bucket of send time
   * (`hist`: sorted `[bucket start (ms since the epoch), attempts]`, for `steadyRate`).
   */
  async stats() {
    const [calls, timing, hist] = await this.#op(
      () => Promise.all([this.redis.hgetall(runKey(this.run, "calls")), this.redis.hgetall(runKey(this.run, "timing")), this.redis.hgetall(runKey(this.run, "hist"))]),
      "reading the counters",
    );
    const out = { calls: {}, throttled: 0, busy: {}, hist: {} };
    for (const [k, v] of Object.entries(hist)) {
      const bar = k.lastIndexOf("|");
      (out.hist[k.slice(0, bar)] ??= []).push([Number(k.slice(bar + 1)) * HIST_MS, Number(v)]);
    }
    for (const h of Object.values(out.hist)) h.sort((a, b) => a[0] - b[0]);
    for (const [k, v] of Object.entries(calls)) {
      if (k === "throttled") out.throttled = Number(v);
      else out.calls[k] = Number(v);
    }
    for (const [k, v] of Object.entries(timing)) {
      const endpoint = k.slice(k.indexOf("|") + 1);
      const [first, last] = v.split(",").map(Number);
      const b = (out.busy[endpoint] ??= { first, last });
      b.first = Math.min(b.first, first);
      b.last = Math.max(b.last, last);
    }
    return out;
  }

  /** A complete run: its keys go. */
  async finish() {
    await this.#op(() => this.redis.del(runKey(this.run), runKey(this.run, "results"), runKey(this.run, "calls"), runKey(this.run, "timing"), runKey(this.run, "hist")), "removing the run");
  }

  async close() {
    await Promise.allSettled([within(this.queue.close(), 5000, "closing"), within(this.redis.quit(), 5000, "closing")]);
    this.redis.disconnect();
    this.queueRedis.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// The worker

/**
 * A worker: takes users of the queue's runs until `signal` aborts (then finishes the users in
 * hand), or until the queue has been empty for `idleExitMs` after its last job. Resolves with its
 * report.
 * @param {{ sdk: any, makeClient: (extra: object, onResponse: (e: any) => void) => any, sdkAppId: number,
 *   redisUrl: string, queue: string, concurrency?: number, callsPerSecond?: number,
 *   lockDuration?: number, stalledInterval?: number, timeoutMs?: number, idleExitMs?: number,
 *   signal?: AbortSignal, log?: (msg: string) => void, onStatus?: (s: object) => void }} o
 */
export async function runWorker(o) {
  const { sdk, makeClient, sdkAppId, redisUrl, queue, concurrency = 8, callsPerSecond = 200, timeoutMs = 60_000, signal, log = () => {} } = o;
  const id = `${os.hostname()}-${process.pid}`;
  const redis = connectRedis(redisUrl, { name: `tim-contacts-worker-${id}`, log });
  const limiterRedis = connectRedis(redisUrl, { name: `tim-contacts-limiter-${id}` });
  const limiter = new RedisLimiter({ redis: limiterRedis, sdkAppId, callsPerSecond, downTimeoutMs: timeoutMs });
  const hook = await sdkTakesLimiter(sdk);
  const paced = pacedOptions(limiter, hook, cliFetch);
  const t0 = Date.now();
  const report = { command: "worker", worker: id, queue, pacing: hook ? "sdk-hook" : "fetch", users: 0, skipped: 0, failedUsers: 0, retried: 0, takenOver: 0, calls: {}, throttled: 0 };

  /** One client per run, so each run's calls are counted apart. */
  const runs = new Map();
  const runOf = (run) => {
    let r = runs.get(run);
    if (!r) {
      r = { calls: {}, throttled: 0, timing: {}, hist: {}, dirty: false };
      r.client = makeClient(paced, (e) => {
        r.calls[e.endpoint] = (r.calls[e.endpoint] ?? 0) + 1;
        report.calls[e.endpoint] = (report.calls[e.endpoint] ?? 0) + 1;
        if (e.error && [60007, 60011, 60018, 60019].includes(e.error.code)) {
          r.throttled++;
          report.throttled++;
        }
        const t = performance.timeOrigin + performance.now();
        const s = (r.timing[e.endpoint] ??= [t, t]);
        s[1] = t;
        // the histogram counts send times (after the limiter's wait): an answer's latency is not pacing
        const h = `${e.endpoint}|${Math.floor((t - (e.durationMs ?? 0)) / HIST_MS)}`;
        r.hist[h] = (r.hist[h] ?? 0) + 1;
        r.dirty = true;
      });
      runs.set(run, r);
    }
    return r;
  };

  /**
   * Adds a run's new counts to its hashes in `m` (a MULTI): with each stored result, so the counts
   * of every call made before a run's last result are in Redis when the coordinator reads them.
   * `undo` puts them back when the MULTI failed.
   */
  const addCounts = (run, r, m) => {
    const calls = r.calls;
    const throttled = r.throttled;
    const hist = r.hist;
    r.calls = {};
    r.throttled = 0;
    r.hist = {};
    r.dirty = false;
    for (const [k, n] of Object.entries(calls)) m.hincrby(runKey(run, "calls"), k, n);
    for (const [k, n] of Object.entries(hist)) m.hincrby(runKey(run, "hist"), k, n);
    if (throttled) m.hincrby(runKey(run, "calls"), "throttled", throttled);
    for (const [k, [a, b]] of Object.entries(r.timing)) m.hset(runKey(run, "timing"), `${id}|${k}`, `${a.toFixed(3)},${b.toFixed(3)}`);
    m.expire(runKey(run, "calls"), RUN_TTL_S).expire(runKey(run, "timing"), RUN_TTL_S).expire(runKey(run, "hist"), RUN_TTL_S);
    return () => {
      for (const [k, n] of Object.entries(calls)) r.calls[k] = (r.calls[k] ?? 0) + n;
      for (const [k, n] of Object.entries(hist)) r.hist[k] = (r.hist[k] ?? 0) + n;
      r.throttled += throttled;
      r.dirty = true;
    };
  };
  /** The counts not stored with a result yet (every half second, and at the end). */
  let flushing = null;
  const flush = () =>
    (flushing ??= (async () => {
      try {
        for (const [run, r] of runs) {
          if (!r.dirty) continue;
          const m = redis.multi();
          const undo = addCounts(run, r, m);
          await within(m.exec(), 5000, "counters").catch(undo);
        }
      } finally {
        flushing = null;
      }
    })());

  let lastJobAt = 0;
  const processor = async (job) => {
    const d = job.data;
    lastJobAt = Date.now();
    const results = runKey(d.run, "results");
    if (job.attemptsMade > 0) report.retried++;
    if (job.stalledCounter > 0) report.takenOver++; // its worker died or lost its lock
    if ((await redis.hexists(results, String(d.index))) === 1) {
      report.skipped++; // done before (a redelivery): checkpointed per user
      return "done before";
    }
    const r = runOf(d.run);
    const failuresBefore = limiter.failures;
    let entry;
    const user = d.cmd === "export" ? d.user : d.snapshot?.user;
    try {
      if (d.cmd === "export") {
        entry = { index: d.index, user, line: toJsonLine(await r.client.exportUser(d.user)) };
      } else {
        const snapshot = sdk.validateSnapshot(d.snapshot) ?? d.snapshot;
        const opts = { prune: !!d.prune };
        if (d.cmd === "apply") {
          opts.dryRun = !!d.dryRun;
          entry = { index: d.index, user, report: await r.client.applyUser(snapshot, opts) };
        } else {
          entry = { index: d.index, user, report: await r.client.verifyUser(snapshot, opts) };
        }
      }
    } catch (e) {
      if (limiter.failures !== failuresBefore || e?.kind === "rate_limit") throw new LimiterDownError(`the limiter failed during user ${d.index + 1}: ${e?.message ?? e}`);
      entry = { index: d.index, user, error: serializeError(e) };
    }
    if (limiter.failures !== failuresBefore && (entry.error || entry.report?.ok === false)) {
      throw new LimiterDownError(`the limiter failed during user ${d.index + 1}`); // not the user's fault: again
    }
    const m = redis.multi().hset(results, String(d.index), JSON.stringify(entry)).expire(results, RUN_TTL_S);
    const undo = addCounts(d.run, r, m);
    try {
      await m.exec();
    } catch (e) {
      undo();
      throw e;
    }
    report.users++;
    if (entry.error) report.failedUsers++;
    lastJobAt = Date.now();
    return entry.error ? "failed" : "ok";
  };

  const workerRedis = connectRedis(redisUrl, { name: `tim-contacts-bullmq-${id}` });
  const worker = new Worker(queue, processor, {
    connection: workerRedis,
    concurrency,
    lockDuration: o.lockDuration ?? 30_000,
    stalledInterval: o.stalledInterval ?? 15_000,
    maxStalledCount: 20, // at least once: a user stalled by a restart is simply taken over again
    autorun: false,
  });
  worker.on("error", () => {}); // connection errors: connectRedis logs them once, ioredis reconnects
  let failedSaid = 0;
  worker.on("failed", async (job, err) => {
    if (!job) return;
    if (Date.now() - failedSaid > 2000) {
      failedSaid = Date.now();
      log(`user ${job.data.index + 1} (attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1}): ${err?.message ?? err}${job.attemptsMade < (job.opts.attempts ?? 1) ? "; again later" : ""}`);
    }
    if (job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const d = job.data;
    const entry = { index: d.index, user: d.cmd === "export" ? d.user : d.snapshot?.user, error: { name: "Error", kind: "internal", code: null, message: `the job failed ${job.attemptsMade} times: ${err?.message ?? err}` } };
    await redis.hsetnx(runKey(d.run, "results"), String(d.index), JSON.stringify(entry)).catch(() => {});
  });

  const idleQueue = new Queue(queue, { connection: redis });
  idleQueue.on("error", () => {});
  let idleChecking = false;
  let stopReason = "stopped";
  let exitCode = 0;
  const flusher = setInterval(() => {
    flush();
    const down = Math.max(redis.downFor(), limiterRedis.downFor());
    if (down > timeoutMs) {
      stopReason = `Redis unreachable for ${Math.round(down / 1000)} s (--redis-timeout)`;
      exitCode = 4;
      stop();
    } else if (o.idleExitMs && lastJobAt && Date.now() - lastJobAt > o.idleExitMs && !idleChecking) {
      idleChecking = true;
      idleQueue
        .getJobCounts("waiting", "active", "delayed", "prioritized")
        .then((c) => {
          if (Object.values(c).every((n) => n === 0) && Date.now() - lastJobAt > o.idleExitMs) {
            stopReason = `the queue was empty for ${Math.round(o.idleExitMs / 1000)} s (--idle-exit)`;
            stop();
          }
        })
        .catch(() => {})
        .finally(() => (idleChecking = false));
    }
    o.onStatus?.(report);
  }, 500);
  flusher.unref?.();

  let stopping = null;
  const stop = () =>
    (stopping ??= (async () => {
      log(`${stopReason}: finishing the users in hand`);
      await within(worker.close(), Math.max(timeoutMs, 5000), "closing the worker").catch(() => worker.close(true));
    })());
  signal?.addEventListener("abort", () => {
    stopReason = `${signal.reason?.message ?? "stopped"}`;
    stop();
  }, { once: true });

  await worker.waitUntilReady().catch(() => {});
  log(`worker ${id} on queue ${queue} (concurrency ${concurrency}, pacing ${callsPerSecond}/s per endpoint through Redis, ${report.pacing})`);
  const running = worker.run();
  await running.catch((e) => {
    stopReason = `the worker stopped: ${e?.message ?? e}`;
    exitCode = 4;
  });
  await stop();
  clearInterval(flusher);
  await flush();
  for (const r of runs.values()) r.client.free?.();
  await Promise.allSettled([idleQueue.close(), redis.quit(), limiterRedis.quit()].map((p) => within(p, 5000, "closing")));
  for (const c of [redis, limiterRedis, workerRedis]) c.disconnect();
  report.limiter = { taken: limiter.taken, waitedMs: limiter.waitedMs, failures: limiter.failures };
  report.seconds = Math.round(Date.now() - t0) / 1000;
  report.stopped = stopReason;
  return { report, exitCode };
}
