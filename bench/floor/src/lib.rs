//! The floor of a wasm client call (see Cargo.toml).

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Awaits `promise` and returns what it resolved to: an async export around
/// one awaited JS promise, and nothing else.
#[wasm_bindgen]
pub async fn pass(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}
