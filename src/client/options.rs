//! Per-call options and what a finished call reports.

use std::rc::Rc;

use crate::chunk::ChunkOptions;

/// Per-call options.
#[derive(Clone, Default)]
pub struct CallOptions {
    /// Per-attempt timeout in milliseconds, instead of the client's (0 = none).
    pub timeout_ms: Option<u32>,
    /// Polled before each attempt and each wait: `true` ends the call with
    /// [`crate::ErrorKind::Aborted`]. (Hosts also drop the call's future to
    /// interrupt a request or a wait in flight.)
    pub cancel: Option<Rc<dyn Fn() -> bool>>,
    /// How batches larger than one call are run.
    pub chunks: ChunkOptions,
    /// Filled in as the call runs: the `random` of its last request and the
    /// HTTP attempts it took (all chunks counted), for results to report.
    pub report: Option<Rc<CallReport>>,
}

/// What a finished call reports about its requests (see [`CallOptions::report`]).
#[derive(Debug, Default)]
pub struct CallReport {
    random: std::cell::Cell<Option<u32>>,
    attempts: std::cell::Cell<u32>,
    host: std::cell::RefCell<Option<String>>,
}

impl CallReport {
    /// The `random` query value of the call's last request.
    pub fn random(&self) -> Option<u32> {
        self.random.get()
    }

    /// HTTP attempts the call took, retries and chunks included.
    pub fn attempts(&self) -> u32 {
        self.attempts.get()
    }

    /// The host (`host[:port]`) of the call's last request.
    pub fn host(&self) -> Option<String> {
        self.host.borrow().clone()
    }

    pub(crate) fn record(&self, random: u32, host: &str) {
        self.random.set(Some(random));
        self.attempts.set(self.attempts.get().saturating_add(1));
        let mut h = self.host.borrow_mut();
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
    pub(crate) fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c())
    }
}
