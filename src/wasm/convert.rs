//! Values into and out of JavaScript, and errors as real `Error` objects.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::Error;

/// Reads a JS value into `T`; a bad shape is an invalid-input error naming the
/// path (`conversations[2].userId`), or `what` at the top level.
///
/// The value goes through `serde_json::Value` first: serde-wasm-bindgen reads
/// only the fields a struct knows, so a typo such as `fromAcount` would pass
/// silently; the detour lets `deny_unknown_fields` catch it. `undefined` and
/// `null` properties count as absent.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Err(Error::invalid(what, "is required (an object)"));
    }
    let mut json: serde_json::Value = serde_wasm_bindgen::from_value(value)
        .map_err(|e| Error::invalid(what, format!("is not plain data: {e}")))?;
    drop_nulls(&mut json);
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // "missing field `userId`" / "unknown field `fromAcount`, expected ...":
        // name that field in the path too.
        let missing = ["missing field `", "unknown field `"]
            .iter()
            .find_map(|prefix| message.strip_prefix(prefix))
            .and_then(|rest| rest.split('`').next());
        let mut field = if path == "." { String::new() } else { path };
        if let Some(name) = missing.filter(|name| !field.ends_with(name)) {
            if !field.is_empty() {
                field.push('.');
            }
            field.push_str(name);
        }
        if field.is_empty() {
            field = what.to_owned();
        }
        Error::invalid(&field, message)
    })
}

fn drop_nulls(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// Writes `value` as plain JS objects; 128-bit integers (mark sets) become `bigint`.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| {
            throw(&Error::decode(
                "",
                format!("cannot convert the result for JS: {e}"),
            ))
        })
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
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
    if let Some(random) = e.random() {
        set(obj, "random", &JsValue::from(random));
    }
    if e.attempts() > 0 {
        set(obj, "attempts", &JsValue::from(e.attempts()));
        let delays: js_sys::Array = e.delays_ms().iter().map(|&d| JsValue::from(d)).collect();
        set(obj, "delaysMs", &delays);
    }
    err.into()
}

pub(crate) fn is_tim_error(e: &JsValue) -> bool {
    e.dyn_ref::<js_sys::Error>().is_some_and(|err| {
        err.name() == "TimError"
            && js_sys::Reflect::get(e, &JsValue::from_str("kind")).is_ok_and(|k| k.is_string())
    })
}

/// The message of a thrown JS value, for wrapping into an [`Error`].
pub(crate) fn js_message(v: &JsValue) -> String {
    if let Some(err) = v.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    v.as_string()
        .unwrap_or_else(|| "unknown JavaScript error".to_owned())
}
