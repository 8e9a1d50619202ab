//! Values into and out of JavaScript, and errors as real `Error` objects.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::codec::tape::Tape;
use crate::error::Error;

#[wasm_bindgen(module = "/src/wasm/js/convert.js")]
extern "C" {
    /// `JSON.stringify` with `bigint` as decimal strings and `null` as absent
    /// (plain `JSON.stringify` first: the replacer costs a call per value, and
    /// most requests have neither; plain throws on a `bigint`).
    #[wasm_bindgen(catch)]
    fn tim_to_json(value: &JsValue) -> Result<JsValue, JsValue>;

    /// Builds the JS value of a [`Tape`] (see [`crate::codec::tape`] for the ops),
    /// reading the buffers in place.
    #[wasm_bindgen(catch)]
    fn tim_from_tape(ops: &[u32], nums: &[f64], text: &str) -> Result<JsValue, JsValue>;

    /// Gives a mark-set object its `toJSON` (the wire bit string).
    fn tim_mark_json(marks: &JsValue) -> JsValue;
}

/// As [`small_to_js`] for one mark set, with its `toJSON`.
pub(crate) fn marks_to_js(m: &crate::marks::Marks) -> Result<JsValue, JsValue> {
    small_to_js(m).map(|v| tim_mark_json(&v))
}

/// Reads a JS value into `T`; a bad shape is an invalid-input error naming the
/// path (`conversations[2].userId`, see [`crate::codec::jsonpath`]), or `what` at
/// the top level.
///
/// Requests come in as JSON text: one `JSON.stringify` in JS, one parse by
/// the crate's reader ([`crate::codec::json`]) in Rust. That lets
/// `deny_unknown_fields` catch typos such as `fromAcount`
/// (serde-wasm-bindgen reads only the fields a struct knows) and
/// keeps one deserializer per type in the wasm. `undefined` and `null`
/// properties count as absent; a `bigint` arrives as a decimal string.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, Error> {
    let json = js_json(&value, what)?;
    crate::codec::jsonpath::decode(json.as_bytes()).map_err(|e| input_error(e, what))
}

// The non-generic halves of `from_js` and `to_js_value`: one copy each in
// the wasm instead of one per request or result type.

#[inline(never)]
fn js_json(value: &JsValue, what: &str) -> Result<String, Error> {
    if value.is_undefined() || value.is_null() {
        return Err(Error::invalid(what, "is required (an object)"));
    }
    tim_to_json(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Error::invalid(what, "is not plain data (functions, cycles?)"))
}

#[inline(never)]
fn input_error(e: crate::codec::jsonpath::PathError, what: &str) -> Error {
    let field = if e.path.is_empty() { what } else { &e.path };
    Error::invalid(field, e.message)
}

#[inline(never)]
fn tape_to_js(tape: Result<Tape, crate::codec::tape::TapeError>) -> Result<JsValue, Error> {
    let convert =
        |message: String| Error::decode("", format!("cannot convert the result for JS: {message}"));
    let tape = tape.map_err(|e| convert(e.to_string()))?;
    tim_from_tape(&tape.ops, &tape.nums, &tape.text).map_err(|e| convert(js_message(&e)))
}

/// Writes a result as plain JS objects, through a [`Tape`]: one boundary
/// crossing per result instead of one per value (serde-wasm-bindgen), and
/// no JSON text to escape here and parse again there (bench/overhead).
/// 128-bit integers (mark sets) become `bigint` on the way.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    to_js_value(value).map_err(|e| throw(&e))
}

/// As [`to_js`], with the error still an [`Error`].
pub(crate) fn to_js_value<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Error> {
    tape_to_js(Tape::of(value))
}

/// Writes a small fixed-shape value (one mark set, a UserSig's details)
/// with serde-wasm-bindgen, property by property: for a handful of fields
/// its cross-call cache of key strings beats the tape's per-result setup
/// (bench/marks: one decoded mark at 0.8x the pure-JS time, 1.8x on the tape).
/// Pages and anything with a list go on the tape ([`to_js`]).
pub(crate) fn small_to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| {
            throw(&Error::decode(
                "",
                format!("cannot convert the result for JS: {e}"),
            ))
        })
}

/// A boxed JS-facing future: every method hands one of these to
/// [`promise`], so the promise plumbing exists once in the wasm instead of
/// once per method (tens of KB).
pub(crate) type JsFuture = JsFutureOf<Result<JsValue, JsValue>>;

/// A boxed, type-erased future.
pub(crate) type JsFutureOf<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

/// Turns a boxed future into a JS `Promise`.
pub(crate) fn promise(fut: JsFuture) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(fut)
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

/// As [`throw`], with the standard `cause` set when `cause` is not undefined.
pub(crate) fn throw_caused(e: &Error, cause: Option<JsValue>) -> JsValue {
    let err = throw(e);
    if let Some(cause) = cause {
        set_cause(&err, &cause);
    }
    err
}

/// Sets the standard `cause` of a fresh error, unless `cause` is undefined.
fn set_cause(err: &JsValue, cause: &JsValue) {
    if cause.is_undefined() {
        return;
    }
    // Non-enumerable, as `new Error(message, { cause })` makes it.
    let desc = js_sys::Object::new();
    set(&desc, "value", cause);
    set(&desc, "writable", &JsValue::TRUE);
    set(&desc, "configurable", &JsValue::TRUE);
    if let Some(obj) = err.dyn_ref::<js_sys::Object>() {
        let _ = js_sys::Reflect::define_property(obj, &JsValue::from_str("cause"), &desc);
    }
}

/// Converts an [`Error`] into a JS `Error` named `TimError` with its fields.
pub(crate) fn throw(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("TimError");
    let obj: &JsValue = err.as_ref();
    set(obj, "kind", &JsValue::from_str(e.kind().as_str()));
    if let Some(code) = e.code() {
        // Tencent codes are small integers; f64 holds them exactly.
        set(obj, "code", &JsValue::from_f64(code as f64));
    }
    let strings = [
        ("info", e.info()),
        ("display", e.display()),
        ("field", e.field()),
        ("endpoint", e.endpoint()),
    ];
    for (key, value) in strings {
        if let Some(v) = value {
            set(obj, key, &JsValue::from_str(v));
        }
    }
    if let Some(status) = e.status() {
        set(obj, "status", &JsValue::from(status));
    }
    if let Some(host) = e.host() {
        set(obj, "host", &JsValue::from_str(host));
    }
    set(obj, "retryable", &JsValue::from_bool(e.is_retryable()));
    if let Some(random) = e.random() {
        set(obj, "random", &JsValue::from(random));
    }
    if e.attempts() > 0 {
        set(obj, "attempts", &JsValue::from(e.attempts()));
        let delays: js_sys::Array = e.delays_ms().iter().map(|&d| JsValue::from(d)).collect();
        set(obj, "delaysMs", &delays);
    }
    // A host rate limiter's failure: what its `acquire` threw.
    if let Some(cause) = e.limiter_handle().and_then(limiter_cause) {
        set_cause(obj, &cause);
    }
    err.into()
}

pub(crate) use super::args::is_tim_error;

#[wasm_bindgen(module = "/src/wasm/js/limiter.js")]
extern "C" {
    fn tim_limiter_cause(handle: u32) -> JsValue;
}

/// What a host rate limiter's `acquire` threw, by the handle its error carries
/// (kept in `js/limiter.js`; read here, so this module needs nothing of `limiter`).
fn limiter_cause(handle: u32) -> Option<JsValue> {
    Some(tim_limiter_cause(handle)).filter(|c| !c.is_undefined())
}

pub(crate) use super::args::js_message;
