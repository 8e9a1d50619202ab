//! The host's `userSig` callback as a [`Signer`].

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::convert::js_message;
use crate::transport::Signer;

/// Calls `userSig(identifier)`; accepts a string or a Promise of one.
pub(crate) struct JsSigner {
    callback: js_sys::Function,
    /// What the callback last threw or rejected with: the `cause` of a
    /// signing `TimError` (concurrent calls share one refresh, so one cause).
    last_error: RefCell<Option<JsValue>>,
}

impl JsSigner {
    pub(crate) fn new(callback: js_sys::Function) -> Self {
        JsSigner {
            callback,
            last_error: RefCell::new(None),
        }
    }

    /// The callback's last error, once.
    pub(crate) fn take_last_error(&self) -> Option<JsValue> {
        self.last_error.borrow_mut().take()
    }

    fn failed(&self, e: JsValue) -> String {
        let message = js_message(&e);
        *self.last_error.borrow_mut() = Some(e);
        message
    }
}

impl Signer for JsSigner {
    async fn sign(&self, identifier: &str) -> Result<String, String> {
        let value = self
            .callback
            .call1(&JsValue::UNDEFINED, &JsValue::from_str(identifier))
            .map_err(|e| self.failed(e))?;
        let value = if is_thenable(&value) {
            JsFuture::from(js_sys::Promise::resolve(&value))
                .await
                .map_err(|e| self.failed(e))?
        } else {
            value
        };
        value.as_string().ok_or_else(|| {
            "the userSig callback must return a string (or a Promise of one)".to_owned()
        })
    }
}

fn is_thenable(v: &JsValue) -> bool {
    v.is_object()
        && js_sys::Reflect::get(v, &JsValue::from_str("then")).is_ok_and(|then| then.is_function())
}
