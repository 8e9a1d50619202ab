// What a user would write without the SDK: a straightforward pure-JS StandardMark codec.
// StandardMark is an MSB-first binary numeral of the 64-bit mark set ("" = no mark),
// read with BigInt. Same output shape as the SDK: { star, unread, fold, hide, custom, value }.

/** Decodes a StandardMark string. Throws on a non-binary or > 64-digit string. */
export function decodeStandardMark(bits) {
  if (bits.length > 64 || !/^[01]*$/.test(bits)) throw new Error(`invalid StandardMark ${JSON.stringify(bits)}`);
  const value = bits === "" ? 0n : BigInt("0b" + bits);
  const custom = [];
  for (let i = 32; i < 64; i++) if ((value >> BigInt(i)) & 1n) custom.push(i);
  return {
    star: (value & 1n) !== 0n,
    unread: (value & 2n) !== 0n,
    fold: (value & 4n) !== 0n,
    hide: (value & 8n) !== 0n,
    custom,
    value,
  };
}

/** Encodes { star?, unread?, fold?, hide?, custom?, value? } as a StandardMark string. */
export function encodeStandardMark(m) {
  let value = m.value ?? 0n;
  if (m.star) value |= 1n;
  if (m.unread) value |= 2n;
  if (m.fold) value |= 4n;
  if (m.hide) value |= 8n;
  for (const bit of m.custom ?? []) {
    if (!Number.isInteger(bit) || bit < 32 || bit > 63) throw new Error(`custom bit ${bit} not in 32..63`);
    value |= 1n << BigInt(bit);
  }
  return value === 0n ? "" : value.toString(2);
}
