//! The host's `userSig` callback as a [`Signer`].

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::convert::js_message;
use crate::transport::Signer;

/// Calls `userSig(identifier)`; accepts a string or a Promise of one.
pub(crate) struct JsSigner {
    callback: js_sys::Function,
}

impl JsSigner {
    pub(crate) fn new(callback: js_sys::Function) -> Self {
        JsSigner { callback }
    }
}

impl Signer for JsSigner {
    async fn sign(&self, identifier: &str) -> Result<String, String> {
        let value = self
            .callback
            .call1(&JsValue::UNDEFINED, &JsValue::from_str(identifier))
            .map_err(|e| js_message(&e))?;
        let value = if is_thenable(&value) {
            JsFuture::from(js_sys::Promise::resolve(&value))
                .await
                .map_err(|e| js_message(&e))?
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
        && js_sys::Reflect::get(v, &JsValue::from_str("then"))
            .is_ok_and(|then| then.is_instance_of::<js_sys::Function>())
}
