//! [`FetchTransport`], a [`Transport`] over `fetch`: the global one (a `Request` built by
//! gloo-net, sent with `globalThis.fetch`, so browsers, workers, Node and
//! Deno all work) or one the caller passes in. The response and its body come
//! back as one promise (`tim_fetch_read`): one await per request in the wasm.
//! Timeouts abort the request with an `AbortController`; so does dropping the
//! `send` future (how a caller's `AbortSignal` reaches the fetch in flight).

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::js::{get, is_connect_failure, js_message};
use crate::transport::{
    Entropy, HttpRequest, HttpResponse, Transport, TransportError, CONTENT_TYPE,
};

#[wasm_bindgen(module = "/src/wasm/js/fetch.js")]
extern "C" {
    /// Calls a caller's `fetch` with the request (the init object is built
    /// in JS: one boundary call instead of one per property).
    #[wasm_bindgen(js_name = tim_call_fetch, catch)]
    fn call_fetch(
        fetch: &js_sys::Function,
        url: &str,
        body: &str,
        content_type: &str,
        signal: &web_sys::AbortSignal,
    ) -> Result<JsValue, JsValue>;

    /// `globalThis.fetch(request)`, looked up at call time (as gloo-net's
    /// `send` does; a test or polyfill may replace it).
    #[wasm_bindgen(catch)]
    fn tim_global_fetch(request: &web_sys::Request) -> Result<js_sys::Promise, JsValue>;

    /// `[status, body bytes]` of a fetch's promise, or its rejection.
    #[wasm_bindgen(catch)]
    fn tim_fetch_read(promise: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// Aborts `controller` after `ms` unless cleared; the timer lives in JS
    /// (no Rust closure per request).
    fn tim_abort_after(controller: &web_sys::AbortController, ms: i32) -> JsValue;

    /// Clears a timer of `tim_abort_after`; true when it had fired.
    fn tim_clear_timer(timer: &JsValue) -> bool;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &js_sys::Uint32Array) -> Result<JsValue, JsValue>;
}

/// The `fetch`-based transport of the npm package: a timeout per request
/// (`HttpRequest::timeout_ms`, through an `AbortController`), and dropping the
/// `send` future aborts the request in flight. Works in browsers, workers,
/// Node and Deno.
pub struct FetchTransport {
    custom: Option<js_sys::Function>,
    /// What the last failed requests threw, by their `random`: the `cause`
    /// of the call's `TimError` (the core's errors are plain data). Bounded:
    /// causes of attempts that were retried and never reported fall out.
    causes: RefCell<Vec<(u32, JsValue)>>,
}

/// How many failed requests' causes are kept for their errors.
const KEPT_CAUSES: usize = 32;

/// The `random` query value of a request URL.
fn random_of(url: &str) -> Option<u32> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|p| p.strip_prefix("random="))
        .and_then(|r| r.parse().ok())
}

impl Default for FetchTransport {
    fn default() -> Self {
        FetchTransport::new(None)
    }
}

impl std::fmt::Debug for FetchTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchTransport")
            .field("custom_fetch", &self.custom.is_some())
            .finish_non_exhaustive()
    }
}

impl FetchTransport {
    /// Sends with `globalThis.fetch` (looked up at each request), or with
    /// `custom`, called as `custom(url, { method, headers, body, signal })`.
    pub fn new(custom: Option<js_sys::Function>) -> Self {
        FetchTransport {
            custom,
            causes: RefCell::new(Vec::new()),
        }
    }

    /// What the request with this `random` threw, once (the `cause` of the
    /// npm package's errors).
    #[cfg_attr(not(feature = "js"), allow(dead_code))]
    pub(crate) fn take_cause(&self, random: u32) -> Option<JsValue> {
        let mut causes = self.causes.borrow_mut();
        let i = causes.iter().position(|(r, _)| *r == random)?;
        Some(causes.remove(i).1)
    }

    fn keep_cause(&self, url: &str, cause: &JsValue) {
        let Some(random) = random_of(url) else { return };
        let mut causes = self.causes.borrow_mut();
        if causes.len() >= KEPT_CAUSES {
            causes.remove(0);
        }
        causes.push((random, cause.clone()));
    }

    /// Starts the request: the caller's `fetch` with an init built in JS,
    /// or the global one with a `Request` built by gloo-net.
    fn start(&self, req: &HttpRequest, signal: &web_sys::AbortSignal) -> Result<JsValue, JsValue> {
        match &self.custom {
            None => {
                let request: web_sys::Request = gloo_net::http::Request::post(&req.url)
                    .header("Content-Type", CONTENT_TYPE)
                    .abort_signal(Some(signal))
                    .body(req.body.as_str())
                    .map_err(|e| JsValue::from_str(&e.to_string()))?
                    .into();
                tim_global_fetch(&request).map(JsValue::from)
            }
            Some(fetch) => call_fetch(fetch, &req.url, &req.body, CONTENT_TYPE, signal),
        }
    }

    /// Sends the request and reads the whole answer, awaiting one promise.
    async fn exchange(
        &self,
        req: &HttpRequest,
        signal: &web_sys::AbortSignal,
    ) -> Result<HttpResponse, JsValue> {
        let started = self.start(req, signal)?;
        let pair = JsFuture::from(tim_fetch_read(&started)?).await?;
        let pair: &js_sys::Array = pair.unchecked_ref();
        let status = pair
            .get(0)
            .as_f64()
            .and_then(|s| u16::try_from(s as i64).ok())
            .unwrap_or(0);
        // Already a Uint8Array (tim_fetch_read): `Uint8Array::new` would copy it once more.
        let body = pair.get(1).unchecked_into::<js_sys::Uint8Array>().to_vec();
        Ok(HttpResponse { status, body })
    }
}

/// Aborts the fetch and clears its timer when `send` is dropped before it settled.
struct InFlight {
    controller: web_sys::AbortController,
    timer: Option<JsValue>,
    settled: bool,
}

impl InFlight {
    /// Clears the timer; true when it had fired (the request timed out).
    fn clear_timer(&mut self) -> bool {
        self.timer.take().is_some_and(|t| tim_clear_timer(&t))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.clear_timer();
        if !self.settled {
            self.controller.abort();
        }
    }
}

impl Transport for FetchTransport {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let controller =
            web_sys::AbortController::new().map_err(|e| TransportError::Network(js_message(&e)))?;
        let timer = (req.timeout_ms > 0).then(|| {
            let ms = i32::try_from(req.timeout_ms).unwrap_or(i32::MAX);
            tim_abort_after(&controller, ms)
        });
        let mut in_flight = InFlight {
            controller: controller.clone(),
            timer,
            settled: false,
        };
        let result = self.exchange(req, &controller.signal()).await;
        in_flight.settled = true;
        let timed_out = in_flight.clear_timer();
        drop(in_flight);
        result.map_err(|e| {
            self.keep_cause(&req.url, &e);
            if timed_out {
                TransportError::Timeout
            } else if is_connect_failure(&e) {
                TransportError::Connect(describe(&e))
            } else {
                TransportError::Network(describe(&e))
            }
        })
    }
}

/// A fetch failure's message with the system error of its cause, so that
/// `fetch failed` says which: `fetch failed (ECONNREFUSED)`.
fn describe(e: &JsValue) -> String {
    let message = js_message(e);
    let cause = get(e, "cause");
    let code = if cause.is_object() {
        get(&cause, "code").as_string()
    } else {
        None
    };
    match code {
        Some(code) if !message.contains(&code) => format!("{message} ({code})"),
        _ => message,
    }
}

/// `crypto.getRandomValues`, present in browsers, workers, Deno and Node >= 19
/// (the package's Node entry installs `node:crypto`'s webcrypto on Node 18).
/// Draws 64 values per call into a buffer: one `getRandomValues` costs
/// microseconds in Node (bench/overhead), about as much as a whole small page.
#[derive(Default)]
pub struct CryptoEntropy {
    buffer: RefCell<Vec<u32>>,
}

const ENTROPY_BATCH: u32 = 64;

impl CryptoEntropy {
    /// Checks that `crypto.getRandomValues` works here.
    pub fn available() -> bool {
        get_random_values(&js_sys::Uint32Array::new_with_length(1)).is_ok()
    }
}

impl std::fmt::Debug for CryptoEntropy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CryptoEntropy")
    }
}

impl Entropy for CryptoEntropy {
    fn random_u32(&self) -> u32 {
        let mut buffer = self.buffer.borrow_mut();
        if let Some(v) = buffer.pop() {
            return v;
        }
        let fresh = js_sys::Uint32Array::new_with_length(ENTROPY_BATCH);
        match get_random_values(&fresh) {
            Ok(_) => {
                *buffer = fresh.to_vec();
                buffer.pop().unwrap_or_default()
            }
            // Checked when the client was made; should it vanish, stay unique enough.
            Err(_) => (js_sys::Math::random() * f64::from(u32::MAX)) as u32,
        }
    }
}
