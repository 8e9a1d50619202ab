// The StandardMark codec and the error guard: pure functions, no network.
import { assert } from "../lib/harness.mjs";

const B63 = 1n << 63n;

export default function register(test, ctx) {
  const { decodeStandardMark, encodeStandardMark, isTimError } = ctx.pkg;

  test("codec: decodeStandardMark reads an MSB-first numeral", () => {
    assert.deepEqual(decodeStandardMark("111001"), { star: true, unread: false, fold: false, hide: true, custom: [], value: 57n });
    assert.deepEqual(decodeStandardMark(""), { star: false, unread: false, fold: false, hide: false, custom: [], value: 0n });
    assert.deepEqual(decodeStandardMark("0010"), { star: false, unread: true, fold: false, hide: false, custom: [], value: 2n });
  });

  test("codec: bit 63 and custom bits decode into a bigint value", () => {
    const m = decodeStandardMark("1" + "0".repeat(62) + "1");
    assert.equal(typeof m.value, "bigint");
    assert.equal(m.value, B63 + 1n);
    assert.deepEqual(m.custom, [63]);
    assert.equal(m.star, true);
    const m2 = decodeStandardMark((1n << 40n | 1n << 32n | 8n).toString(2));
    assert.deepEqual(m2.custom, [32, 40]);
    assert.equal(m2.hide, true);
    assert.equal(m2.value, (1n << 40n) | (1n << 32n) | 8n);
  });

  test("codec: reserved bits 4..31 are kept in value only", () => {
    const m = decodeStandardMark((1n << 20n).toString(2));
    assert.deepEqual(m, { star: false, unread: false, fold: false, hide: false, custom: [], value: 1n << 20n });
    assert.equal(encodeStandardMark({ value: m.value }), (1n << 20n).toString(2));
  });

  test("codec: encodeStandardMark writes the minimal numeral", () => {
    assert.equal(encodeStandardMark({}), "");
    assert.equal(encodeStandardMark({ star: true }), "1");
    assert.equal(encodeStandardMark({ unread: true, hide: true }), "1010");
    assert.equal(encodeStandardMark({ custom: [63], star: true }), "1" + "0".repeat(62) + "1");
    assert.equal(encodeStandardMark({ value: B63 }), "1" + "0".repeat(63));
    assert.equal(encodeStandardMark({ value: 57n, unread: true }), "111011");
  });

  test("codec: encode and decode round-trip", () => {
    for (const v of [0n, 1n, 15n, 57n, 1n << 32n, (1n << 64n) - 1n, B63 | 5n, 0x8000_0001_0000_000fn]) {
      const s = encodeStandardMark({ value: v });
      assert.equal(decodeStandardMark(s).value, v, `round trip of ${v}`);
      assert.equal(s, v === 0n ? "" : v.toString(2));
    }
  });

  test("codec: bad input throws TimError invalid_input", () => {
    const bad = (fn, what) =>
      assert.throws(fn, (e) => {
        assert.ok(e instanceof Error, `${what}: an Error`);
        assert.ok(isTimError(e), `${what}: isTimError`);
        assert.equal(e.name, "TimError", what);
        assert.equal(e.kind, "invalid_input", what);
      }, what);
    bad(() => decodeStandardMark("10a1"), "non-binary digit");
    bad(() => decodeStandardMark("1".repeat(65)), "65 digits");
    bad(() => encodeStandardMark({ custom: [31] }), "custom bit 31");
    bad(() => encodeStandardMark({ custom: [64] }), "custom bit 64");
    bad(() => encodeStandardMark({ star: false, value: 1n }), "contradiction star:false with value bit 0");
  });

  test("codec: isTimError is false for other values", () => {
    assert.equal(isTimError(new Error("x")), false);
    assert.equal(isTimError({ name: "TimError" }), false);
    assert.equal(isTimError(null), false);
    assert.equal(isTimError(undefined), false);
    assert.equal(isTimError("TimError"), false);
  });
}
