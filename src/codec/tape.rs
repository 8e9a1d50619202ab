//! A result as a flat "tape" that JavaScript turns into objects in one pass.
//!
//! Building a JS object graph from Rust one property at a time
//! (serde-wasm-bindgen) costs a boundary crossing per value; writing JSON
//! text costs escaping and number formatting here and a second parse there.
//! The tape is neither: a [`serde::Serializer`] appends fixed-size ops to
//! three buffers that JS reads in place (`ops`, `nums`, `text`), so a
//! 100-item page crosses the boundary in one call.
//!
//! The value model is serde-wasm-bindgen's (with maps as objects), so the
//! package's TypeScript types are unchanged: `None` and `()` are
//! `undefined`, 128-bit integers are `bigint`, 64-bit ones are numbers and an
//! error beyond 2^53, enums are externally tagged. Two differences no result
//! type reaches: bytes become an array of numbers (not a `Uint8Array`), and
//! map keys of any type become strings (serde-wasm-bindgen rejects non-string
//! keys), set as own properties even when named `__proto__`.
//!
//! Encoding: each op is a `u32`, tag in the low 4 bits, payload above.
//! Strings are concatenated in `text`; a string op carries its length in
//! UTF-16 units, so JS slices the one decoded text in order. Struct keys are
//! defined once per tape (`KEYDEF id len`, text) and then referred to by id.
//! The decoder is `tim_from_tape` in `src/wasm/js/convert.js`.

use serde::ser::{self, Serialize};

/// `{` with the entry count as payload; entries are a key op then a value.
pub(crate) const OBJ: u32 = 0;
/// `[` with the element count as payload.
pub(crate) const ARR: u32 = 1;
/// A string of `payload` UTF-16 units, next in `text`.
pub(crate) const STR: u32 = 2;
/// A small non-negative integer: the payload itself.
pub(crate) const INT: u32 = 3;
/// The next number of `nums`.
pub(crate) const NUM: u32 = 4;
/// `true`.
pub(crate) const TRUE: u32 = 5;
/// `false`.
pub(crate) const FALSE: u32 = 6;
/// `undefined` (`None`, `()`).
pub(crate) const UNDEF: u32 = 8;
/// A `bigint`: payload 1 when negative, then four `u32` limbs of the magnitude, low first.
pub(crate) const BIG: u32 = 9;
/// An object key already defined in this tape: payload = its id.
pub(crate) const KEY: u32 = 10;
/// Defines key `payload`: the next op is its UTF-16 length, then it is next in `text`.
pub(crate) const KEYDEF: u32 = 11;

const PAYLOAD_MAX: usize = (1 << 28) - 1;
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
const KEY_SLOTS: usize = 64;

/// The three buffers JS reads.
pub(crate) struct Tape {
    /// Ops, see the module docs.
    pub(crate) ops: Vec<u32>,
    /// Numbers that are not small non-negative integers.
    pub(crate) nums: Vec<f64>,
    /// All strings and keys, in order.
    pub(crate) text: String,
    // Static keys seen in this tape, by address: (ptr, len, id + 1); 0 = empty.
    keys: [(usize, u32, u32); KEY_SLOTS],
    defined: u32,
}

/// Why a value could not be written (an integer beyond 2^53, a string over 2^28 units).
#[derive(Debug)]
pub(crate) struct TapeError(String);

impl std::fmt::Display for TapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TapeError {}

impl ser::Error for TapeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        TapeError(msg.to_string())
    }
}

type R = Result<(), TapeError>;

impl Tape {
    /// Writes `value` to a new tape.
    pub(crate) fn of<T: Serialize + ?Sized>(value: &T) -> Result<Tape, TapeError> {
        let mut tape = Tape::new();
        value.serialize(&mut tape)?;
        Ok(tape)
    }

    // Out of line: one copy, not one per result type.
    #[inline(never)]
    fn new() -> Tape {
        Tape {
            ops: Vec::with_capacity(32),
            nums: Vec::new(),
            text: String::with_capacity(64),
            keys: [(0, 0, 0); KEY_SLOTS],
            defined: 0,
        }
    }

    #[inline(always)]
    fn op(&mut self, tag: u32, payload: usize) -> R {
        if payload > PAYLOAD_MAX {
            return Err(TapeError(format!(
                "a result value is too large for JavaScript ({payload} elements)"
            )));
        }
        // `payload` fits in 28 bits (checked above).
        self.ops.push(tag | (payload as u32) << 4);
        Ok(())
    }

    #[inline(always)]
    fn push_text(&mut self, s: &str) -> usize {
        self.text.push_str(s);
        if s.is_ascii() {
            s.len()
        } else {
            s.encode_utf16().count()
        }
    }

    #[inline(always)]
    fn string(&mut self, s: &str) -> R {
        let units = self.push_text(s);
        self.op(STR, units)
    }

    #[inline(always)]
    fn unsigned(&mut self, v: u64) -> R {
        if v <= PAYLOAD_MAX as u64 {
            self.op(INT, v as usize)
        } else if v <= MAX_SAFE_INTEGER {
            self.nums.push(v as f64);
            self.op(NUM, 0)
        } else {
            Err(TapeError(format!(
                "{v} can't be represented as a JavaScript number"
            )))
        }
    }

    fn signed(&mut self, v: i64) -> R {
        if v >= 0 {
            return self.unsigned(v.unsigned_abs());
        }
        if v.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(TapeError(format!(
                "{v} can't be represented as a JavaScript number"
            )));
        }
        self.nums.push(v as f64);
        self.op(NUM, 0)
    }

    fn big(&mut self, negative: bool, magnitude: u128) -> R {
        self.op(BIG, usize::from(negative))?;
        for i in 0..4 {
            self.ops.push((magnitude >> (32 * i)) as u32);
        }
        Ok(())
    }

    /// A struct key: defined the first time this tape sees it, then by id.
    fn key(&mut self, key: &'static str) -> R {
        let addr = key.as_ptr() as usize;
        // A field name; its length only tells apart names sharing an address.
        let klen = key.len() as u32;
        let mut slot = addr.wrapping_mul(0x9E37_79B9) % KEY_SLOTS;
        for _ in 0..KEY_SLOTS {
            let (a, len, id) = self.keys[slot];
            if id == 0 {
                let id = self.defined;
                self.defined += 1;
                self.keys[slot] = (addr, klen, id + 1);
                self.op(KEYDEF, id as usize)?;
                let at = self.ops.len();
                self.ops.push(0);
                let units = self.push_text(key);
                self.ops[at] = units as u32;
                return Ok(());
            }
            if a == addr && len == klen {
                return self.op(KEY, (id - 1) as usize);
            }
            slot = (slot + 1) % KEY_SLOTS;
        }
        // More distinct keys than slots: write it as a plain string key.
        self.string(key)
    }

    /// Starts a container; returns where its count goes.
    fn open(&mut self, tag: u32) -> Compound<'_> {
        let at = self.ops.len();
        self.ops.push(tag);
        Compound {
            tape: self,
            at,
            count: 0,
        }
    }

    /// `{ variant: ... }` around what follows; closed by the compound.
    fn open_variant(&mut self, variant: &'static str, tag: u32) -> Result<Compound<'_>, TapeError> {
        self.op(OBJ, 1)?;
        self.key(variant)?;
        Ok(self.open(tag))
    }
}

/// An object or array being written; `end` patches its count in.
pub(crate) struct Compound<'a> {
    tape: &'a mut Tape,
    at: usize,
    count: usize,
}

impl Compound<'_> {
    #[inline(always)]
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        self.count += 1;
        value.serialize(&mut *self.tape)
    }

    #[inline(always)]
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
        self.tape.key(key)?;
        self.element(value)
    }

    fn end(self) -> R {
        if self.count > PAYLOAD_MAX {
            return Err(TapeError(format!(
                "a result value is too large for JavaScript ({} elements)",
                self.count
            )));
        }
        self.tape.ops[self.at] |= (self.count as u32) << 4;
        Ok(())
    }
}

impl<'a> ser::Serializer for &'a mut Tape {
    type Ok = ();
    type Error = TapeError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn is_human_readable(&self) -> bool {
        // As serde-wasm-bindgen.
        false
    }

    fn serialize_bool(self, v: bool) -> R {
        self.op(if v { TRUE } else { FALSE }, 0)
    }
    fn serialize_i8(self, v: i8) -> R {
        self.signed(v.into())
    }
    fn serialize_i16(self, v: i16) -> R {
        self.signed(v.into())
    }
    fn serialize_i32(self, v: i32) -> R {
        self.signed(v.into())
    }
    fn serialize_i64(self, v: i64) -> R {
        self.signed(v)
    }
    fn serialize_i128(self, v: i128) -> R {
        self.big(v < 0, v.unsigned_abs())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.unsigned(v.into())
    }
    fn serialize_u16(self, v: u16) -> R {
        self.unsigned(v.into())
    }
    fn serialize_u32(self, v: u32) -> R {
        self.unsigned(v.into())
    }
    fn serialize_u64(self, v: u64) -> R {
        self.unsigned(v)
    }
    fn serialize_u128(self, v: u128) -> R {
        self.big(false, v)
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> R {
        self.nums.push(v);
        self.op(NUM, 0)
    }
    fn serialize_char(self, v: char) -> R {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> R {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        self.op(ARR, v.len())?;
        v.iter().try_for_each(|&b| self.unsigned(b.into()))
    }
    fn serialize_none(self) -> R {
        self.op(UNDEF, 0)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.op(UNDEF, 0)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> R {
        self.op(UNDEF, 0)
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> R {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        self.op(OBJ, 1)?;
        self.key(variant)?;
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, TapeError> {
        Ok(self.open(ARR))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, TapeError> {
        Ok(self.open(ARR))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, TapeError> {
        Ok(self.open(ARR))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, TapeError> {
        self.open_variant(variant, ARR)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, TapeError> {
        Ok(self.open(OBJ))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>, TapeError> {
        Ok(self.open(OBJ))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, TapeError> {
        self.open_variant(variant, OBJ)
    }
}

/// The sequence-like compounds: each element is a value.
macro_rules! elements {
    ($($trait_:ident::$method:ident),*) => {$(
        impl ser::$trait_ for Compound<'_> {
            type Ok = ();
            type Error = TapeError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
                self.element(value)
            }
            fn end(self) -> R {
                Compound::end(self)
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = TapeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
        // A dynamic key is any value op; JS turns it into a string.
        key.serialize(&mut *self.tape)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        self.element(value)
    }
    fn end(self) -> R {
        Compound::end(self)
    }
}

/// The struct-like compounds: each field is a static key and a value.
macro_rules! fields {
    ($($trait_:ident),*) => {$(
        impl ser::$trait_ for Compound<'_> {
            type Ok = ();
            type Error = TapeError;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
                self.field(key, value)
            }
            fn end(self) -> R {
                Compound::end(self)
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ConversationRef;
    use serde::ser::SerializeStruct;
    use serde::Serialize;
    use std::collections::BTreeMap;

    /// Reads a tape back as JS-like text (`{a:1,b:[undefined,"x"],c:5n}`), the
    /// way `tim_from_tape` walks it: strings by UTF-16 length, keys by id.
    fn read(t: &Tape) -> String {
        struct Reader<'a> {
            t: &'a Tape,
            i: usize,
            n: usize,
            text: Vec<u16>,
            si: usize,
            keys: Vec<String>,
        }
        impl Reader<'_> {
            fn text(&mut self, units: usize) -> String {
                let s = String::from_utf16(&self.text[self.si..self.si + units]).unwrap();
                self.si += units;
                s
            }
            fn val(&mut self) -> String {
                let op = self.t.ops[self.i];
                self.i += 1;
                let n = (op >> 4) as usize;
                match op & 15 {
                    OBJ => {
                        let mut parts = Vec::new();
                        for _ in 0..n {
                            let kop = self.t.ops[self.i];
                            let k = match kop & 15 {
                                KEY => {
                                    self.i += 1;
                                    self.keys[(kop >> 4) as usize].clone()
                                }
                                KEYDEF => {
                                    let units = self.t.ops[self.i + 1] as usize;
                                    self.i += 2;
                                    let k = self.text(units);
                                    assert_eq!(self.keys.len(), (kop >> 4) as usize);
                                    self.keys.push(k.clone());
                                    k
                                }
                                _ => format!("[{}]", self.val()),
                            };
                            parts.push(format!("{k}:{}", self.val()));
                        }
                        format!("{{{}}}", parts.join(","))
                    }
                    ARR => {
                        let parts: Vec<String> = (0..n).map(|_| self.val()).collect();
                        format!("[{}]", parts.join(","))
                    }
                    STR => format!("{:?}", self.text(n)),
                    INT => n.to_string(),
                    NUM => {
                        self.n += 1;
                        self.t.nums[self.n - 1].to_string()
                    }
                    TRUE => "true".into(),
                    FALSE => "false".into(),
                    UNDEF => "undefined".into(),
                    BIG => {
                        let mut m = 0u128;
                        for j in (0..4).rev() {
                            m = (m << 32) | u128::from(self.t.ops[self.i + j]);
                        }
                        self.i += 4;
                        format!("{}{m}n", if n == 1 { "-" } else { "" })
                    }
                    other => panic!("bad op {other}"),
                }
            }
        }
        let mut r = Reader {
            t,
            i: 0,
            n: 0,
            text: t.text.encode_utf16().collect(),
            si: 0,
            keys: Vec::new(),
        };
        let out = r.val();
        assert_eq!((r.i, r.n, r.si), (t.ops.len(), t.nums.len(), r.text.len()));
        out
    }

    fn js<T: Serialize + ?Sized>(v: &T) -> String {
        read(&Tape::of(v).unwrap())
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Item {
        conversation: ConversationRef,
        group_ids: Vec<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        custom_mark: Option<String>,
        timestamp: Option<u32>,
    }

    #[test]
    fn structs_keys_and_numbers() {
        let items = vec![
            Item {
                conversation: ConversationRef::c2c("管理员😀".to_owned()),
                group_ids: vec![1, 3],
                custom_mark: Some("x\"y".to_owned()),
                timestamp: Some(1_700_000_000),
            },
            Item {
                conversation: ConversationRef::group("@TGS#1".to_owned()),
                group_ids: vec![],
                custom_mark: None,
                timestamp: None,
            },
        ];
        assert_eq!(
            js(&items),
            "[{conversation:{type:\"c2c\",userId:\"管理员😀\"},groupIds:[1,3],customMark:\"x\\\"y\",timestamp:1700000000},\
             {conversation:{type:\"group\",groupId:\"@TGS#1\"},groupIds:[],timestamp:undefined}]"
        );
        // Keys are defined once: 7 distinct keys, 11 key ops.
        let t = Tape::of(&items).unwrap();
        let defs = t.ops.iter().filter(|&&op| op & 15 == KEYDEF).count();
        assert_eq!(defs, 7);
    }

    #[test]
    fn integers_follow_javascript() {
        assert_eq!(js(&(1u64 << 28)), "268435456");
        assert_eq!(js(&-5i32), "-5");
        assert_eq!(js(&((1u64 << 53) - 1)), "9007199254740991");
        assert!(Tape::of(&(1u64 << 53)).is_err());
        assert!(Tape::of(&i64::MIN).is_err());
        assert_eq!(js(&u128::from(u64::MAX)), "18446744073709551615n");
        assert_eq!(js(&i128::MIN), format!("-{}n", i128::MIN.unsigned_abs()));
        assert_eq!(js(&0.5f64), "0.5");
        assert_eq!(js(&(true, false, (), 'é')), "[true,false,undefined,\"é\"]");
    }

    #[test]
    fn enums_and_maps() {
        #[derive(Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, u8),
            Struct { a: u8 },
        }
        assert_eq!(
            js(&vec![
                E::Unit,
                E::New(1),
                E::Tuple(2, 3),
                E::Struct { a: 4 }
            ]),
            "[\"Unit\",{New:1},{Tuple:[2,3]},{Struct:{a:4}}]"
        );
        let map: BTreeMap<String, u8> = [("k".to_owned(), 1), ("é".to_owned(), 2)].into();
        assert_eq!(js(&map), "{[\"k\"]:1,[\"é\"]:2}");
    }

    #[test]
    fn more_keys_than_slots_still_read_back() {
        struct Wide(Vec<&'static str>);
        impl Serialize for Wide {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut st = s.serialize_struct("Wide", self.0.len())?;
                for &k in &self.0 {
                    st.serialize_field(k, &1u8)?;
                }
                for &k in &self.0 {
                    st.serialize_field(k, &2u8)?;
                }
                st.end()
            }
        }
        let keys: Vec<&'static str> = (0..KEY_SLOTS + 10)
            .map(|i| &*Box::leak(format!("k{i}").into_boxed_str()))
            .collect();
        let out = js(&Wide(keys.clone()));
        assert!(out.starts_with("{k0:1,k1:1,"), "{out}");
        // Past the slots, keys go as plain strings (`["k130"]` in this reader).
        let last = KEY_SLOTS + 9;
        assert!(out.ends_with(&format!("[\"k{last}\"]:2}}")), "{out}");
        assert_eq!(out.matches(":1").count(), keys.len());
        assert_eq!(out.matches(":2").count(), keys.len());
    }
}
