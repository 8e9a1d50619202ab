// tim-emulator: the Tencent Cloud IM REST emulator's Rust core (emulator/src/core), compiled
// to WebAssembly, as an in-process `fetch` (no port, no process) for Node >= 18, Deno and
// browsers. `tim-emulator/server` runs the same core behind node:http (`npx tim-emulator`).
import init, { initSync, Core, tooLarge, generateSeedText as coreSeedText } from "./tim_emulator_core.js";

const WASM = new URL("./tim_emulator_core_bg.wasm", import.meta.url);
const isNode = typeof globalThis.process?.versions?.node === "string" && typeof globalThis.Deno === "undefined";
if (isNode) {
  const { readFileSync } = await import("node:fs");
  initSync({ module: new WebAssembly.Module(readFileSync(WASM)) });
} else {
  await init({ module_or_path: WASM });
}

/** The error every option check and control operation throws. */
export class EmulatorError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "EmulatorError";
  }
}

/** The loopback URL the in-process emulator answers as (any URL given to its `fetch` reaches it). */
export const IN_PROCESS_URL = "http://127.0.0.1";

/**
 * A clock under the test's control: `now()` (Unix ms) moves only by `advance(ms)` / `set(ms)`.
 * It drives UserSig expiry, minted UserSigs, mark timestamps and the rate limit's refill.
 */
export function virtualClock(startMs = Date.now()) {
  let t = checkMs(startMs, "virtualClock(startMs)");
  return {
    virtual: true,
    now: () => t,
    advance(ms) {
      t += checkMs(ms, "clock.advance(ms)");
      return t;
    },
    set(ms) {
      t = checkMs(ms, "clock.set(ms)");
      return t;
    },
  };
}

function checkMs(v, what) {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new EmulatorError(`${what} must be a non-negative finite number of milliseconds`);
  }
  return v;
}

/** The wall clock (what `npx tim-emulator` and the native binary use). */
export function wallClock() {
  const origin = Date.now() - performance.now();
  return { virtual: false, now: () => Date.now(), mono: () => origin + performance.now() };
}

const CORE_KEYS = ["sdkAppId", "secretKey", "admins", "seed", "maxBodyBytes", "rateLimit", "getListPageSize", "contactGroupPageSize", "friendPageSize", "faults", "limits"];
const HOST_KEYS = ["clock", "faultSeed", "log"];

function coreOptions(options, where) {
  if (options === undefined) options = {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new EmulatorError(`${where}: the options must be an object`);
  }
  const out = {};
  for (const [k, v] of Object.entries(options)) {
    if (CORE_KEYS.includes(k)) {
      if (v !== undefined) out[k] = k === "seed" && typeof v === "string" ? parseSeed(v) : v;
    } else if (!HOST_KEYS.includes(k)) {
      throw new EmulatorError(`${where}: unknown option ${k} (known: ${[...CORE_KEYS, ...HOST_KEYS].join(", ")})`);
    }
  }
  return out;
}

function parseSeed(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new EmulatorError(`seed: not JSON: ${e.message}`);
  }
}

/**
 * The core with its clock: what both hosts (in-process fetch, node:http) drive. Internal.
 * @returns {{ core: Core, clock: any, mono: () => number }}
 */
export function _openCore(options, where) {
  const opts = coreOptions(options, where);
  const clock = options?.clock ?? wallClock();
  if (typeof clock?.now !== "function") throw new EmulatorError(`${where}: clock must have a now() method (see virtualClock())`);
  const faultSeed = options?.faultSeed ?? Math.floor(Math.random() * 2 ** 52);
  if (typeof faultSeed !== "number" || !Number.isSafeInteger(faultSeed) || faultSeed < 0) {
    throw new EmulatorError(`${where}: faultSeed must be a non-negative safe integer`);
  }
  let json;
  try {
    json = JSON.stringify(opts, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
  } catch (e) {
    throw new EmulatorError(`${where}: the options cannot be serialised: ${e.message}`);
  }
  let core;
  try {
    core = new Core(json, faultSeed);
  } catch (e) {
    throw new EmulatorError(`${where}: ${e?.message ?? e}`);
  }
  const mono = typeof clock.mono === "function" ? () => clock.mono() : () => clock.now();
  return { core, clock, mono };
}

/** The parts of a core reply, copied out of wasm memory (and the reply freed). */
export function _take(reply) {
  try {
    return {
      kind: reply.kind,
      status: reply.status,
      headers: JSON.parse(reply.headersJson),
      body: reply.body,
      close: reply.close,
      delayMs: reply.delayMs,
      log: reply.log,
    };
  } finally {
    reply.free();
  }
}

/** Control operations on a core, through its own /__control endpoints (same checks, same answers). */
export function _control(core, clock, mono, method, path, body) {
  const bytes = body === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(body));
  const r = _take(core.handle(method, `/__control/${path}`, bytes, clock.now(), mono()));
  const v = r.body.length ? JSON.parse(new TextDecoder().decode(r.body)) : null;
  if (r.status !== 200) throw new EmulatorError(`${method} /__control/${path}: ${v?.error ?? `HTTP ${r.status}`}`);
  return v;
}

function abortError(signal) {
  const reason = signal.reason;
  if (reason !== undefined) return reason;
  return new DOMException("This operation was aborted", "AbortError");
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError(signal));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** What a `fetch` of a connection closed without an answer rejects with (Node's wording and cause). */
function closedWithoutAnswer() {
  const cause = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
  return new TypeError("fetch failed", { cause });
}

function logger(log) {
  if (log === undefined || log === false) return null;
  if (log === true) return (line) => console.error(line);
  if (typeof log === "function") return log;
  throw new EmulatorError("createEmulator: log must be a boolean or a function(line)");
}

/**
 * An in-process emulator: `fetch` to pass as TimClient's `fetch` (with `baseUrl: emu.url`),
 * plus the control operations. Options: seed (a seed document or its JSON text; default no
 * users), sdkAppId, secretKey, admins, rateLimit, getListPageSize, contactGroupPageSize, friendPageSize,
 * faults ({ rate, kinds, script }), limits, maxBodyBytes, clock (virtualClock(); default the
 * wall clock), faultSeed (seeds the random faults), log (true: console.error; or a function).
 */
export function createEmulator(options) {
  const { core, clock, mono } = _openCore(options, "createEmulator");
  const log = logger(options?.log);
  let closed = false;
  const live = () => {
    if (closed) throw new EmulatorError("this emulator was closed");
    return core;
  };
  const control = (method, path, body) => _control(live(), clock, mono, method, path, body);

  async function emulatorFetch(input, init) {
    const signal = init?.signal ?? (typeof input === "object" ? input?.signal : undefined);
    if (signal?.aborted) throw abortError(signal);
    const req = new Request(input, init);
    const url = new URL(req.url);
    const target = url.pathname + url.search;
    const body = new Uint8Array(await req.arrayBuffer());
    const c = live();
    const t0 = performance.now();
    let r;
    if (body.length > c.maxBodyBytes) {
      r = _take(tooLarge());
    } else {
      r = _take(c.handle(req.method, target, body, clock.now(), mono()));
      if (r.kind === "delay") {
        await sleep(r.delayMs, signal);
        r = _take(live().resume(req.method, target, body, r.delayMs, clock.now(), mono()));
      }
    }
    if (log && r.log) log(`${r.log} ${(performance.now() - t0).toFixed(1)}ms`);
    if (signal?.aborted) throw abortError(signal);
    if (r.kind !== "answer") throw closedWithoutAnswer();
    const headers = new Headers(r.headers);
    if (r.close) headers.set("Connection", "close");
    return new Response(r.status === 204 ? null : r.body, { status: r.status, headers });
  }

  return {
    url: IN_PROCESS_URL,
    fetch: emulatorFetch,
    clock,
    get sdkAppId() {
      return live().sdkAppId;
    },
    get admins() {
      return live().admins;
    },
    /** The current state as a seed document (GET /__control/state). */
    state: () => control("GET", "state"),
    /** Restore the startup seed and config, or load `seed` (POST /__control/reset). */
    reset: (seed) => control("POST", "reset", typeof seed === "string" ? parseSeed(seed) : seed ?? {}),
    /** The runtime config, after applying `patch` if given (POST / GET /__control/config). */
    config: (patch) => (patch === undefined ? control("GET", "config") : control("POST", "config", patch)),
    /** API requests seen per endpoint (GET /__control/requests). */
    requests: () => control("GET", "requests"),
    /** Reset those counts (POST /__control/requests/clear). */
    clearRequests: () => {
      control("POST", "requests/clear", {});
    },
    /** A UserSig minted with the configured key (POST /__control/usersig); the clock's time by default. */
    mintUserSig: (opts = {}) => {
      const o = typeof opts === "string" ? { identifier: opts } : opts;
      return control("POST", "usersig", o).userSig;
    },
    /** A TimClient `userSig` callback: mints for the identifier asked, with the emulator's key. */
    userSig: (identifier) => control("POST", "usersig", { identifier }).userSig,
    /** Free the wasm memory; the emulator answers nothing afterwards. */
    close() {
      if (!closed) {
        closed = true;
        core.free();
      }
    },
  };
}

function count(v, name) {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new EmulatorError(`generateSeed: ${name} must be a non-negative safe integer`);
  }
  return v;
}

/**
 * tim-seedgen from JS: the same document, as the same text (byte for byte what
 * `tim-seedgen --users N --conversations N --seed N [--demo] [--base-time SECS]` prints).
 * Options: users (3), conversations (1000), seed (42; a number or a bigint up to 2^64 - 1),
 * demo (false), baseTime (1760000000). `generateSeed` returns the document, `generateSeedText` the text.
 */
export function generateSeedText(options = {}) {
  if (options === null || typeof options !== "object") throw new EmulatorError("generateSeed: the options must be an object");
  for (const k of Object.keys(options)) {
    if (!["users", "conversations", "seed", "demo", "baseTime"].includes(k)) throw new EmulatorError(`generateSeed: unknown option ${k}`);
  }
  const seed = options.seed ?? 42;
  if (!(typeof seed === "bigint" ? seed >= 0n : Number.isSafeInteger(seed) && seed >= 0)) {
    throw new EmulatorError("generateSeed: seed must be a non-negative integer (a bigint above 2^53)");
  }
  if (options.demo !== undefined && typeof options.demo !== "boolean") throw new EmulatorError("generateSeed: demo must be a boolean");
  try {
    return coreSeedText(
      count(options.users, "users") ?? 3,
      count(options.conversations, "conversations") ?? 1000,
      String(seed),
      options.demo ?? false,
      count(options.baseTime, "baseTime") ?? 1_760_000_000,
    );
  } catch (e) {
    throw new EmulatorError(`generateSeed: ${e?.message ?? e}`);
  }
}

/** tim-seedgen's document as an object (`JSON.parse(generateSeedText(options))`). */
export function generateSeed(options) {
  return JSON.parse(generateSeedText(options));
}
