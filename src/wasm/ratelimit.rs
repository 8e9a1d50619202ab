//! The shareable `RateLimiter` class.

use std::cell::{Cell, RefCell};
use std::sync::{Arc, Weak};

use wasm_bindgen::prelude::*;

use super::args::{get, Opts};
use super::convert::throw;
use crate::error::Error;
use crate::ratelimit::RateLimiter as Core;

thread_local! {
    // A handful of limiters per app: a list, no hash table in the wasm.
    static REGISTRY: RefCell<Vec<(u32, Weak<Core>)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

const ID_KEY: &str = "__timRateLimiterId";

/// Client-side pacing shared by several clients: a token bucket per endpoint
/// (default 200 calls per second, the documented limit). Pass the same
/// instance as `rateLimit` to every `TimClient` of one app.
///
/// @example
/// ```js
/// const limiter = new RateLimiter({ callsPerSecond: 200 });
/// const a = new TimClient({ ...options, rateLimit: limiter });
/// const b = new TimClient({ ...options, rateLimit: limiter });
/// ```
#[wasm_bindgen]
pub struct RateLimiter {
    inner: Arc<Core>,
    id: u32,
}

#[wasm_bindgen]
impl RateLimiter {
    /// `callsPerSecond` per endpoint (default 200); `burst` tokens at most
    /// (default a tenth of `callsPerSecond`).
    ///
    /// @throws {TimError} `kind: "invalid_input"` for a zero or non-integer value.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "RateLimiterOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<RateLimiter, JsValue> {
        let read = || -> Result<Core, Error> {
            let options = options.unwrap_or(JsValue::UNDEFINED);
            let Some(o) = Opts::new(&options, "options", &["callsPerSecond", "burst"])? else {
                return Ok(Core::new(crate::limits::CALLS_PER_SECOND));
            };
            let cps = o
                .u32("callsPerSecond")?
                .unwrap_or(crate::limits::CALLS_PER_SECOND);
            Core::try_new(cps, o.u32("burst")?)
        };
        let inner = Arc::new(read().map_err(|e| throw(&e))?);
        let id = NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1));
            id
        });
        REGISTRY.with(|r| r.borrow_mut().push((id, Arc::downgrade(&inner))));
        Ok(RateLimiter { inner, id })
    }

    /// Calls per second per endpoint.
    #[wasm_bindgen(getter, js_name = callsPerSecond)]
    pub fn calls_per_second(&self) -> u32 {
        self.inner.calls_per_second()
    }

    /// Internal: lets a `TimClient` find the shared buckets.
    #[wasm_bindgen(getter, js_name = "__timRateLimiterId", skip_typescript)]
    pub fn registry_id(&self) -> u32 {
        self.id
    }
}

impl Drop for RateLimiter {
    fn drop(&mut self) {
        REGISTRY.with(|r| r.borrow_mut().retain(|(id, _)| *id != self.id));
    }
}

/// The shared limiter behind a JS `RateLimiter`, `None` if `v` is not one.
pub(crate) fn limiter_of(v: &JsValue) -> Result<Option<Arc<Core>>, Error> {
    if !v.is_object() {
        return Ok(None);
    }
    let Some(id) = get(v, ID_KEY).as_f64() else {
        return Ok(None);
    };
    let found = REGISTRY.with(|r| {
        r.borrow()
            .iter()
            .find(|(key, _)| f64::from(*key) == id)
            .and_then(|(_, limiter)| limiter.upgrade())
    });
    found
        .map(Some)
        .ok_or_else(|| Error::invalid("rateLimit", "this RateLimiter was freed"))
}
