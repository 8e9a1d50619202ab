//! Time and cancellation from the JS host: `Date.now()`, `setTimeout` and
//! `AbortSignal`, present in browsers, workers, Node and Deno alike.

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::{Context, Poll};

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::args::{get, tim_off_abort, tim_on_abort};
use crate::error::Error;
use crate::transport::Clock;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(callback: &js_sys::Function, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(handle: &JsValue);
}

/// `Date.now()` and `setTimeout`.
pub(crate) struct JsClock;

impl Clock for JsClock {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now().max(0.0) as u64
    }

    async fn sleep(&self, ms: u32) {
        Sleep::new(ms).await;
    }
}

/// A `setTimeout` as a future; dropping it clears the timer (so an aborted
/// call does not keep a Node process alive for its back-off).
struct Sleep {
    fut: JsFuture,
    handle: JsValue,
    done: bool,
}

impl Sleep {
    fn new(ms: u32) -> Self {
        let mut handle = JsValue::UNDEFINED;
        let ms = i32::try_from(ms).unwrap_or(i32::MAX);
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            handle = set_timeout(&resolve, ms);
        });
        Sleep {
            fut: JsFuture::from(promise),
            handle,
            done: false,
        }
    }
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match Pin::new(&mut self.fut).poll(cx) {
            Poll::Ready(_) => {
                self.done = true;
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if !self.done {
            clear_timeout(&self.handle);
        }
    }
}

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
