// @ts-check
// Values across the boundary (src/wasm/convert.rs): requests out as JSON text,
// results in from the tape (src/codec/tape.rs), mark sets with their toJSON.

/**
 * `JSON.stringify` with `bigint` as decimal strings and `null` as absent.
 * @param {unknown} v
 * @returns {string | undefined}
 */
export function tim_to_json(v) {
  try {
    const fast = JSON.stringify(v);
    if (!fast.includes("null")) return fast;
  } catch {}
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x === null ? undefined : x));
}

// Mark sets (`{ star, unread, fold, hide, custom, value: bigint }`) go into
// JSON as their wire StandardMark bit string ("1001"; "" = no mark), which
// every input that takes a mark set accepts back: JSON.stringify of a page
// works, and what it wrote can be read again. Non-enumerable, so spreads and
// deep equality see the plain data only.
/**
 * @this {{ value?: unknown, star?: unknown, unread?: unknown, fold?: unknown, hide?: unknown, custom?: unknown }}
 * @returns {string}
 */
function marksToJSON() {
  let v = typeof this.value === "bigint" ? this.value : 0n;
  if (this.star === true) v |= 1n;
  if (this.unread === true) v |= 2n;
  if (this.fold === true) v |= 4n;
  if (this.hide === true) v |= 8n;
  if (Array.isArray(this.custom)) for (const b of this.custom) if (Number.isInteger(b) && b >= 0 && b < 64) v |= 1n << BigInt(b);
  return v === 0n ? "" : v.toString(2);
}
const MARKS_JSON = { value: marksToJSON, writable: true, configurable: true };
/**
 * Gives a mark-set object its `toJSON`; anything else passes through.
 * @template T
 * @param {T} o
 * @returns {T}
 */
export function tim_mark_json(o) {
  if (typeof o === "object" && o !== null) Object.defineProperty(o, "toJSON", MARKS_JSON);
  return o;
}

// The tape reader's state lives at module level: no closure per result.
// Saved and restored around each read: a read itself never calls into the
// wasm, but a setter someone put on Object.prototype could. (Unset until the
// first read, which sets them all before reading.)
/** @type {Uint32Array} */
let tOps;
/** @type {Float64Array} */
let tNums;
/** @type {string} */
let tText;
/** @type {number} */
let tI;
/** @type {number} */
let tNi;
/** @type {number} */
let tSi;
/** @type {string[]} */
let tKeys;
/**
 * The JS value of a tape: its ops, numbers and text, read in place.
 * @param {Uint32Array} ops
 * @param {Float64Array} nums
 * @param {string} text
 * @returns {unknown}
 */
export function tim_from_tape(ops, nums, text) {
  /** @type {[Uint32Array, Float64Array, string, number, number, number, string[]]} */
  const saved = [tOps, tNums, tText, tI, tNi, tSi, tKeys];
  tOps = ops; tNums = nums; tText = text; tI = 0; tNi = 0; tSi = 0; tKeys = [];
  try {
    return tapeValue();
  } finally {
    [tOps, tNums, tText, tI, tNi, tSi, tKeys] = saved;
  }
}
/** @returns {unknown} */
function tapeValue() {
  const op = tOps[tI++], n = op >>> 4;
  switch (op & 15) {
    case 0: {
      /** @type {Record<string, unknown>} */
      const o = {};
      for (let j = 0; j < n; j++) {
        const kop = tOps[tI], t = kop & 15;
        if (t === 10) {
          tI++;
          o[tKeys[kop >>> 4]] = tapeValue();
        } else if (t === 11) {
          const k = tText.slice(tSi, (tSi += tOps[tI + 1]));
          tI += 2;
          tKeys[kop >>> 4] = k;
          o[k] = tapeValue();
        } else {
          const k = String(tapeValue());
          Object.defineProperty(o, k, { value: tapeValue(), enumerable: true, writable: true, configurable: true });
        }
      }
      if (typeof o.value === "bigint" && n === 6) Object.defineProperty(o, "toJSON", MARKS_JSON);
      return o;
    }
    case 1: {
      const a = [];
      for (let j = 0; j < n; j++) a.push(tapeValue());
      return a;
    }
    case 2: return tText.slice(tSi, (tSi += n));
    case 3: return n;
    case 4: return tNums[tNi++];
    case 5: return true;
    case 6: return false;
    case 8: return undefined;
    case 9: {
      let b = 0n;
      for (let j = 3; j >= 0; j--) b = (b << 32n) | BigInt(tOps[tI + j]);
      tI += 4;
      return n ? -b : b;
    }
  }
  throw new Error(`tim-contacts: bad result tape op ${op & 15}`);
}
