//! A host rate limiter (`rateLimit: { acquire, whenDown }`) as a
//! [`HostLimiter`], and the `onLimiterDown` hook.
//!
//! Like the signer: the host's function is called, a plain value or a
//! Promise is accepted, and what it threw becomes the `cause` of the
//! `TimError` (`kind: "rate_limit"`). Each `acquire` gets its own
//! `AbortSignal`, aborted when the attempt stops waiting for it: the call's
//! own signal fired, its `timeoutMs` ran out, or the call was dropped (as
//! the fetch's signal is).

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::args::{get, Opts};
use super::convert::{js_message, throw};
use crate::client::LimiterDownEvent;
use crate::error::Error;
use crate::ratelimit::{Acquire, HostLimiter, HostPacing, Limiter, LimiterFailure, WhenDown};

#[wasm_bindgen(module = "/src/wasm/js/limiter.js")]
extern "C" {
    /// `limiter.acquire(endpoint, { signal })` as a Promise (a plain value
    /// resolves it, a throw rejects it), with a fresh `AbortSignal`.
    fn tim_acquire(
        limiter: &JsValue,
        acquire: &js_sys::Function,
        endpoint: &str,
    ) -> js_sys::Promise;

    /// Aborts the signal of a pending `tim_acquire`.
    fn tim_abort_acquire(pending: &js_sys::Promise);

    /// Keeps what a failed `acquire` threw (the last few) and returns its handle.
    fn tim_keep_limiter_cause(cause: &JsValue) -> u32;

    /// Calls `onLimiterDown({ endpoint, error })`, ignoring a throw.
    fn tim_limiter_down(hook: &js_sys::Function, endpoint: &str, error: &JsValue);
}

fn failure(e: JsValue) -> LimiterFailure {
    LimiterFailure {
        message: js_message(&e),
        handle: Some(tim_keep_limiter_cause(&e)),
    }
}

/// Aborts the `acquire`'s signal when the wait is dropped before it settled.
struct Waiting {
    pending: js_sys::Promise,
    settled: bool,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if !self.settled {
            tim_abort_acquire(&self.pending);
        }
    }
}

/// The host's limiter object, its `acquire` function and the client's
/// `onLimiterDown` hook.
pub(crate) struct JsLimiter {
    object: JsValue,
    acquire: js_sys::Function,
    on_down: Option<js_sys::Function>,
}

impl JsLimiter {
    async fn wait(&self, endpoint: &'static str) -> Result<(), LimiterFailure> {
        let pending = tim_acquire(&self.object, &self.acquire, endpoint);
        let mut waiting = Waiting {
            pending: pending.clone(),
            settled: false,
        };
        let answered = JsFuture::from(pending).await;
        waiting.settled = true;
        answered.map(drop).map_err(failure)
    }
}

impl HostLimiter for JsLimiter {
    fn acquire(&self, endpoint: &'static str) -> Acquire<'_> {
        Box::pin(self.wait(endpoint))
    }

    fn fell_back(&self, e: &LimiterDownEvent<'_>) {
        if let Some(hook) = &self.on_down {
            tim_limiter_down(hook, e.endpoint, &throw(e.error));
        }
    }
}

/// The keys of a host limiter object.
const LIMITER_KEYS: &[&str] = &["acquire", "whenDown"];

/// The pacing of `rateLimit` when it is an object with an `acquire`
/// (`on_down` = the client's `onLimiterDown`); `None` otherwise.
///
/// # Errors
/// `invalid_input` naming `rateLimit.<key>` for a key other than
/// `acquire` and `whenDown` (a typo gets a hint), a non-function `acquire`,
/// or a `whenDown` other than `"fail"` / `"local"`.
pub(crate) fn host_limiter_of(
    v: &JsValue,
    on_down: Option<js_sys::Function>,
) -> Result<Option<Limiter>, Error> {
    if get(v, "acquire").is_undefined() {
        return Ok(None);
    }
    let o = Opts::required(v, "rateLimit", LIMITER_KEYS)?;
    let acquire = o
        .function("acquire")?
        .ok_or_else(|| Error::invalid("rateLimit.acquire", "could not be read"))?;
    let when_down = match o.string("whenDown")? {
        None => Some(WhenDown::default()),
        Some(name) => WhenDown::from_name(&name),
    }
    .ok_or_else(|| Error::invalid("rateLimit.whenDown", "must be \"fail\" or \"local\""))?;
    let host = JsLimiter {
        object: v.clone(),
        acquire,
        on_down,
    };
    Ok(Some(Limiter::Host(HostPacing::new(
        std::sync::Arc::new(host),
        when_down,
    ))))
}
