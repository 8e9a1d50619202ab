//! Fault injection: the kinds, their settings, and the choice of the fault for
//! the next API request (the script queue first, then `rate` over `kinds`, with
//! a seeded xorshift generator: the core reads no entropy of its own).

use std::collections::VecDeque;

/// An injected fault. The core decides; the host acts out [`FaultKind::Drop`],
/// [`FaultKind::DropAfter`] and [`FaultKind::Delay`] (see [`crate::core::Action`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// No fault (useful as a script entry).
    None,
    /// HTTP 502 with a short HTML body, before processing (write NOT applied).
    Http502,
    /// Sleep this many milliseconds, then answer normally.
    Delay(u64),
    /// Close the connection without a response, before processing (NOT applied).
    Drop,
    /// Process the request (write applied), then close without a response.
    DropAfter,
    /// Process (write applied), answer HTTP 200 with the first half of the JSON.
    Truncate,
    /// HTTP 200 FAIL envelope with this ErrorCode (write NOT applied).
    Error(i64),
}

impl FaultKind {
    /// Parse `none`, `http502`, `delay:<ms>`, `drop`, `drop-after`, `truncate`, `error:<code>`.
    ///
    /// # Errors
    /// A message naming the unknown kind or the bad number.
    pub fn parse(s: &str) -> Result<FaultKind, String> {
        let s = s.trim();
        Ok(match s {
            "none" | "ok" => FaultKind::None,
            "http502" => FaultKind::Http502,
            "drop" => FaultKind::Drop,
            "drop-after" => FaultKind::DropAfter,
            "truncate" => FaultKind::Truncate,
            _ => {
                if let Some(ms) = s.strip_prefix("delay:") {
                    FaultKind::Delay(ms.parse().map_err(|_| format!("bad delay in {s:?}"))?)
                } else if let Some(code) = s.strip_prefix("error:") {
                    FaultKind::Error(code.parse().map_err(|_| format!("bad code in {s:?}"))?)
                } else {
                    return Err(format!("unknown fault kind {s:?}"));
                }
            }
        })
    }

    /// Inverse of [`FaultKind::parse`].
    pub fn name(&self) -> String {
        match self {
            FaultKind::None => "none".into(),
            FaultKind::Http502 => "http502".into(),
            FaultKind::Delay(ms) => format!("delay:{ms}"),
            FaultKind::Drop => "drop".into(),
            FaultKind::DropAfter => "drop-after".into(),
            FaultKind::Truncate => "truncate".into(),
            FaultKind::Error(c) => format!("error:{c}"),
        }
    }
}

/// Fault-injection settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultConfig {
    /// Probability in [0, 1] that an API request gets a random fault from `kinds`.
    pub rate: f64,
    /// Kinds drawn from when `rate` fires.
    pub kinds: Vec<FaultKind>,
    /// Deterministic queue, one entry consumed per API request (before `rate`).
    pub script: VecDeque<FaultKind>,
}

impl FaultConfig {
    /// The fault for the next API request: the next script entry, else with
    /// probability `rate` a kind drawn uniformly from `kinds`, else none.
    pub(crate) fn next(&mut self, rng: &mut Rng) -> FaultKind {
        if let Some(f) = self.script.pop_front() {
            return f;
        }
        if self.rate > 0.0 && !self.kinds.is_empty() && rng.next_f64() < self.rate {
            let n = self.kinds.len();
            let i = ((rng.next_f64() * n as f64) as usize).min(n - 1);
            return self.kinds[i].clone();
        }
        FaultKind::None
    }
}

/// xorshift64*, seeded by the host.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    /// Uniform in [0, 1).
    pub(crate) fn next_f64(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}
