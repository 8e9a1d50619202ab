//! The host parts of the npm package, for Rust apps compiled to `wasm32`
//! (Leptos, Yew, Dioxus, ...): [`FetchTransport`] (`fetch` with a timeout per
//! request, aborted when its future is dropped), [`JsClock`] (`Date.now()`,
//! `setTimeout`) and [`CryptoEntropy`] (`crypto.getRandomValues`). Feature
//! `web`, target `wasm32` only; no JS exports, no start function.
//!
//! [`client`] puts them together with the npm client's defaults: retries,
//! pacing at 200 calls/s per endpoint and the UserSig cache.
//!
//! ```no_run
//! # async fn run() -> Result<(), tim_contacts::Error> {
//! use tim_contacts::model::GetListRequest;
//! use tim_contacts::transport::FnSigner;
//! use tim_contacts::{ClientConfig, Region};
//!
//! let config = ClientConfig::builder(1_400_000_000, "administrator")
//!     .region(Region::Singapore)
//!     .build()?;
//! // UserSigs come from your backend (the SecretKey never ships to a browser).
//! let signer = FnSigner(|_id: &str| async { Ok::<_, String>(String::from("a UserSig")) });
//! let client = tim_contacts::web::client(config, signer);
//! let req = GetListRequest { from_account: "alice".into(), ..Default::default() };
//! let page = client.get_list(&req).await?;
//! # let _ = page; Ok(()) }
//! ```

mod clock;
mod fetch;

pub use clock::JsClock;
pub use fetch::{CryptoEntropy, FetchTransport};

use wasm_bindgen::prelude::*;

use crate::client::{Client, ClientConfig};
use crate::transport::Signer;

/// A client over the global `fetch` with the npm client's defaults: retries
/// ([`crate::retry::RetryPolicy::default`]), a rate limiter of 200 calls/s per
/// endpoint and the UserSig cache; adjust them with the `with_*` methods.
pub fn client<S: Signer>(
    config: ClientConfig,
    signer: S,
) -> Client<FetchTransport, S, CryptoEntropy, JsClock> {
    Client::new(
        config,
        FetchTransport::default(),
        signer,
        CryptoEntropy::default(),
    )
    .with_clock(JsClock)
}

/// JS helpers shared with the npm layer (`src/wasm`).
pub(crate) mod js {
    use super::*;

    #[wasm_bindgen(module = "/src/wasm/js/args.js")]
    extern "C" {
        fn tim_message(e: &JsValue) -> String;
        fn tim_is_connect_failure(e: &JsValue) -> bool;
    }

    /// True when a fetch failure says no connection was made (nothing sent).
    pub(crate) fn is_connect_failure(e: &JsValue) -> bool {
        tim_is_connect_failure(e)
    }

    /// `obj[key]`, or `undefined` when reading it throws: for objects the
    /// package made or already checked (an `AbortSignal`, a thenable).
    pub(crate) fn get(obj: &JsValue, key: &str) -> JsValue {
        js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// A safe message for a thrown JS value.
    pub(crate) fn js_message(e: &JsValue) -> String {
        tim_message(e)
    }
}
