//! The bit-mark codec: `StandardMark` strings to typed marks and back.
//!
//! # What is a standard mark?
//! Every conversation carries a 64-bit set of marks. Bits 0..=3 are Chat's
//! built-in marks (star, unread, fold, hide); bits 32..=63 are free for the
//! app ("custom" marks); bits 4..=31 are reserved by Chat. The REST API
//! transports the set as `StandardMark`, a string of `0`/`1` characters.
//!
//! # Which way round is the string?
//! Tencent does not document the character order. The only real server
//! response seen supports an **MSB-first binary numeral** (leftmost character
//! = highest set bit, `""` = no mark), so that is the reading used here
//! (spec §5.3). It is kept behind [`parse_standard_mark`] and
//! [`format_standard_mark`], the only two functions that know the order.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Bit index of the built-in "star" (favourite) mark.
pub const STAR_BIT: u8 = 0;
/// Bit index of the built-in "unread" mark (does not change real unread counts).
pub const UNREAD_BIT: u8 = 1;
/// Bit index of the built-in "fold" (collapse) mark.
pub const FOLD_BIT: u8 = 2;
/// Bit index of the built-in "hide" mark.
pub const HIDE_BIT: u8 = 3;
/// The first bit index an app may use for its own marks.
pub const CUSTOM_FIRST_BIT: u8 = 32;
/// The last bit index an app may use for its own marks.
pub const CUSTOM_LAST_BIT: u8 = 63;

/// Longest `StandardMark` string accepted: one character per bit.
pub const MAX_MARK_DIGITS: usize = 64;

/// A decoded mark set.
///
/// `value` is the whole 64-bit set (a `bigint` in JavaScript); the named
/// booleans and `custom` are views of it. Bits 4..=31 (reserved by Chat) are
/// only visible in `value`, and are preserved by every operation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Marks {
    /// Bit 0: starred / favourite.
    pub star: bool,
    /// Bit 1: marked unread (a flag only; real unread counts are unaffected).
    pub unread: bool,
    /// Bit 2: folded / collapsed.
    pub fold: bool,
    /// Bit 3: hidden.
    pub hide: bool,
    /// The set app-defined bits, ascending, each in 32..=63.
    pub custom: Vec<u8>,
    /// The whole 64-bit mark set.
    #[serde(with = "mark_bits_json")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(type = "bigint"))]
    pub value: u64,
}

/// The set bits of 32..=63, ascending (lowest set bit first, no scan of clear ones).
fn custom_bits(value: u64) -> Vec<u8> {
    let mut high = value >> CUSTOM_FIRST_BIT;
    let mut bits = Vec::new();
    while high != 0 {
        // < 32 after the shift, so the sum fits a u8.
        bits.push(CUSTOM_FIRST_BIT + high.trailing_zeros() as u8);
        high &= high - 1;
    }
    bits
}

impl Marks {
    /// Builds the typed view of a raw 64-bit mark set.
    pub fn from_value(value: u64) -> Self {
        let bit = |n: u8| value & (1u64 << n) != 0;
        Marks {
            star: bit(STAR_BIT),
            unread: bit(UNREAD_BIT),
            fold: bit(FOLD_BIT),
            hide: bit(HIDE_BIT),
            custom: custom_bits(value),
            value,
        }
    }

    /// True when no bit is set.
    pub fn is_empty(&self) -> bool {
        self.value == 0
    }
}

/// What a caller may pass to [`encode_marks`]: every field optional.
///
/// The result is the union of `value` (if given), the named flags that are
/// `true`, and the `custom` bits. A named flag given as `false` while `value`
/// has that bit set is a contradiction and an error (never silently dropped).
///
/// Also read from a `StandardMark` bit string (`"1001"`: what a mark set's
/// `toJSON` writes in JavaScript), which stands for `{ value }`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    from = "MarksInputRepr",
    into = "MarksInputFields"
)]
pub struct MarksInput {
    /// Bit 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub star: Option<bool>,
    /// Bit 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub unread: Option<bool>,
    /// Bit 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub fold: Option<bool>,
    /// Bit 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub hide: Option<bool>,
    /// App-defined bits to set, each in 32..=63.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub custom: Option<Vec<u8>>,
    /// A whole 64-bit set to start from (preserves reserved bits 4..=31).
    #[serde(
        default,
        with = "opt_mark_bits_json",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        all(feature = "js", target_arch = "wasm32"),
        tsify(optional, type = "bigint")
    )]
    pub value: Option<u64>,
}

/// The two shapes a mark set is read from: its fields, or a bit string.
enum MarksInputRepr {
    Bits(u64),
    Fields(MarksInputFields),
}

impl<'de> Deserialize<'de> for MarksInputRepr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = MarksInputRepr;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mark set ({ star, unread, fold, hide, custom, value }) or a StandardMark bit string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                parse_standard_mark(v, "marks")
                    .map(MarksInputRepr::Bits)
                    .map_err(|e| E::custom(e.message()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                MarksInputFields::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(MarksInputRepr::Fields)
            }
        }
        d.deserialize_any(Visit)
    }
}

/// The fields of [`MarksInput`], as serde reads and writes them.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MarksInputFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    star: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unread: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fold: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hide: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    custom: Option<Vec<u8>>,
    #[serde(
        default,
        with = "opt_mark_bits_json",
        skip_serializing_if = "Option::is_none"
    )]
    value: Option<u64>,
}

impl From<MarksInputRepr> for MarksInput {
    fn from(r: MarksInputRepr) -> Self {
        match r {
            MarksInputRepr::Bits(value) => MarksInput {
                value: Some(value),
                ..MarksInput::default()
            },
            MarksInputRepr::Fields(f) => MarksInput {
                star: f.star,
                unread: f.unread,
                fold: f.fold,
                hide: f.hide,
                custom: f.custom,
                value: f.value,
            },
        }
    }
}

impl From<MarksInput> for MarksInputFields {
    fn from(m: MarksInput) -> Self {
        MarksInputFields {
            star: m.star,
            unread: m.unread,
            fold: m.fold,
            hide: m.hide,
            custom: m.custom,
            value: m.value,
        }
    }
}

/// Parses a `StandardMark` string into the 64-bit mark set.
///
/// `""` is the empty set; leading zeros are accepted.
///
/// # Errors
/// [`Error::invalid`] naming `field` when the string has a character other
/// than `0`/`1` or more than 64 digits.
pub fn parse_standard_mark(bits: &str, field: &str) -> Result<u64, Error> {
    if bits.len() > MAX_MARK_DIGITS {
        return Err(Error::invalid(
            field,
            format!(
                "a StandardMark has at most {MAX_MARK_DIGITS} digits, got {}",
                bits.len()
            ),
        ));
    }
    let mut value = 0u64;
    for (i, &b) in bits.as_bytes().iter().enumerate() {
        let digit = match b {
            b'0' => 0,
            b'1' => 1,
            _ => {
                // `i` counts bytes, so the first bad byte starts a character.
                let other = bits[i..].chars().next().unwrap_or_default();
                let at = bits[..i].chars().count();
                return Err(Error::invalid(
                    field,
                    format!("a StandardMark has only 0 and 1 digits, found {other:?} at {at}"),
                ));
            }
        };
        // At most 64 digits, so the shift never loses a set bit.
        value = (value << 1) | digit;
    }
    Ok(value)
}

/// Formats a 64-bit mark set as a `StandardMark` string (`""` for no mark).
pub fn format_standard_mark(value: u64) -> String {
    // By hand rather than `format!("{value:b}")`: one pass over at most 64
    // digits, no formatter (the codec's encode is measured per call).
    let digits = 64 - value.leading_zeros();
    (0..digits)
        .rev()
        .map(|bit| if value >> bit & 1 == 1 { '1' } else { '0' })
        .collect()
}

/// Decodes a `StandardMark` string into typed marks.
///
/// # Errors
/// As [`parse_standard_mark`], naming the field `bits`.
pub fn decode_standard_mark(bits: &str) -> Result<Marks, Error> {
    parse_standard_mark(bits, "bits").map(Marks::from_value)
}

/// Computes the 64-bit mark set described by `input`.
///
/// # Errors
/// [`Error::invalid`] for a custom bit outside 32..=63, or a named flag that
/// is `false` while `value` has that bit set.
pub fn marks_value(input: &MarksInput) -> Result<u64, Error> {
    let mut value = input.value.unwrap_or(0);
    let named = [
        ("star", input.star, STAR_BIT),
        ("unread", input.unread, UNREAD_BIT),
        ("fold", input.fold, FOLD_BIT),
        ("hide", input.hide, HIDE_BIT),
    ];
    for (name, flag, bit) in named {
        match flag {
            Some(true) => value |= 1u64 << bit,
            Some(false) if value & (1u64 << bit) != 0 => {
                return Err(Error::invalid(
                    name,
                    format!("is false but `value` has bit {bit} set"),
                ))
            }
            _ => {}
        }
    }
    for (i, &bit) in input.custom.iter().flatten().enumerate() {
        check_custom_bit(bit, &format!("custom[{i}]"))?;
        value |= 1u64 << bit;
    }
    Ok(value)
}

/// Encodes marks as a `StandardMark` string; the inverse of [`decode_standard_mark`].
///
/// # Errors
/// As [`marks_value`].
pub fn encode_marks(input: &MarksInput) -> Result<String, Error> {
    marks_value(input).map(format_standard_mark)
}

/// Decodes a page of `StandardMark` strings.
///
/// # Errors
/// [`Error::invalid`] naming `bits[i]` for the first bad string.
pub fn decode_standard_marks<S: AsRef<str>>(bits: &[S]) -> Result<Vec<Marks>, Error> {
    bits.iter()
        .enumerate()
        .map(|(i, b)| {
            parse_standard_mark(b.as_ref(), "")
                .map(Marks::from_value)
                .map_err(|e| Error::invalid(&format!("bits[{i}]"), e.message()))
        })
        .collect()
}

/// Encodes a page of marks; the inverse of [`decode_standard_marks`].
///
/// # Errors
/// [`Error::invalid`] naming `marks[i].<field>` for the first bad entry.
pub fn encode_marks_batch(marks: &[MarksInput]) -> Result<Vec<String>, Error> {
    marks
        .iter()
        .enumerate()
        .map(|(i, m)| {
            encode_marks(m).map_err(|e| {
                Error::invalid(
                    &format!("marks[{i}].{}", e.field().unwrap_or_default()),
                    e.message(),
                )
            })
        })
        .collect()
}

/// Checks that `bit` is an app-defined mark bit (32..=63).
///
/// # Errors
/// [`Error::invalid`] naming `field` otherwise.
pub fn check_custom_bit(bit: u8, field: &str) -> Result<(), Error> {
    if (CUSTOM_FIRST_BIT..=CUSTOM_LAST_BIT).contains(&bit) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!(
                "custom mark bits are {CUSTOM_FIRST_BIT}..={CUSTOM_LAST_BIT}, got {bit} \
                 (bits 0-3 are star/unread/fold/hide, 4-31 are reserved by Chat)"
            ),
        ))
    }
}

/// The bits a caller may write: the four built-ins and the app range 32..=63.
/// Bits 4..=31 are reserved by Chat and are never set or cleared by the SDK.
pub const WRITABLE_BITS: u64 = 0b1111 | (u64::MAX << CUSTOM_FIRST_BIT);

/// The `SetMark` / `ClearMark` bit lists that turn `current` into `target`,
/// over the writable bits only (reserved bits are left as they are).
pub fn diff_marks(current: u64, target: u64) -> (Vec<u8>, Vec<u8>) {
    let bits = |mask: u64| {
        (0u8..64)
            .filter(move |&b| mask & (1u64 << b) != 0)
            .collect::<Vec<u8>>()
    };
    let set = target & !current & WRITABLE_BITS;
    let clear = current & !target & WRITABLE_BITS;
    (bits(set), bits(clear))
}

/// A 64-bit mark set: written as a 128-bit integer, which serde-wasm-bindgen
/// turns into a JS `bigint` and serde_json into a plain (exact) number; read
/// from a number, a `bigint` or a decimal string (JSON from JavaScript, where
/// numbers above 2^53 lose precision, carries it as a string).
mod mark_bits_json {
    use serde::de::{self, Deserializer, Visitor};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u128(u128::from(*v))
    }

    pub(super) struct Bits;

    impl Visitor<'_> for Bits {
        type Value = u64;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a 64-bit mark set (bigint, decimal string or whole number)")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom("a mark set is not negative"))
        }

        fn visit_u128<E: de::Error>(self, v: u128) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom("mark value exceeds 64 bits"))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
            v.parse()
                .map_err(|_| E::custom("a mark set is a whole number from 0 to 2^64-1"))
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        d.deserialize_any(Bits)
    }
}

mod opt_mark_bits_json {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_u128(u128::from(*v)),
            None => s.serialize_none(),
        }
    }

    #[derive(Deserialize)]
    struct Wrapped(#[serde(with = "super::mark_bits_json")] u64);

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_digit_is_named_with_its_character_position() {
        let e = parse_standard_mark("1é2", "bits").unwrap_err();
        assert_eq!(e.field(), Some("bits"));
        assert!(e.message().contains("found 'é' at 1"), "{e}");
        let e = decode_standard_marks(&["1", "10x"]).unwrap_err();
        assert_eq!(e.field(), Some("bits[1]"));
        assert!(e.message().contains("found 'x' at 2"), "{e}");
    }

    #[test]
    fn empty_string_is_no_mark() {
        let m = decode_standard_mark("").unwrap();
        assert_eq!(m, Marks::default());
        assert_eq!(format_standard_mark(0), "");
    }

    #[test]
    fn msb_first_numeral() {
        // "10" = bit 1 (unread), "1000" = bit 3 (hide)
        assert!(decode_standard_mark("10").unwrap().unread);
        assert!(!decode_standard_mark("10").unwrap().star);
        assert!(decode_standard_mark("1000").unwrap().hide);
        let m = decode_standard_mark("111001").unwrap();
        assert_eq!(m.value, 0b111001);
        assert!(m.star && !m.unread && !m.fold && m.hide);
    }

    #[test]
    fn leading_zeros_accepted() {
        assert_eq!(decode_standard_mark("0001").unwrap().value, 1);
        assert_eq!(decode_standard_mark("011111110").unwrap().value, 0b11111110);
        let zeros = "0".repeat(64);
        assert_eq!(decode_standard_mark(&zeros).unwrap().value, 0);
    }

    #[test]
    fn sixty_four_digits_and_bit_63() {
        let top = format!("1{}", "0".repeat(63));
        let m = decode_standard_mark(&top).unwrap();
        assert_eq!(m.value, 1u64 << 63);
        assert_eq!(m.custom, vec![63]);
        assert_eq!(format_standard_mark(m.value), top);
        let all = "1".repeat(64);
        let m = decode_standard_mark(&all).unwrap();
        assert_eq!(m.value, u64::MAX);
        assert_eq!(m.custom, (32..=63).collect::<Vec<u8>>());
    }

    #[test]
    fn sixty_five_digits_rejected() {
        let err = decode_standard_mark(&"0".repeat(65)).unwrap_err();
        assert_eq!(err.field(), Some("bits"));
        assert!(err.to_string().contains("64"));
    }

    #[test]
    fn bad_digit_rejected() {
        for bad in ["2", "1a", " 1", "1 ", "+1", "١"] {
            let err = decode_standard_mark(bad).unwrap_err();
            assert_eq!(err.kind(), crate::error::ErrorKind::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn real_custom_mark_response() {
        // 35 digits starting with 1: exactly one custom mark, bit 34.
        let s = format!("1{}", "0".repeat(34));
        let m = decode_standard_mark(&s).unwrap();
        assert_eq!(m.custom, vec![34]);
        assert!(!m.star);
    }

    #[test]
    fn reserved_bits_preserved() {
        let v = (1u64 << 4) | (1u64 << 31) | 1;
        let m = Marks::from_value(v);
        assert!(m.custom.is_empty());
        let back = marks_value(&MarksInput {
            value: Some(m.value),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn batches_name_the_bad_entry() {
        let m = decode_standard_marks(&["1", "", "1000"]).unwrap();
        assert!(m[0].star && m[1].is_empty() && m[2].hide);
        assert_eq!(
            decode_standard_marks(&["1", "2"]).unwrap_err().field(),
            Some("bits[1]")
        );
        let inputs: Vec<MarksInput> = m
            .iter()
            .map(|m| MarksInput {
                value: Some(m.value),
                ..Default::default()
            })
            .collect();
        assert_eq!(encode_marks_batch(&inputs).unwrap(), vec!["1", "", "1000"]);
        let bad = vec![
            MarksInput::default(),
            MarksInput {
                custom: Some(vec![7]),
                ..Default::default()
            },
        ];
        assert_eq!(
            encode_marks_batch(&bad).unwrap_err().field(),
            Some("marks[1].custom[0]")
        );
    }

    #[test]
    fn encode_union_and_contradiction() {
        let s = encode_marks(&MarksInput {
            star: Some(true),
            hide: Some(true),
            custom: Some(vec![32]),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s, format!("1{}1001", "0".repeat(28)));
        let err = encode_marks(&MarksInput {
            star: Some(false),
            value: Some(1),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.field(), Some("star"));
        let err = encode_marks(&MarksInput {
            custom: Some(vec![5]),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.field(), Some("custom[0]"));
        let err = encode_marks(&MarksInput {
            custom: Some(vec![64]),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.field(), Some("custom[0]"));
    }

    #[test]
    fn diff_touches_writable_bits_only() {
        let current = 0b1011 | (1 << 5) | (1 << 40);
        let target = 0b0110 | (1 << 41);
        let (set, clear) = diff_marks(current, target);
        assert_eq!(set, vec![2, 41]);
        assert_eq!(clear, vec![0, 3, 40]);
        // Reserved bit 5 differs but is never cleared; bit 6 never set.
        let (set, clear) = diff_marks(1 << 5, 1 << 6);
        assert!(set.is_empty() && clear.is_empty());
        assert_eq!(diff_marks(u64::MAX, u64::MAX), (vec![], vec![]));
    }

    #[test]
    fn json_value_is_exact_and_strings_are_read() {
        let m = Marks::from_value(u64::MAX);
        let j = serde_json::to_string(&m).unwrap();
        assert!(j.contains(r#""value":18446744073709551615"#), "{j}");
        let back: Marks = serde_json::from_str(&j).unwrap();
        assert_eq!(back, m);
        let input: MarksInput = serde_json::from_str(r#"{"value": 9}"#).unwrap();
        assert_eq!(input.value, Some(9));
        let input: MarksInput = serde_json::from_str(r#"{"value": "9"}"#).unwrap();
        assert_eq!(input.value, Some(9));
        assert!(serde_json::from_str::<MarksInput>(r#"{"value": "-1"}"#).is_err());
        assert!(
            serde_json::from_str::<MarksInput>(r#"{"value": "18446744073709551616"}"#).is_err()
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn round_trip_value(v in any::<u64>()) {
                let s = format_standard_mark(v);
                prop_assert!(s.len() <= 64);
                prop_assert!(!s.starts_with('0'));
                let m = decode_standard_mark(&s).unwrap();
                prop_assert_eq!(m.value, v);
                let input = MarksInput {
                    star: Some(m.star), unread: Some(m.unread), fold: Some(m.fold), hide: Some(m.hide),
                    custom: Some(m.custom.clone()), value: Some(m.value),
                };
                prop_assert_eq!(encode_marks(&input).unwrap(), s);
            }

            #[test]
            fn custom_lists_exactly_the_set_bits_32_to_63(v in any::<u64>()) {
                let naive: Vec<u8> = (32..64).filter(|&b| v & (1u64 << b) != 0).collect();
                prop_assert_eq!(Marks::from_value(v).custom, naive);
            }

            #[test]
            fn leading_zeros_do_not_matter(v in any::<u64>(), pad in 0usize..64) {
                let s = format_standard_mark(v);
                let padded = format!("{}{}", "0".repeat(pad.min(64 - s.len())), s);
                prop_assert_eq!(parse_standard_mark(&padded, "x").unwrap(), v);
            }

            #[test]
            fn arbitrary_strings_never_panic(s in "\\PC{0,80}") {
                let _ = decode_standard_mark(&s);
            }
        }
    }
}
