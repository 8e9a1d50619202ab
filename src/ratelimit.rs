//! Client-side pacing: a token bucket per endpoint.
//!
//! # Why?
//! Every endpoint here allows 200 calls per second per app (spec §1.3); above
//! that the server answers 60007. A [`RateLimiter`] hands out one token per
//! HTTP attempt and, when the bucket is empty, says how long to wait, so bulk
//! work runs at the limit without tripping it. One limiter may be shared by
//! several clients of the same app (`Arc<RateLimiter>`), and every task of a
//! multi-threaded runtime.
//!
//! The bucket refills at `calls_per_second` and holds at most `burst` tokens
//! (a tenth of a second's worth by default): a short burst, then an even pace,
//! so the server's own bucket never runs dry even if its clock and ours
//! disagree a little. A call takes its token at once and may go into debt;
//! the debt is the wait. The time is passed in, so this is pure.
//!
//! # A limiter beyond one process
//! The limit is per app, shared by every process of it. A [`HostLimiter`]
//! is pacing the host provides (in JavaScript, any object with an
//! `acquire(endpoint, { signal })`), typically backed by a store all
//! processes share: the client awaits its `acquire` before each HTTP
//! attempt ([`Limiter::Host`]). A host limiter that fails must not let calls
//! through unpaced: [`WhenDown::Fail`] fails the call, [`WhenDown::Local`]
//! paces that attempt with the client's own bucket at a quarter of the
//! limit ([`FALLBACK_CALLS_PER_SECOND`], [`FALLBACK_BURST`]), so up to four
//! processes falling back at once still stay within it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::transport::{Lock, MaybeSend, MaybeSync};

/// One endpoint's bucket. Times are milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    rate_per_ms: f64,
    capacity: f64,
    tokens: f64,
    last_ms: u64,
}

impl TokenBucket {
    /// A full bucket of `burst` tokens refilling at `calls_per_second`.
    pub fn new(calls_per_second: u32, burst: u32, now_ms: u64) -> Self {
        let capacity = f64::from(burst.max(1));
        TokenBucket {
            rate_per_ms: f64::from(calls_per_second.max(1)) / 1000.0,
            capacity,
            tokens: capacity,
            last_ms: now_ms,
        }
    }

    /// Takes one token at `now_ms`; returns how many milliseconds to wait
    /// before sending (0 = send now).
    pub fn reserve(&mut self, now_ms: u64) -> u32 {
        if now_ms > self.last_ms {
            let refill = (now_ms - self.last_ms) as f64 * self.rate_per_ms;
            self.tokens = (self.tokens + refill).min(self.capacity);
            self.last_ms = now_ms;
        }
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            0
        } else {
            let wait = (-self.tokens / self.rate_per_ms).ceil();
            if wait >= f64::from(u32::MAX) {
                u32::MAX
            } else {
                wait as u32
            }
        }
    }

    /// Gives back a token taken by [`TokenBucket::reserve`] whose request was
    /// never sent (the call was cancelled while it waited).
    pub fn refund(&mut self) {
        self.tokens = (self.tokens + 1.0).min(self.capacity);
    }
}

/// Token buckets keyed by endpoint, all with the same rate.
#[derive(Debug)]
pub struct RateLimiter {
    calls_per_second: u32,
    burst: u32,
    // One per endpoint used (about a dozen at most): a list, no hash table.
    buckets: Lock<Vec<(&'static str, TokenBucket)>>,
}

impl RateLimiter {
    /// `calls_per_second` per endpoint (at least 1), with a burst of a tenth
    /// of that (at least 1).
    pub fn new(calls_per_second: u32) -> Self {
        let cps = calls_per_second.max(1);
        RateLimiter::with_burst(cps, (cps / 10).max(1))
    }

    /// Checks and builds a limiter: `calls_per_second` per endpoint and at
    /// most `burst` calls back to back (default a tenth of the rate). The one
    /// rule for every language: both at least 1 (`RateLimiter::new` and
    /// `with_burst` round 0 up to 1 instead).
    ///
    /// # Errors
    /// [`crate::Error::invalid`] naming `callsPerSecond` or `burst`.
    pub fn try_new(calls_per_second: u32, burst: Option<u32>) -> Result<Self, crate::Error> {
        if calls_per_second == 0 {
            return Err(crate::Error::invalid(
                "callsPerSecond",
                "must be at least 1 (pass rateLimit: false to turn pacing off)",
            ));
        }
        match burst {
            Some(0) => Err(crate::Error::invalid("burst", "must be at least 1")),
            Some(b) => Ok(RateLimiter::with_burst(calls_per_second, b)),
            None => Ok(RateLimiter::new(calls_per_second)),
        }
    }

    /// As [`RateLimiter::new`] with an explicit burst size.
    pub fn with_burst(calls_per_second: u32, burst: u32) -> Self {
        RateLimiter {
            calls_per_second: calls_per_second.max(1),
            burst: burst.max(1),
            buckets: Lock::new(Vec::new()),
        }
    }

    /// The configured rate per endpoint.
    pub fn calls_per_second(&self) -> u32 {
        self.calls_per_second
    }

    /// Takes a token for `endpoint` at `now_ms`; returns the wait in milliseconds.
    pub fn reserve(&self, endpoint: &'static str, now_ms: u64) -> u32 {
        let mut buckets = self.buckets.lock();
        if let Some((_, bucket)) = buckets.iter_mut().find(|(e, _)| *e == endpoint) {
            return bucket.reserve(now_ms);
        }
        let mut bucket = TokenBucket::new(self.calls_per_second, self.burst, now_ms);
        let wait = bucket.reserve(now_ms);
        buckets.push((endpoint, bucket));
        wait
    }

    /// Gives back a token of `endpoint` whose request was never sent.
    pub fn refund(&self, endpoint: &'static str) {
        let mut buckets = self.buckets.lock();
        if let Some((_, bucket)) = buckets.iter_mut().find(|(e, _)| *e == endpoint) {
            bucket.refund();
        }
    }
}

/// A token taken for one attempt: given back on drop unless [`Reservation::spend`]
/// was called, so an attempt cancelled while it waits leaves no debt behind.
pub struct Reservation<'a> {
    limiter: &'a RateLimiter,
    endpoint: &'static str,
    /// How long to wait before sending, in milliseconds.
    pub wait_ms: u32,
    spent: bool,
}

impl<'a> Reservation<'a> {
    /// Takes a token for `endpoint` at `now_ms`.
    pub fn take(limiter: &'a RateLimiter, endpoint: &'static str, now_ms: u64) -> Self {
        Reservation {
            limiter,
            endpoint,
            wait_ms: limiter.reserve(endpoint, now_ms),
            spent: false,
        }
    }

    /// The request is going out: the token is used.
    pub fn spend(mut self) {
        self.spent = true;
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if !self.spent {
            self.limiter.refund(self.endpoint);
        }
    }
}

impl Default for RateLimiter {
    /// The documented limit: 200 calls per second per endpoint.
    fn default() -> Self {
        RateLimiter::new(crate::limits::CALLS_PER_SECOND)
    }
}

/// Calls per second per endpoint of the fallback bucket of [`WhenDown::Local`]:
/// a quarter of the documented limit (50 of 200).
pub const FALLBACK_CALLS_PER_SECOND: u32 = crate::limits::CALLS_PER_SECOND / 4;

/// Burst of the fallback bucket of [`WhenDown::Local`] (a tenth of a second's worth).
pub const FALLBACK_BURST: u32 = FALLBACK_CALLS_PER_SECOND / 10;

/// Why a [`HostLimiter`] gave no go-ahead (it is down, or refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimiterFailure {
    /// What went wrong, for the error message.
    pub message: String,
    /// A host's handle for its own error value (the WebAssembly build keys
    /// the JS error's `cause` on it); `None` when there is none.
    pub handle: Option<u32>,
}

/// The future of [`HostLimiter::acquire`] (`Send` natively).
#[cfg(not(target_arch = "wasm32"))]
pub type Acquire<'a> = Pin<Box<dyn Future<Output = Result<(), LimiterFailure>> + Send + 'a>>;
/// The future of [`HostLimiter::acquire`] (`Send` natively).
#[cfg(target_arch = "wasm32")]
pub type Acquire<'a> = Pin<Box<dyn Future<Output = Result<(), LimiterFailure>> + 'a>>;

/// The host's rate limiter failed and the attempt is paced by the client's
/// own fallback bucket instead ([`WhenDown::Local`]): the
/// argument of [`HostLimiter::fell_back`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LimiterDownEvent<'a> {
    /// The endpoint of the attempt.
    pub endpoint: &'static str,
    /// The limiter's failure ([`crate::ErrorKind::RateLimit`]).
    pub error: &'a crate::Error,
}

/// Pacing provided by the host: a limiter shared beyond this client (a
/// token bucket in a store every process of the app uses, say). `Send +
/// Sync` natively, no bounds in wasm32 ([`MaybeSend`], [`MaybeSync`]).
pub trait HostLimiter: MaybeSend + MaybeSync {
    /// Resolves when one HTTP attempt to `endpoint` may be sent. The client
    /// drops the future when the call is cancelled or its `timeout_ms` runs
    /// out while waiting; nothing is sent then.
    ///
    /// # Errors
    /// A [`LimiterFailure`] when the limiter cannot answer (its store is
    /// down): the client then follows [`WhenDown`].
    fn acquire(&self, endpoint: &'static str) -> Acquire<'_>;

    /// Told when an `acquire` failed and, under [`WhenDown::Local`], the
    /// attempt is paced by the client's fallback bucket instead (in
    /// JavaScript, the `onLimiterDown` hook). Does nothing by default.
    fn fell_back(&self, _event: &LimiterDownEvent<'_>) {}
}

/// What the client does when a [`HostLimiter`] fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhenDown {
    /// The call fails with [`crate::ErrorKind::RateLimit`] (nothing sent).
    #[default]
    Fail,
    /// That attempt is paced by the client's own bucket at
    /// [`FALLBACK_CALLS_PER_SECOND`] per endpoint (burst [`FALLBACK_BURST`]),
    /// and reported to [`HostLimiter::fell_back`].
    Local,
}

impl WhenDown {
    /// The names used in JavaScript (`whenDown`).
    pub const NAMES: [&'static str; 2] = ["fail", "local"];

    /// `"fail"` or `"local"`.
    pub fn from_name(name: &str) -> Option<WhenDown> {
        match name {
            "fail" => Some(WhenDown::Fail),
            "local" => Some(WhenDown::Local),
            _ => None,
        }
    }
}

/// A [`HostLimiter`] with its failure rule and its fallback bucket (one per
/// client).
pub struct HostPacing {
    host: Arc<dyn HostLimiter>,
    when_down: WhenDown,
    fallback: RateLimiter,
}

impl HostPacing {
    /// Paces through `host`; `when_down` says what happens when it fails.
    pub fn new(host: Arc<dyn HostLimiter>, when_down: WhenDown) -> Self {
        HostPacing {
            host,
            when_down,
            fallback: RateLimiter::with_burst(FALLBACK_CALLS_PER_SECOND, FALLBACK_BURST),
        }
    }

    /// The host's limiter.
    pub fn host(&self) -> &dyn HostLimiter {
        &*self.host
    }

    /// What happens when it fails.
    pub fn when_down(&self) -> WhenDown {
        self.when_down
    }

    /// The bucket used for an attempt whose `acquire` failed, under [`WhenDown::Local`].
    pub fn fallback(&self) -> &RateLimiter {
        &self.fallback
    }
}

impl std::fmt::Debug for HostPacing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostPacing")
            .field("when_down", &self.when_down)
            .field("fallback", &self.fallback)
            .finish_non_exhaustive()
    }
}

/// How a client paces its HTTP attempts.
#[derive(Debug)]
pub enum Limiter {
    /// Token buckets in this process (shared by the clients holding the `Arc`).
    Local(Arc<RateLimiter>),
    /// The host's limiter, awaited before each attempt.
    Host(HostPacing),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_is_a_quarter_of_the_limit() {
        assert_eq!(FALLBACK_CALLS_PER_SECOND, 50);
        assert_eq!(FALLBACK_BURST, 5);
        assert_eq!(WhenDown::default(), WhenDown::Fail);
        for name in WhenDown::NAMES {
            assert!(WhenDown::from_name(name).is_some());
        }
        assert_eq!(WhenDown::from_name("Local"), None);
    }

    #[test]
    fn burst_then_even_pace() {
        let mut b = TokenBucket::new(200, 20, 1000);
        for _ in 0..20 {
            assert_eq!(b.reserve(1000), 0);
        }
        // In debt: the 21st waits one interval, the 22nd two.
        assert_eq!(b.reserve(1000), 5);
        assert_eq!(b.reserve(1000), 10);
        // After 10 ms the debt is paid; the next waits 5 ms again.
        assert_eq!(b.reserve(1010), 5);
        // A long idle refills to capacity only.
        for _ in 0..20 {
            assert_eq!(b.reserve(100_000), 0);
        }
        assert_eq!(b.reserve(100_000), 5);
    }

    #[test]
    fn an_unsent_reservation_is_given_back() {
        let l = RateLimiter::with_burst(100, 1);
        Reservation::take(&l, "e", 0).spend();
        let waiting = Reservation::take(&l, "e", 0);
        assert_eq!(waiting.wait_ms, 10);
        drop(waiting); // cancelled while waiting: no debt left
        assert_eq!(Reservation::take(&l, "e", 0).wait_ms, 10);
    }

    #[test]
    fn a_paced_caller_never_exceeds_the_rate() {
        // Simulate a caller that sleeps as told: in any one-second window at
        // most calls_per_second + burst calls go out.
        let l = RateLimiter::new(200);
        let mut now = 0u64;
        let mut sent = Vec::new();
        for _ in 0..2000 {
            now += u64::from(l.reserve("v4/a/b", now));
            sent.push(now);
        }
        for (i, &t) in sent.iter().enumerate() {
            let within = sent[i..].iter().take_while(|&&u| u < t + 1000).count();
            assert!(within <= 220, "{within} calls in the second from {t}");
        }
        // And it runs at the limit: 2000 calls take about 10 s.
        assert!((9_800..=10_000).contains(&now), "{now}");
        // Endpoints are independent.
        assert_eq!(l.reserve("v4/c/d", now), 0);
    }
}
