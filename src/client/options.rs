//! Per-call options and what a finished call reports.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use crate::chunk::ChunkOptions;
use crate::transport::Lock;

/// A call's cancel check: `Send + Sync` natively, no bounds in wasm32.
#[cfg(not(target_arch = "wasm32"))]
pub type CancelFn = dyn Fn() -> bool + Send + Sync;
/// A call's cancel check: `Send + Sync` natively, no bounds in wasm32.
#[cfg(target_arch = "wasm32")]
pub type CancelFn = dyn Fn() -> bool;

/// Per-call options.
///
/// ```
/// use tim_contacts::client::{CallOptions, CallReport};
/// use std::sync::Arc;
///
/// let report = Arc::new(CallReport::default());
/// let opts = CallOptions::new().timeout_ms(3_000).report(report.clone());
/// assert_eq!(opts.timeout_ms, Some(3_000));
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Per-attempt timeout in milliseconds, instead of the client's (0 = none).
    pub timeout_ms: Option<u32>,
    /// Polled before each attempt and each wait: `true` ends the call with
    /// [`crate::ErrorKind::Aborted`]. (Hosts also drop the call's future to
    /// interrupt a request or a wait in flight.)
    pub cancel: Option<Arc<CancelFn>>,
    /// How batches larger than one call are run.
    pub chunks: ChunkOptions,
    /// Filled in as the call runs: the `random` of its last request and the
    /// HTTP attempts it took (all chunks counted), for results to report.
    pub report: Option<Arc<CallReport>>,
}

/// What a finished call reports about its requests (see [`CallOptions::report`]).
#[derive(Debug, Default)]
pub struct CallReport {
    random: Lock<Option<u32>>,
    attempts: AtomicU32,
    host: Lock<Option<String>>,
}

impl CallReport {
    /// The `random` query value of the call's last request.
    pub fn random(&self) -> Option<u32> {
        *self.random.lock()
    }

    /// HTTP attempts the call took, retries and chunks included.
    pub fn attempts(&self) -> u32 {
        self.attempts.load(Ordering::Relaxed)
    }

    /// The host (`host[:port]`) of the call's last request.
    pub fn host(&self) -> Option<String> {
        self.host.lock().clone()
    }

    pub(crate) fn record(&self, random: u32, host: &str) {
        *self.random.lock() = Some(random);
        let _ = self
            .attempts
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |a| {
                Some(a.saturating_add(1))
            });
        let mut h = self.host.lock();
        if h.as_deref() != Some(host) {
            *h = Some(host.to_owned());
        }
    }
}

impl std::fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallOptions")
            .field("timeout_ms", &self.timeout_ms)
            .field("cancel", &self.cancel.is_some())
            .field("chunks", &self.chunks)
            .field("report", &self.report)
            .finish()
    }
}

impl CallOptions {
    /// The defaults: the client's timeout, no cancel check, sequential chunks, no report.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// A per-attempt timeout in milliseconds instead of the client's (0 = none).
    pub fn timeout_ms(mut self, ms: u32) -> Self {
        self.timeout_ms = Some(ms);
        self
    }

    /// A check polled before each attempt and each wait: `true` aborts the call.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn cancel(mut self, cancel: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        self.cancel = Some(Arc::new(cancel));
        self
    }

    /// A check polled before each attempt and each wait: `true` aborts the call.
    #[cfg(target_arch = "wasm32")]
    pub fn cancel(mut self, cancel: impl Fn() -> bool + 'static) -> Self {
        self.cancel = Some(Arc::new(cancel));
        self
    }

    /// How batches larger than one call are run.
    pub fn chunks(mut self, chunks: ChunkOptions) -> Self {
        self.chunks = chunks;
        self
    }

    /// Where the call reports its requests.
    pub fn report(mut self, report: Arc<CallReport>) -> Self {
        self.report = Some(report);
        self
    }

    pub(crate) fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c())
    }
}
