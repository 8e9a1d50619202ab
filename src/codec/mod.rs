//! Codecs: byte and text formats the client needs but that carry no Tencent
//! semantics. Each is small and self-contained, written here rather than
//! taken from a crate to keep the WebAssembly module small, and tested
//! against a reference implementation where one exists.
//!
//! | module | what it does |
//! |---|---|
//! | [`base64`] | padded base64 in the standard and the UserSig alphabet (held to the `base64` crate by property tests) |
//! | [`zlib`] | a zlib stream of stored (uncompressed) deflate blocks, and Adler-32: how a generated UserSig is "compressed" |
//! | [`inflate`] | a small zlib inflater after `puff.c`, enough to read a UserSig's ticket (held to `miniz_oxide` by property tests) |
//! | [`json`] | a JSON reader for serde (what serde_json's `from_slice` does, smaller), its errors naming the field (`items[2].userId`) |
//! | [`jsonpath`] | decoding with that reader, the path completed for missing and unknown fields |
//! | `tape` | (wasm and tests only) a `serde::Serializer` writing a result as flat op/number/text buffers that JS turns into objects in one pass |
//!
//! Dependencies point one way: the domain (`usersig`, `api`, `wasm`) uses
//! these; nothing here uses the domain (only tests build model values).

pub(crate) mod base64;
pub(crate) mod inflate;
pub(crate) mod json;
pub(crate) mod jsonpath;
#[cfg(any(all(feature = "js", target_arch = "wasm32"), test))]
pub(crate) mod tape;
pub(crate) mod zlib;
