//! A [`Transport`] over `fetch`: the global one (through gloo-net, which binds
//! `globalThis.fetch`, so browsers, workers, Node and Deno all work) or one
//! the caller passes in. Timeouts abort the request with an `AbortController`;
//! so does dropping the `send` future (how a caller's `AbortSignal` reaches
//! the fetch in flight).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::convert::js_message;
use super::runtime::{clear_timeout, set_timeout};
use crate::transport::{
    Entropy, HttpRequest, HttpResponse, Transport, TransportError, CONTENT_TYPE,
};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &js_sys::Uint32Array) -> Result<JsValue, JsValue>;
}

/// `fetch`-based transport.
pub(crate) struct FetchTransport {
    custom: Option<js_sys::Function>,
}

impl FetchTransport {
    pub(crate) fn new(custom: Option<js_sys::Function>) -> Self {
        FetchTransport { custom }
    }

    async fn fetch(
        &self,
        req: &HttpRequest,
        signal: &web_sys::AbortSignal,
    ) -> Result<gloo_net::http::Response, JsValue> {
        match &self.custom {
            None => gloo_net::http::Request::post(&req.url)
                .header("Content-Type", CONTENT_TYPE)
                .abort_signal(Some(signal))
                .body(req.body.as_str())
                .map_err(|e| JsValue::from_str(&e.to_string()))?
                .send()
                .await
                .map_err(|e| JsValue::from_str(&e.to_string())),
            Some(fetch) => {
                let init = js_sys::Object::new();
                let headers = js_sys::Object::new();
                js_sys::Reflect::set(&headers, &"Content-Type".into(), &CONTENT_TYPE.into())?;
                js_sys::Reflect::set(&init, &"method".into(), &HttpRequest::METHOD.into())?;
                js_sys::Reflect::set(&init, &"headers".into(), &headers)?;
                js_sys::Reflect::set(&init, &"body".into(), &req.body.as_str().into())?;
                js_sys::Reflect::set(&init, &"signal".into(), signal)?;
                let promise = fetch.call2(&JsValue::UNDEFINED, &req.url.as_str().into(), &init)?;
                let response = JsFuture::from(js_sys::Promise::resolve(&promise)).await?;
                if !response.is_object() {
                    return Err(JsValue::from_str(
                        "the fetch option resolved to something that is not a Response",
                    ));
                }
                Ok(gloo_net::http::Response::from(
                    response.unchecked_into::<web_sys::Response>(),
                ))
            }
        }
    }
}

/// Aborts the fetch and clears its timer when `send` is dropped before it settled.
struct InFlight {
    controller: web_sys::AbortController,
    timer: Option<(JsValue, Closure<dyn FnMut()>)>,
    settled: bool,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some((handle, _closure)) = self.timer.take() {
            clear_timeout(&handle);
        }
        if !self.settled {
            self.controller.abort();
        }
    }
}

impl Transport for FetchTransport {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let controller =
            web_sys::AbortController::new().map_err(|e| TransportError::Network(js_message(&e)))?;
        let timed_out = Rc::new(Cell::new(false));
        let timer = (req.timeout_ms > 0).then(|| {
            let flag = timed_out.clone();
            let ctl = controller.clone();
            let on_timeout = Closure::once(move || {
                flag.set(true);
                ctl.abort();
            });
            let ms = i32::try_from(req.timeout_ms).unwrap_or(i32::MAX);
            let handle = set_timeout(on_timeout.as_ref().unchecked_ref(), ms);
            (handle, on_timeout)
        });
        let mut in_flight = InFlight {
            controller: controller.clone(),
            timer,
            settled: false,
        };
        let result = async {
            let response = self.fetch(req, &controller.signal()).await?;
            let status = response.status();
            let body = response
                .binary()
                .await
                .map_err(|e| JsValue::from_str(&e.to_string()))?;
            Ok::<_, JsValue>(HttpResponse { status, body })
        }
        .await;
        in_flight.settled = true;
        drop(in_flight);
        result.map_err(|e| {
            if timed_out.get() {
                TransportError::Timeout
            } else {
                TransportError::Network(js_message(&e))
            }
        })
    }
}

/// `crypto.getRandomValues`, present in browsers, workers, Deno and Node >= 19
/// (the package's Node entry installs `node:crypto`'s webcrypto on Node 18).
pub(crate) struct CryptoEntropy;

impl CryptoEntropy {
    /// Checks that `crypto.getRandomValues` works here.
    pub(crate) fn available() -> bool {
        get_random_values(&js_sys::Uint32Array::new_with_length(1)).is_ok()
    }
}

impl Entropy for CryptoEntropy {
    fn random_u32(&self) -> u32 {
        let buf = js_sys::Uint32Array::new_with_length(1);
        match get_random_values(&buf) {
            Ok(_) => buf.get_index(0),
            // Checked when the client was made; should it vanish, stay unique enough.
            Err(_) => (js_sys::Math::random() * f64::from(u32::MAX)) as u32,
        }
    }
}
