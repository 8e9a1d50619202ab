//! Mark sets from JS for the codec's `encode` functions, without JSON text
//! for the common shape.
//!
//! A mark set is a few booleans, a short list and maybe a `bigint`; sending
//! it through `JSON.stringify` and serde_json cost ten times the whole pure-JS
//! encoder (bench/marks). `tim_marks_words` reads plain objects of exactly the
//! documented shape into a few words in one boundary call. Anything else
//! (a number or string `value`, `null`, an unknown key, a `toJSON`, a
//! non-object) makes it answer `undefined`, and the input takes the JSON path
//! ([`super::convert::from_js`]), which accepts or names the bad field as
//! before. So the fast path only ever takes inputs the JSON path reads the
//! same way (checked by `src/wasm/tests.rs`).

use wasm_bindgen::prelude::*;

use super::convert::from_js;
use crate::error::Error;
use crate::marks::MarksInput;

#[wasm_bindgen(inline_js = r#"
const FLAGS = { star: 1, unread: 2, fold: 4, hide: 8 };
// Per mark set: [head, value high word, value low word, custom bits...], where
// head = given flags | true flags << 4 | value given << 8 | custom given << 9
// | custom count << 10. undefined: not the plain documented shape.
// `many`: `input` is a list of mark sets, else one.
export function tim_marks_words(input, many) {
  const out = [];
  if (many && !Array.isArray(input)) return undefined;
  for (const m of many ? input : [input]) {
    if (typeof m !== "object" || m === null || Array.isArray(m) || typeof m.toJSON === "function") return undefined;
    let head = 0, hi = 0, lo = 0, custom;
    for (const k of Object.keys(m)) {
      const v = m[k];
      if (v === undefined) continue;
      const flag = FLAGS[k];
      if (flag !== undefined && Object.hasOwn(FLAGS, k)) {
        if (typeof v !== "boolean") return undefined;
        head |= flag | (v ? flag << 4 : 0);
      } else if (k === "custom") {
        if (!Array.isArray(v) || v.length > 64) return undefined;
        for (let i = 0; i < v.length; i++) {
          const b = v[i];
          if (!Number.isInteger(b) || b < 0 || b > 255) return undefined;
        }
        custom = v;
        head |= (1 << 9) | (v.length << 10);
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
    if (custom !== undefined) for (let i = 0; i < custom.length; i++) out.push(custom[i]);
  }
  return new Uint32Array(out);
}
"#)]
extern "C" {
    fn tim_marks_words(input: &JsValue, many: bool) -> Option<Vec<u32>>;
}

/// The mark sets of `input` (one, or a list when `many`) when every one has
/// the plain documented shape.
fn read_words(input: &JsValue, many: bool) -> Option<Vec<MarksInput>> {
    let words = tim_marks_words(input, many)?;
    let mut out = Vec::new();
    let mut rest = words.as_slice();
    while let [head, hi, lo, tail @ ..] = rest {
        let flag = |bit: u32| (head & (1 << bit) != 0).then_some(head & (1 << (bit + 4)) != 0);
        let count = (head >> 10) as usize;
        let custom = tail.get(..count)?;
        out.push(MarksInput {
            star: flag(0),
            unread: flag(1),
            fold: flag(2),
            hide: flag(3),
            custom: (head & (1 << 9) != 0).then(|| {
                // Each word was checked to be 0..=255 in JS.
                custom.iter().map(|&b| b as u8).collect()
            }),
            value: (head & (1 << 8) != 0).then_some((u64::from(*hi) << 32) | u64::from(*lo)),
        });
        rest = &tail[count..];
    }
    Some(out)
}

/// One mark set from JS: the word path when it applies, else the JSON path.
pub(crate) fn marks_input(value: JsValue) -> Result<MarksInput, Error> {
    match read_words(&value, false).and_then(|mut v| v.pop()) {
        Some(input) => Ok(input),
        None => from_js(value, "marks"),
    }
}

/// A list of mark sets from JS, as [`marks_input`].
pub(crate) fn marks_inputs(value: JsValue) -> Result<Vec<MarksInput>, Error> {
    match read_words(&value, true) {
        Some(all) => Ok(all),
        None => from_js(value, "marks"),
    }
}

/// The JSON path alone, for tests that compare the two.
#[cfg(test)]
pub(crate) fn marks_input_by_json(value: JsValue) -> Result<MarksInput, Error> {
    from_js(value, "marks")
}

/// The word path alone (`None` when it does not apply), for tests.
#[cfg(test)]
pub(crate) fn marks_input_by_words(value: &JsValue) -> Option<MarksInput> {
    read_words(value, false).and_then(|mut v| v.pop())
}
