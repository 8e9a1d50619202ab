//! The `onRequest` / `onResponse` / `onRetry` hooks as an [`Observer`].

use wasm_bindgen::prelude::*;

use super::args::Opts;
use super::convert::throw;
use crate::client::{Observer, RequestEvent, ResponseEvent, RetryEvent};
use crate::error::Error;

/// Calls the host's hooks with plain objects; a hook that throws is ignored.
pub(crate) struct JsObserver {
    on_request: Option<js_sys::Function>,
    on_response: Option<js_sys::Function>,
    on_retry: Option<js_sys::Function>,
}

impl JsObserver {
    pub(crate) fn from_options(options: &Opts) -> Result<Option<JsObserver>, Error> {
        let o = JsObserver {
            on_request: options.function("onRequest")?,
            on_response: options.function("onResponse")?,
            on_retry: options.function("onRetry")?,
        };
        let any = o.on_request.is_some() || o.on_response.is_some() || o.on_retry.is_some();
        Ok(any.then_some(o))
    }
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = js_sys::Object::new();
    for (k, v) in pairs {
        if !v.is_undefined() {
            let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(k), v);
        }
    }
    obj.into()
}

fn call(f: &Option<js_sys::Function>, event: impl FnOnce() -> JsValue) {
    if let Some(f) = f {
        let _ = f.call1(&JsValue::UNDEFINED, &event());
    }
}

fn err(e: Option<&Error>) -> JsValue {
    e.map_or(JsValue::UNDEFINED, throw)
}

impl Observer for JsObserver {
    fn on_request(&self, e: &RequestEvent<'_>) {
        call(&self.on_request, || {
            object(&[
                ("endpoint", e.endpoint.into()),
                ("url", e.url.as_str().into()),
                ("body", e.body.into()),
                ("random", e.random.into()),
                ("attempt", e.attempt.into()),
            ])
        });
    }

    fn on_response(&self, e: &ResponseEvent<'_>) {
        call(&self.on_response, || {
            object(&[
                ("endpoint", e.endpoint.into()),
                ("random", e.random.into()),
                ("attempt", e.attempt.into()),
                ("status", e.status.map_or(JsValue::UNDEFINED, JsValue::from)),
                ("durationMs", (e.duration_ms as f64).into()),
                ("error", err(e.error)),
            ])
        });
    }

    fn on_retry(&self, e: &RetryEvent<'_>) {
        call(&self.on_retry, || {
            object(&[
                ("endpoint", e.endpoint.into()),
                ("attempt", e.attempt.into()),
                ("delayMs", e.delay_ms.into()),
                ("error", err(Some(e.error))),
            ])
        });
    }
}
