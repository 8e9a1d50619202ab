//! Time from the JS host: `Date.now()` and `setTimeout`, present in
//! browsers, workers, Node and Deno alike.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::transport::Clock;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// The clock of the npm package: `Date.now()` and `setTimeout` (a dropped
/// sleep clears its timer, so an aborted call keeps no Node process alive).
#[derive(Debug, Clone, Copy, Default)]
pub struct JsClock;

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
