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

#[wasm_bindgen(module = "/src/wasm/js/marks_in.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    fn tim_marks_words(input: &JsValue, many: bool) -> Result<Option<Vec<u32>>, JsValue>;
}

/// Why an input could not be read at all (a getter or proxy that throws).
fn unreadable() -> Error {
    Error::invalid("marks", "is not plain data (functions, cycles?)")
}

/// The mark sets of `input` (one, or a list when `many`) when every one has
/// the plain documented shape; `Ok(None)` sends the input the JSON path.
fn read_words(input: &JsValue, many: bool) -> Result<Option<Vec<MarksInput>>, Error> {
    let Some(words) = tim_marks_words(input, many).map_err(|_| unreadable())? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    let mut rest = words.as_slice();
    while let [head, hi, lo, tail @ ..] = rest {
        let flag = |bit: u32| (head & (1 << bit) != 0).then_some(head & (1 << (bit + 4)) != 0);
        let count = (head >> 10) as usize;
        let Some(custom) = tail.get(..count) else {
            return Ok(None);
        };
        // Each word was checked to be 0..=255 in JS; anything else goes the JSON path.
        let Ok(custom) = custom
            .iter()
            .map(|&b| u8::try_from(b))
            .collect::<Result<Vec<u8>, _>>()
        else {
            return Ok(None);
        };
        out.push(MarksInput {
            star: flag(0),
            unread: flag(1),
            fold: flag(2),
            hide: flag(3),
            custom: (head & (1 << 9) != 0).then_some(custom),
            value: (head & (1 << 8) != 0).then_some((u64::from(*hi) << 32) | u64::from(*lo)),
        });
        rest = &tail[count..];
    }
    Ok(Some(out))
}

/// One mark set from JS: the word path when it applies, else the JSON path.
pub(crate) fn marks_input(value: JsValue) -> Result<MarksInput, Error> {
    match read_words(&value, false)? {
        Some(mut one) if one.len() == 1 => Ok(one.remove(0)),
        _ => from_js(value, "marks"),
    }
}

/// A list of mark sets from JS, as [`marks_input`].
pub(crate) fn marks_inputs(value: JsValue) -> Result<Vec<MarksInput>, Error> {
    match read_words(&value, true)? {
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
    match read_words(value, false) {
        Ok(Some(mut one)) if one.len() == 1 => Some(one.remove(0)),
        _ => None,
    }
}
