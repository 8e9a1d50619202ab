// @ts-check
// Mark sets read into words in one boundary call (src/wasm/marks_in.rs).

/** @type {Record<string, number>} */
const FLAGS = { star: 1, unread: 2, fold: 4, hide: 8 };
/**
 * @param {unknown} m
 * @returns {m is Record<string, unknown>}
 */
const plainObject = (m) => {
  if (typeof m !== "object" || m === null) return false;
  const p = Object.getPrototypeOf(m);
  return (p === Object.prototype || p === null) && typeof (/** @type {{ toJSON?: unknown }} */ (m)).toJSON !== "function";
};
/**
 * @param {unknown} a
 * @returns {a is unknown[]}
 */
const plainArray = (a) =>
  Array.isArray(a) && Object.getPrototypeOf(a) === Array.prototype && typeof (/** @type {{ toJSON?: unknown }} */ (a)).toJSON !== "function";
// The elements of a plain array, read once, by index (as JSON.stringify reads them).
/**
 * @param {unknown[]} a
 * @returns {unknown[]}
 */
const elements = (a) => {
  const n = a.length, out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i];
  return out;
};
// Per mark set: [head, value high word, value low word, custom bits...], where
// head = given flags | true flags << 4 | value given << 8 | custom given << 9
// | custom count << 10. undefined: not exactly the plain documented shape
// (plain objects and arrays, booleans, integers 0..255, a bigint), so that the
// JSON path, which reads everything else, would read these the same way.
// `many`: `input` is a list of mark sets, else one.
/**
 * @param {unknown} input
 * @param {boolean} many
 * @returns {Uint32Array | undefined}
 */
export function tim_marks_words(input, many) {
  if (typeof (/** @type {{ toJSON?: unknown }} */ (BigInt.prototype)).toJSON === "function") return undefined;
  if (many && !plainArray(input)) return undefined;
  const out = [];
  for (const m of many ? elements(/** @type {unknown[]} */ (input)) : [input]) {
    if (!plainObject(m)) return undefined;
    let head = 0, hi = 0, lo = 0, custom;
    for (const k of Object.keys(m)) {
      const v = m[k];
      if (v === undefined) continue;
      if (Object.hasOwn(FLAGS, k)) {
        if (typeof v !== "boolean") return undefined;
        head |= FLAGS[k] | (v ? FLAGS[k] << 4 : 0);
      } else if (k === "custom") {
        if (!plainArray(v)) return undefined;
        custom = /** @type {number[]} */ (elements(v));
        if (custom.length > 64) return undefined;
        for (const b of custom) if (!Number.isInteger(b) || b < 0 || b > 255) return undefined;
        head |= (1 << 9) | (custom.length << 10);
      } else if (k === "value") {
        if (typeof v !== "bigint" || v < 0n || v >= 1n << 64n) return undefined;
        hi = Number(v >> 32n);
        lo = Number(v & 0xffffffffn);
        head |= 1 << 8;
      } else {
        return undefined;
      }
    }
    out.push(head, hi, lo);
    if (custom !== undefined) for (const b of custom) out.push(b);
  }
  return new Uint32Array(out);
}
