// @ts-check
// The call report on a result object (src/wasm/client.rs).

/**
 * Defines `random` (when known), `attempts` and `host` (when known) on `obj`,
 * read-only and non-enumerable: one boundary call instead of six.
 * @param {object} obj
 * @param {number | undefined} random
 * @param {number} attempts
 * @param {string | undefined} host
 */
export function tim_attach_report(obj, random, attempts, host) {
  if (random !== undefined) Object.defineProperty(obj, "random", { value: random });
  Object.defineProperty(obj, "attempts", { value: attempts });
  if (host !== undefined) Object.defineProperty(obj, "host", { value: host });
}
