// @ts-check
// tim-contacts/bulk: the many-users layer over the per-user engine of the client
// (`exportUser`, `applyUser`, `verifyUser`). Plain ESM with no dependencies and no import of the
// package entry (so one file serves Node, Deno and browsers): the caller hands in a client, and
// `validateSnapshot` when desired lines must be checked before anything is applied.
//
// What it owns: a pool of `concurrency` users in flight whose results come out **in input order**
// through a reorder buffer (at most `2 x concurrency` users started and not yet consumed, so memory
// is O(concurrency), not O(users)); resuming from an input index; abort through one signal; one
// failed user never stopping the job (it comes out as an `error` entry: the client has retried it
// already); JSON Lines in and out, streamed.

/**
 * @typedef {import("./bulk.d.ts").BulkEntry<any>} AnyEntry
 * @typedef {import("./bulk.d.ts").BulkProgress} BulkProgress
 * @typedef {import("./bulk.d.ts").BulkClient} BulkClient
 * @typedef {import("./bulk.d.ts").JsonLinesInput} JsonLinesInput
 * @typedef {import("./bulk.d.ts").DesiredSource} DesiredSource
 * @typedef {import("./bulk.d.ts").BulkErrorKind} BulkErrorKind
 */

/** An error of the bulk layer itself: bad input (with its line) or an aborted job. */
export class BulkError extends Error {
  /**
   * @param {BulkErrorKind} kind
   * @param {string} message
   * @param {{ line?: number, field?: string, user?: string, cause?: unknown }} [detail]
   */
  constructor(kind, message, detail = {}) {
    super(message, detail.cause === undefined ? undefined : { cause: detail.cause });
    /** @type {"BulkError"} */
    this.name = "BulkError";
    /** @type {BulkErrorKind} */
    this.kind = kind;
    /** @type {number | undefined} */
    this.line = detail.line;
    /** @type {string | undefined} */
    this.field = detail.field;
    /** @type {string | undefined} */
    this.user = detail.user;
  }
}

/**
 * True when `e` is a `BulkError`.
 * @param {unknown} e
 * @returns {e is BulkError}
 */
export function isBulkError(e) {
  return e instanceof BulkError || (typeof e === "object" && e !== null && /** @type {any} */ (e).name === "BulkError");
}

// ---------------------------------------------------------------------------------------------
// JSON Lines

/**
 * The chunks of a JSON Lines input as strings: a whole text, an (async) iterable of strings or
 * bytes (a Node stream, `Deno.stdin.readable`, a `Response.body` where it is async-iterable), or a
 * `ReadableStream` without async iteration (older browsers).
 * @param {JsonLinesInput} input
 * @returns {AsyncGenerator<string>}
 */
async function* textChunks(input) {
  if (typeof input === "string") {
    yield input;
    return;
  }
  const decoder = new TextDecoder("utf-8", { fatal: true });
  /** @param {unknown} chunk */
  const asText = (chunk) => {
    if (typeof chunk === "string") return chunk;
    if (chunk instanceof Uint8Array) return decoder.decode(chunk, { stream: true });
    if (chunk instanceof ArrayBuffer) return decoder.decode(new Uint8Array(chunk), { stream: true });
    throw new BulkError("invalid_input", "a JSON Lines chunk must be a string or bytes (Uint8Array)");
  };
  const any = /** @type {any} */ (input);
  if (any && typeof any[Symbol.asyncIterator] !== "function" && typeof any[Symbol.iterator] !== "function" && typeof any.getReader === "function") {
    const reader = any.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield asText(value);
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const chunk of /** @type {AsyncIterable<unknown>} */ (any)) yield asText(chunk);
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Every non-blank line of a JSON Lines input, parsed, with its 1-based line number. A line that
 * is not JSON throws a `BulkError` naming it.
 * @param {JsonLinesInput} input
 * @returns {AsyncGenerator<{ line: number, value: unknown }>}
 */
export async function* readJsonLines(input) {
  let pending = "";
  let line = 0;
  /** @param {string} text */
  const parse = (text) => {
    line++;
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (text.trim() === "") return undefined;
    try {
      return { line, value: JSON.parse(text) };
    } catch (e) {
      throw new BulkError("invalid_input", `line ${line}: not JSON (${/** @type {Error} */ (e).message})`, { line, cause: e });
    }
  };
  for await (const chunk of textChunks(input)) {
    pending += chunk;
    let nl;
    let start = 0;
    while ((nl = pending.indexOf("\n", start)) !== -1) {
      const entry = parse(pending.slice(start, nl));
      start = nl + 1;
      if (entry) yield entry;
    }
    pending = pending.slice(start);
  }
  if (pending !== "") {
    const entry = parse(pending);
    if (entry) yield entry;
  }
}

/**
 * The values of a JSON Lines input, one per non-blank line, streamed: a text, or an (async)
 * iterable of string / byte chunks. A malformed line throws a `BulkError` naming its number.
 * @param {JsonLinesInput} input
 * @returns {AsyncGenerator<unknown>}
 */
export async function* parseJsonLines(input) {
  for await (const { value } of readJsonLines(input)) yield value;
}

/**
 * One JSON line (with its `\n`) for a snapshot or any JSON-safe value; the form `exportUsers`'
 * snapshots are written in. Keys keep their order, so the same snapshot gives the same bytes.
 * @param {unknown} value
 * @returns {string}
 */
export function toJsonLine(value) {
  const text = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  if (text === undefined) throw new BulkError("invalid_input", "toJsonLine: the value has no JSON form");
  return text + "\n";
}

// ---------------------------------------------------------------------------------------------
// Desired state: checked before anything is applied

/**
 * The snapshots of a desired-state source with their line numbers (1-based; the position for an
 * iterable of objects).
 * @param {DesiredSource} desired
 * @returns {AsyncGenerator<{ line: number, value: unknown }>}
 */
async function* desiredLines(desired) {
  const source = typeof desired === "function" ? desired() : desired;
  if (typeof source === "string" || isChunkSource(source)) {
    yield* readJsonLines(/** @type {JsonLinesInput} */ (source));
    return;
  }
  let line = 0;
  for await (const value of /** @type {AsyncIterable<unknown>} */ (source)) yield { line: ++line, value };
}

/**
 * True for a source of text/byte chunks rather than of snapshot objects: a ReadableStream, a Node
 * stream, an iterable whose items are strings or bytes cannot be told apart before reading, so
 * only the explicit kinds count here (streams); iterables of chunks go through `parseJsonLines`.
 * @param {unknown} source
 */
function isChunkSource(source) {
  const any = /** @type {any} */ (source);
  return !!any && typeof any === "object" && (typeof any.getReader === "function" || typeof any.pipe === "function");
}

/**
 * Checks a line of desired state: a JSON object with a `user`, accepted by `validateSnapshot`
 * when given (unknown fields, bad values), not a user seen before in `seen` (when given).
 * @param {number} line
 * @param {unknown} value
 * @param {((value: unknown) => unknown) | undefined} validate
 * @param {Set<string> | undefined} seen
 * @returns {any} the validated snapshot
 */
function checkLine(line, value, validate, seen) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new BulkError("invalid_input", `line ${line}: a snapshot must be a JSON object`, { line });
  }
  const user = /** @type {any} */ (value).user;
  if (typeof user !== "string" || user === "") {
    throw new BulkError("invalid_input", `line ${line}: \`user\` must be a non-empty string`, { line, field: "user" });
  }
  let snapshot = value;
  if (validate) {
    try {
      snapshot = validate(value) ?? value;
    } catch (e) {
      const field = /** @type {any} */ (e)?.field;
      const why = /** @type {any} */ (e)?.message ?? String(e);
      throw new BulkError("invalid_input", `line ${line} (user ${user}): ${why}`, { line, field, user, cause: e });
    }
  }
  if (seen) {
    if (seen.has(user)) throw new BulkError("invalid_input", `line ${line}: user ${user} appears twice`, { line, user, field: "user" });
    seen.add(user);
  }
  return snapshot;
}

/**
 * Reads a whole desired-state input and checks every line before anything is applied: JSON,
 * the snapshot shape (`validateSnapshot` from `tim-contacts`, which names the field), and no user
 * twice. Resolves with the number of snapshots; rejects with a `BulkError` (`kind:
 * "invalid_input"`, `line`, `field`, `user`) at the first bad line. Keeps the set of user ids
 * (for the duplicate check), not the snapshots.
 * @param {DesiredSource} desired
 * @param {{ validateSnapshot?: (value: unknown) => unknown }} [options]
 * @returns {Promise<{ users: number }>}
 */
export async function checkDesired(desired, options = {}) {
  const seen = new Set();
  for await (const { line, value } of desiredLines(desired)) checkLine(line, value, options.validateSnapshot, seen);
  return { users: seen.size };
}

// ---------------------------------------------------------------------------------------------
// The ordered pool

/**
 * Runs `task` over `source` with at most `concurrency` in flight and yields the entries in input
 * order. A task that throws becomes an `error` entry, unless the job was aborted: then the
 * iteration rejects with a `BulkError` of kind `"aborted"` (entries not yet yielded are dropped;
 * a resumed job redoes them).
 * @template I, E
 * @param {{
 *   source: Iterable<I> | AsyncIterable<I>,
 *   concurrency: number,
 *   signal?: AbortSignal,
 *   resumeFrom?: number,
 *   userOf: (item: I, index: number) => string | undefined,
 *   task: (item: I, index: number, signal: AbortSignal) => Promise<E>,
 *   onProgress?: (p: BulkProgress) => void,
 *   isOk?: (entry: E) => boolean,
 * }} options
 * @returns {AsyncGenerator<{ index: number, user: string | undefined } & ({ value: E } | { error: unknown })>}
 */
async function* ordered({ source, concurrency, signal, resumeFrom = 0, userOf, task, onProgress, isOk }) {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new BulkError("invalid_input", `concurrency must be a positive integer (got ${concurrency})`, { field: "concurrency" });
  }
  if (!Number.isInteger(resumeFrom) || resumeFrom < 0) {
    throw new BulkError("invalid_input", `resumeFrom must be a non-negative integer (got ${resumeFrom})`, { field: "resumeFrom" });
  }
  const inner = new AbortController();
  const onAbort = () => inner.abort(signal?.reason);
  if (signal) {
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  }
  const aborted = () => new BulkError("aborted", "the bulk job was aborted", { cause: inner.signal.reason });
  const it = /** @type {any} */ (source)[Symbol.asyncIterator]
    ? /** @type {AsyncIterable<I>} */ (source)[Symbol.asyncIterator]()
    : /** @type {Iterable<I>} */ (source)[Symbol.iterator]();
  /** @type {{ index: number, user: string | undefined, done: boolean, entry?: any }[]} */
  const window = [];
  const maxWindow = 2 * concurrency;
  let inFlight = 0;
  let finished = 0;
  let failed = 0;
  let next = 0;
  let exhausted = false;
  /** @type {(() => void) | null} */
  let wake = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  inner.signal.addEventListener("abort", notify, { once: true });
  try {
    while (next < resumeFrom) {
      if (inner.signal.aborted) throw aborted();
      const r = await it.next();
      if (r.done) {
        exhausted = true;
        break;
      }
      next++;
    }
    for (;;) {
      if (inner.signal.aborted) throw aborted();
      while (!exhausted && inFlight < concurrency && window.length < maxWindow) {
        const r = await it.next();
        if (inner.signal.aborted) throw aborted();
        if (r.done) {
          exhausted = true;
          break;
        }
        const index = next++;
        const item = r.value;
        let user;
        try {
          user = userOf(item, index);
        } catch {
          user = undefined;
        }
        const slot = { index, user, done: false, entry: /** @type {any} */ (undefined) };
        window.push(slot);
        inFlight++;
        Promise.resolve()
          .then(() => task(item, index, inner.signal))
          .then(
            (value) => ({ index, user, value }),
            (error) => ({ index, user, error }),
          )
          .then((entry) => {
            slot.entry = entry;
            slot.done = true;
            inFlight--;
            finished++;
            const ok = !("error" in entry) && (isOk ? isOk(entry.value) : true);
            if (!ok) failed++;
            if (onProgress && !inner.signal.aborted) {
              try {
                onProgress({ index, user, ok, finished, failed, inFlight });
              } catch {
                // a throwing progress callback must not lose the entry
              }
            }
            notify();
          });
      }
      const head = window[0];
      if (!head) {
        if (exhausted) return;
        continue;
      }
      if (head.done) {
        window.shift();
        if ("error" in head.entry && inner.signal.aborted) throw aborted();
        yield head.entry;
        continue;
      }
      await new Promise((resolve) => {
        wake = /** @type {() => void} */ (resolve);
      });
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    // Stop what is still in flight (a consumer that broke out early, an abort, a source error).
    if (inFlight > 0 && !inner.signal.aborted) inner.abort(new BulkError("aborted", "the bulk job ended"));
    if (!exhausted) await it.return?.();
  }
}

/** @param {number | undefined} c */
const concurrencyOf = (c) => (c === undefined ? 8 : c);

/**
 * @param {Record<string, unknown>} options
 * @param {string[]} known
 * @param {string} fn
 */
function checkKeys(options, known, fn) {
  if (options === null || typeof options !== "object") throw new BulkError("invalid_input", `${fn}: options must be an object`);
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new BulkError("invalid_input", `${fn}: unknown option \`${k}\` (known: ${known.join(", ")})`, { field: k });
  }
  if (!options.client || typeof options.client !== "object") throw new BulkError("invalid_input", `${fn}: \`client\` (a TimClient) is required`, { field: "client" });
}

/** @param {{ timeoutMs?: number }} o */
const callOptions = (o, /** @type {AbortSignal} */ signal) => (o.timeoutMs === undefined ? { signal } : { signal, timeoutMs: o.timeoutMs });

/**
 * @param {{ value?: any, error?: unknown, index: number, user: string | undefined }} e
 * @param {string} key
 */
function toEntry(e, key) {
  return "error" in e ? { index: e.index, user: e.user, error: e.error } : { index: e.index, user: e.user, [key]: e.value };
}

/**
 * Snapshots of many users, in input order: `{ index, user, snapshot }` or `{ index, user, error }`.
 * @param {import("./bulk.d.ts").ExportUsersOptions} options
 * @returns {AsyncGenerator<import("./bulk.d.ts").ExportEntry>}
 */
export async function* exportUsers(options) {
  checkKeys(/** @type {any} */ (options), ["client", "users", "concurrency", "signal", "resumeFrom", "onProgress", "timeoutMs"], "exportUsers");
  const { client } = options;
  if (!options.users || (typeof (/** @type {any} */ (options.users)[Symbol.iterator]) !== "function" && typeof (/** @type {any} */ (options.users)[Symbol.asyncIterator]) !== "function")) {
    throw new BulkError("invalid_input", "exportUsers: `users` must be an (async) iterable of user ids", { field: "users" });
  }
  for await (const e of ordered({
    source: options.users,
    concurrency: concurrencyOf(options.concurrency),
    signal: options.signal,
    resumeFrom: options.resumeFrom,
    onProgress: options.onProgress,
    userOf: (u) => (typeof u === "string" ? u : undefined),
    task: async (u, index, signal) => {
      if (typeof u !== "string" || u === "") throw new BulkError("invalid_input", `users[${index}]: a user id must be a non-empty string`, { field: `users[${index}]` });
      return client.exportUser(u, callOptions(options, signal));
    },
  })) {
    yield /** @type {import("./bulk.d.ts").ExportEntry} */ (toEntry(e, "snapshot"));
  }
}

/**
 * The desired snapshots to run, each checked: everything first when the source can be read twice
 * (a text, an array, or a function returning a fresh iterable), so a bad line stops the job before
 * any call; a one-shot iterator line by line (a bad line is that entry's `error`).
 * @param {DesiredSource} desired
 * @param {((value: unknown) => unknown) | undefined} validate
 * @returns {Promise<AsyncIterable<{ line: number, value: unknown, error?: unknown }>>}
 */
async function checkedDesired(desired, validate) {
  const reReadable = typeof desired === "string" || typeof desired === "function" || Array.isArray(desired);
  if (reReadable) {
    await checkDesired(desired, { validateSnapshot: validate });
    return (async function* () {
      for await (const { line, value } of desiredLines(desired)) yield { line, value: validate ? validate(value) ?? value : value };
    })();
  }
  return (async function* () {
    const seen = new Set();
    const lines = desiredLines(desired);
    for (;;) {
      let r;
      try {
        r = await lines.next();
      } catch (e) {
        yield { line: -1, value: undefined, error: e };
        return;
      }
      if (r.done) return;
      try {
        yield { line: r.value.line, value: checkLine(r.value.line, r.value.value, validate, seen) };
      } catch (e) {
        yield { line: r.value.line, value: r.value.value, error: e };
      }
    }
  })();
}

/**
 * @param {"applyUsers" | "verifyUsers"} fn
 * @param {any} options
 * @param {string[]} extraKeys
 * @param {(snapshot: any, signal: AbortSignal) => Promise<any>} call
 * @param {string} key
 * @param {(report: any) => boolean} isOk
 * @returns {AsyncGenerator<any>}
 */
async function* runDesired(fn, options, extraKeys, call, key, isOk) {
  checkKeys(options, ["client", "desired", "concurrency", "signal", "resumeFrom", "onProgress", "timeoutMs", "prune", "validateSnapshot", ...extraKeys], fn);
  if (options.desired === undefined || options.desired === null) throw new BulkError("invalid_input", `${fn}: \`desired\` is required`, { field: "desired" });
  const source = await checkedDesired(options.desired, options.validateSnapshot);
  for await (const e of ordered({
    source,
    concurrency: concurrencyOf(options.concurrency),
    signal: options.signal,
    resumeFrom: options.resumeFrom,
    onProgress: options.onProgress,
    isOk,
    userOf: (d) => {
      const u = /** @type {any} */ (d.value)?.user;
      return typeof u === "string" ? u : undefined;
    },
    task: async (d, _index, signal) => {
      if (d.error !== undefined) throw d.error;
      return call(d.value, signal);
    },
  })) {
    yield toEntry(e, key);
  }
}

/**
 * Applies desired snapshots to many users, in input order: `{ index, user, report }` or
 * `{ index, user, error }`.
 * @param {import("./bulk.d.ts").ApplyUsersOptions} options
 * @returns {AsyncGenerator<import("./bulk.d.ts").ApplyEntry>}
 */
export async function* applyUsers(options) {
  const o = /** @type {any} */ (options);
  yield* runDesired(
    "applyUsers",
    o,
    ["dryRun", "keepBefore", "onChange"],
    async (snapshot, signal) => {
      /** @type {Record<string, unknown>} */
      const opts = { ...callOptions(o, signal) };
      if (o.prune !== undefined) opts.prune = o.prune;
      if (o.dryRun !== undefined) opts.dryRun = o.dryRun;
      if (o.keepBefore !== undefined) opts.keepBefore = o.keepBefore;
      const report = await o.client.applyUser(snapshot, opts);
      if (o.onChange) {
        for (const ex of report?.executed ?? []) {
          try {
            o.onChange({ user: report.user, ...ex });
          } catch {
            // a throwing callback must not lose the report
          }
        }
      }
      return report;
    },
    "report",
    (r) => r?.ok !== false,
  );
}

/**
 * Compares desired snapshots with the live state of many users, in input order:
 * `{ index, user, report }` (`report.matches`) or `{ index, user, error }`.
 * @param {import("./bulk.d.ts").VerifyUsersOptions} options
 * @returns {AsyncGenerator<import("./bulk.d.ts").VerifyEntry>}
 */
export async function* verifyUsers(options) {
  const o = /** @type {any} */ (options);
  yield* runDesired(
    "verifyUsers",
    o,
    [],
    async (snapshot, signal) => {
      /** @type {Record<string, unknown>} */
      const opts = { ...callOptions(o, signal) };
      if (o.prune !== undefined) opts.prune = o.prune;
      return o.client.verifyUser(snapshot, opts);
    },
    "report",
    () => true,
  );
}
