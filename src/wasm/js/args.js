// @ts-check
// Reading values that came from a caller, without ever letting a throwing
// getter, a Proxy trap or a hostile toString escape into the wasm: each helper
// catches and answers plain data (src/wasm/args.rs).

/**
 * The own enumerable string keys of `o`, or `undefined` when listing them threw
 * (a Proxy whose `ownKeys` trap throws).
 * @param {object} o
 * @returns {string[] | undefined}
 */
export function tim_keys(o) {
  try {
    return Object.keys(o);
  } catch {
    return undefined;
  }
}

/**
 * A short, safe description of a thrown value, for error messages.
 * @param {unknown} e
 * @returns {string}
 */
export function tim_message(e) {
  try {
    if (typeof e === "string") return e;
    if (typeof e === "object" && e !== null) {
      const m = /** @type {{ message?: unknown }} */ (e).message;
      if (typeof m === "string") return m;
    }
    return typeof e === "undefined" ? "undefined" : `a thrown ${typeof e}`;
  } catch {
    return "an error that could not be read";
  }
}

/**
 * The kind of a value as a caller would name it, for "must be a string, got X".
 * @param {unknown} v
 * @returns {string}
 */
export function tim_type_of(v) {
  try {
    if (v === null) return "null";
    if (Array.isArray(v)) return "an array";
    const t = typeof v;
    return t === "object" ? "an object" : t === "undefined" ? "undefined" : `a ${t}`;
  } catch {
    return "an unreadable value";
  }
}

/**
 * True when `e` is an error thrown by this package (never throws itself,
 * whatever `e` is: a Proxy's traps that throw read as "no").
 * @param {unknown} e
 * @returns {boolean}
 */
export function tim_is_tim_error(e) {
  try {
    return e instanceof Error && e.name === "TimError" && typeof (/** @type {any} */ (e).kind) === "string";
  } catch {
    return false;
  }
}

/**
 * True when a fetch failure says the connection was never made (refused,
 * DNS, unreachable): nothing was sent. Node's fetch puts the system error in
 * `cause.code`; Deno names it in the message. Browsers say only "Failed to
 * fetch", which reads as "may have been sent".
 * @param {unknown} e
 * @returns {boolean}
 */
export function tim_is_connect_failure(e) {
  try {
    const codes = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"];
    for (let c = /** @type {any} */ (e), depth = 0; c && depth < 4; c = c.cause, depth++) {
      if (typeof c.code === "string" && codes.includes(c.code)) return true;
      if (typeof c.message === "string" && /tcp connect error|dns error|Connection refused|failed to lookup address/i.test(c.message)) return true;
    }
    return false;
  } catch {
    return false;
  }
}

/** @type {WeakMap<object, Set<() => void> & { fire?: () => void }>} */
const abortWatchers = new WeakMap();

/**
 * Calls `callback` when `signal` aborts. Every call sharing one signal shares
 * ONE "abort" listener on it (many concurrent calls with one signal must not
 * trip Node's MaxListenersExceededWarning). False when the signal's
 * addEventListener threw.
 * @param {any} signal
 * @param {() => void} callback
 * @returns {boolean}
 */
export function tim_on_abort(signal, callback) {
  try {
    let set = abortWatchers.get(signal);
    if (!set) {
      const fresh = /** @type {Set<() => void> & { fire?: () => void }} */ (new Set());
      fresh.fire = () => {
        abortWatchers.delete(signal);
        for (const cb of fresh) cb();
      };
      signal.addEventListener("abort", fresh.fire, { once: true });
      abortWatchers.set(signal, fresh);
      set = fresh;
    }
    set.add(callback);
    return true;
  } catch {
    return false;
  }
}

/**
 * Undoes `tim_on_abort`; the shared listener goes when its last call does.
 * @param {any} signal
 * @param {() => void} callback
 */
export function tim_off_abort(signal, callback) {
  try {
    const set = abortWatchers.get(signal);
    if (!set) return;
    set.delete(callback);
    if (set.size === 0) {
      abortWatchers.delete(signal);
      signal.removeEventListener("abort", set.fire);
    }
  } catch {}
}
