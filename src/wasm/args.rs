//! Arguments and option objects from JS, read so that nothing a caller
//! passes can reach wasm memory unchecked or escape as a raw JS exception.
//!
//! wasm-bindgen does not check argument types in release builds: an export
//! declared with `&str` handed an object reads wild memory. So every export
//! takes `JsValue` and reads it here: a wrong type, a getter or Proxy trap
//! that throws, or an unknown key is an `invalid_input` [`Error`] naming the
//! field. Only `typeof`-based checks are used on caller values (`instanceof`
//! runs a Proxy's `getPrototypeOf` trap, which may throw).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::Error;

#[wasm_bindgen(module = "/src/wasm/js/args.js")]
extern "C" {
    fn tim_keys(o: &JsValue) -> Option<Vec<String>>;
    fn tim_type_of(v: &JsValue) -> String;
    fn tim_is_tim_error(e: &JsValue) -> bool;
    pub(crate) fn tim_on_abort(signal: &JsValue, callback: &js_sys::Function) -> bool;
    pub(crate) fn tim_off_abort(signal: &JsValue, callback: &JsValue);
}

/// True when `e` is a `TimError` (safe on any value).
pub(crate) fn is_tim_error(e: &JsValue) -> bool {
    tim_is_tim_error(e)
}

// Shared with the public `web` module (its fetch transport reads failures too).
pub(crate) use crate::web::js::{get, js_message};

/// "a number", "null", "an object", ... for error messages.
pub(crate) fn type_of(v: &JsValue) -> String {
    tim_type_of(v)
}

/// A required string argument (`fromAccount` of `listConversations`).
///
/// # Errors
/// `invalid_input` naming `field` for anything but a string.
pub(crate) fn string_arg(v: &JsValue, field: &str) -> Result<String, Error> {
    v.as_string()
        .ok_or_else(|| Error::invalid(field, format!("must be a string, got {}", type_of(v))))
}

/// A checked option object: its keys are known, its values read safely.
pub(crate) struct Opts {
    obj: JsValue,
    prefix: String,
}

impl Opts {
    /// Reads an option object named `what` (a `path.` prefix for nested
    /// ones: `retry`, `rateLimit`); `undefined` / `null` give `Ok(None)`.
    ///
    /// # Errors
    /// `invalid_input` for a non-object (or an array) and for a key not in
    /// `known`, with the nearest known key suggested.
    pub(crate) fn new(value: &JsValue, what: &str, known: &[&str]) -> Result<Option<Opts>, Error> {
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        Opts::object(value, what, known).map(Some)
    }

    /// As [`Opts::new`] for a required object.
    ///
    /// # Errors
    /// As [`Opts::new`], and for `undefined` / `null`.
    pub(crate) fn required(value: &JsValue, what: &str, known: &[&str]) -> Result<Opts, Error> {
        if value.is_undefined() || value.is_null() {
            return Err(Error::invalid(what, "is required (an object)"));
        }
        Opts::object(value, what, known)
    }

    fn object(value: &JsValue, what: &str, known: &[&str]) -> Result<Opts, Error> {
        if !value.is_object() || js_sys::Array::is_array(value) {
            return Err(Error::invalid(
                what,
                format!("must be an object, got {}", type_of(value)),
            ));
        }
        let prefix = if what == "options" {
            String::new()
        } else {
            format!("{what}.")
        };
        let keys = tim_keys(value)
            .ok_or_else(|| Error::invalid(what, "its keys could not be listed (a Proxy?)"))?;
        if let Some(unknown) = keys.iter().find(|k| !known.contains(&k.as_str())) {
            return Err(Error::invalid(
                &format!("{prefix}{unknown}"),
                crate::suggest::unknown_key_message(unknown, known),
            ));
        }
        Ok(Opts {
            obj: value.clone(),
            prefix,
        })
    }

    /// The full field name of `key` (`retry.maxAttempts`).
    pub(crate) fn field(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The raw value of `key`; `null` reads as `undefined`.
    ///
    /// # Errors
    /// `invalid_input` naming the field when reading it threw.
    pub(crate) fn value(&self, key: &str) -> Result<JsValue, Error> {
        let v = js_sys::Reflect::get(&self.obj, &JsValue::from_str(key)).map_err(|e| {
            Error::invalid(
                &self.field(key),
                format!("could not be read: {}", js_message(&e)),
            )
        })?;
        Ok(if v.is_null() { JsValue::UNDEFINED } else { v })
    }

    /// An optional string.
    ///
    /// # Errors
    /// `invalid_input` naming the field for a non-string.
    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, Error> {
        let v = self.value(key)?;
        if v.is_undefined() {
            return Ok(None);
        }
        string_arg(&v, &self.field(key)).map(Some)
    }

    /// An optional whole number in `0..=u32::MAX`.
    ///
    /// # Errors
    /// `invalid_input` naming the field for anything else.
    pub(crate) fn u32(&self, key: &str) -> Result<Option<u32>, Error> {
        let v = self.value(key)?;
        if v.is_undefined() {
            return Ok(None);
        }
        match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => {
                Ok(Some(n as u32))
            }
            _ => Err(Error::invalid(
                &self.field(key),
                "must be a whole number from 0 to 4294967295",
            )),
        }
    }

    /// An optional boolean.
    ///
    /// # Errors
    /// `invalid_input` naming the field for a non-boolean.
    pub(crate) fn bool(&self, key: &str) -> Result<Option<bool>, Error> {
        let v = self.value(key)?;
        if v.is_undefined() {
            return Ok(None);
        }
        v.as_bool().map(Some).ok_or_else(|| {
            Error::invalid(
                &self.field(key),
                format!("must be a boolean, got {}", type_of(&v)),
            )
        })
    }

    /// An optional function.
    ///
    /// # Errors
    /// `invalid_input` naming the field for a non-function.
    pub(crate) fn function(&self, key: &str) -> Result<Option<js_sys::Function>, Error> {
        let v = self.value(key)?;
        if v.is_undefined() {
            return Ok(None);
        }
        if !v.is_function() {
            return Err(Error::invalid(
                &self.field(key),
                format!("must be a function, got {}", type_of(&v)),
            ));
        }
        Ok(Some(v.unchecked_into()))
    }
}
