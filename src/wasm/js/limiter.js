// @ts-check
// The host rate limiter's glue (src/wasm/limiter.rs): one boundary call per
// `acquire`, its signal and options object made here.

/** The controller of each pending `acquire`, to abort it when the wait is dropped. */
/** @type {WeakMap<Promise<unknown>, AbortController>} */
const waits = new WeakMap();

/**
 * Calls `limiter.acquire(endpoint, { signal })` with the limiter as `this`
 * (so a class's method works), with a fresh AbortSignal. Always a Promise:
 * a plain value resolves it, a throw or rejection rejects it.
 * @param {object} limiter
 * @param {Function} acquire
 * @param {string} endpoint
 * @returns {Promise<unknown>}
 */
export function tim_acquire(limiter, acquire, endpoint) {
  const controller = new AbortController();
  /** @type {Promise<unknown>} */
  let p;
  try {
    p = Promise.resolve(acquire.call(limiter, endpoint, { signal: controller.signal }));
  } catch (e) {
    p = Promise.reject(e);
  }
  waits.set(p, controller);
  return p;
}

/**
 * Aborts the signal of a pending `acquire` (its wait was given up).
 * @param {Promise<unknown>} p
 */
export function tim_abort_acquire(p) {
  waits.get(p)?.abort();
}

// What failed `acquire`s threw, by handle: the `cause` of their TimErrors.
// Bounded: causes of errors never thrown to JS fall out.
/** @type {Map<number, unknown>} */
const causes = new Map();
let nextHandle = 1;
/**
 * Keeps `cause` (the last 32) and returns its handle.
 * @param {unknown} cause
 * @returns {number}
 */
export function tim_keep_limiter_cause(cause) {
  const h = nextHandle;
  nextHandle = nextHandle >= 0xffffffff ? 1 : nextHandle + 1;
  causes.set(h, cause);
  if (causes.size > 32) causes.delete(/** @type {number} */ (causes.keys().next().value));
  return h;
}

/**
 * What the `acquire` of `handle` threw, or `undefined`.
 * @param {number} handle
 * @returns {unknown}
 */
export function tim_limiter_cause(handle) {
  return causes.get(handle);
}

/**
 * Calls the `onLimiterDown` hook with `{ endpoint, error }`; a hook that throws is ignored.
 * @param {Function} hook
 * @param {string} endpoint
 * @param {unknown} error
 */
export function tim_limiter_down(hook, endpoint, error) {
  try {
    hook({ endpoint, error });
  } catch {}
}
