// @ts-check
// The fetch glue of the Transport (src/wasm/fetch.rs): each helper is one
// boundary call where building the request or reading the response in Rust
// would be several.

/**
 * Calls a caller's `fetch` with the request, the init object built here.
 * @param {(url: string, init: RequestInit) => unknown} fetch
 * @param {string} url
 * @param {string} body
 * @param {string} type
 * @param {AbortSignal} signal
 * @returns {unknown}
 */
export function tim_call_fetch(fetch, url, body, type, signal) {
  return fetch(url, { method: "POST", headers: { "Content-Type": type }, body, signal });
}
/**
 * `globalThis.fetch`, looked up at call time (a test or polyfill may replace it).
 * @param {Request} request
 * @returns {Promise<Response>}
 */
export function tim_global_fetch(request) {
  return globalThis.fetch(request);
}
// The response and its body as one promise (one await in the wasm per request).
/**
 * @param {unknown} promise what a fetch returned (a caller's may return anything)
 * @returns {Promise<[number, Uint8Array]>}
 */
export function tim_fetch_read(promise) {
  return Promise.resolve(promise).then((value) => {
    const r = /** @type {{ status?: unknown, arrayBuffer?: unknown } | null} */ (value);
    if (typeof r !== "object" || r === null || typeof r.arrayBuffer !== "function") {
      throw new Error("the fetch option resolved to something that is not a Response");
    }
    const status = Number(r.status);
    return Promise.resolve(r.arrayBuffer()).then((b) => [status, tim_bytes(b)]);
  });
}
// The body as a Uint8Array: an ArrayBuffer (also from another realm) or a view of one. Anything
// else is an error, not bytes made up from it (a number would become that many zeros).
/**
 * @param {unknown} b
 * @returns {Uint8Array}
 */
function tim_bytes(b) {
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  const tag = Object.prototype.toString.call(b);
  if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") return new Uint8Array(/** @type {ArrayBuffer} */ (b));
  throw new Error("the fetch option's Response.arrayBuffer() did not give an ArrayBuffer");
}
/** @typedef {{ fired: boolean, id: ReturnType<typeof setTimeout> | undefined }} Timer */
/**
 * Aborts `controller` after `ms` unless cleared (the timer lives in JS: no
 * Rust closure per request).
 * @param {AbortController} controller
 * @param {number} ms
 * @returns {Timer}
 */
export function tim_abort_after(controller, ms) {
  /** @type {Timer} */
  const timer = { fired: false, id: undefined };
  timer.id = setTimeout(() => {
    timer.fired = true;
    controller.abort();
  }, ms);
  return timer;
}
/**
 * Clears a timer of `tim_abort_after`; true when it had fired.
 * @param {Timer} timer
 * @returns {boolean}
 */
export function tim_clear_timer(timer) {
  clearTimeout(timer.id);
  return timer.fired;
}
