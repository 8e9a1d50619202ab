//! Cancellation from the JS host: `AbortSignal` (the clock, `Date.now()` and
//! `setTimeout`, is the public [`crate::web::JsClock`]).

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::Poll;

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::args::{get, tim_off_abort, tim_on_abort};
use crate::error::Error;

/// A caller's `AbortSignal` (any object with `aborted` and `addEventListener`).
#[derive(Clone)]
pub(crate) struct Abort {
    signal: JsValue,
}

impl Abort {
    /// Reads `signal`; `undefined` / `null` = none.
    pub(crate) fn parse(signal: JsValue) -> Result<Option<Abort>, Error> {
        if signal.is_undefined() || signal.is_null() {
            return Ok(None);
        }
        let looks_right = signal.is_object()
            && get(&signal, "aborted").as_bool().is_some()
            && get(&signal, "addEventListener").is_function();
        if !looks_right {
            return Err(Error::invalid("signal", "must be an AbortSignal"));
        }
        Ok(Some(Abort { signal }))
    }

    /// True once the signal fired.
    pub(crate) fn aborted(&self) -> bool {
        get(&self.signal, "aborted").as_bool() == Some(true)
    }

    /// The signal's `reason` (the cause of an aborted call's error).
    pub(crate) fn reason(&self) -> JsValue {
        get(&self.signal, "reason")
    }

    /// Resolves when the signal fires. All waits on one signal share one
    /// listener on it (`tim_on_abort`).
    fn wait(&self) -> AbortWait {
        let mut listener = JsValue::UNDEFINED;
        let signal = self.signal.clone();
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            tim_on_abort(&signal, &resolve);
            listener = resolve.into();
        });
        AbortWait {
            fut: JsFuture::from(promise),
            signal: self.signal.clone(),
            listener,
        }
    }
}

struct AbortWait {
    fut: JsFuture,
    signal: JsValue,
    listener: JsValue,
}

impl Drop for AbortWait {
    fn drop(&mut self) {
        tim_off_abort(&self.signal, &self.listener);
    }
}

/// Runs `fut` unless `abort` fires first; then `fut` is dropped (which
/// aborts its fetch and clears its timers) and the call fails as aborted.
pub(crate) async fn abortable<T>(
    abort: Option<&Abort>,
    endpoint: &'static str,
    fut: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let Some(abort) = abort else {
        return fut.await;
    };
    if abort.aborted() {
        return Err(Error::aborted().at(endpoint, None));
    }
    let mut wait = abort.wait();
    let mut fut = pin!(fut);
    poll_fn(|cx| {
        if let Poll::Ready(v) = fut.as_mut().poll(cx) {
            return Poll::Ready(v);
        }
        if Pin::new(&mut wait.fut).poll(cx).is_ready() {
            return Poll::Ready(Err(Error::aborted().at(endpoint, None)));
        }
        Poll::Pending
    })
    .await
}
