//! The per-endpoint rate limit: a token bucket per endpoint path (capacity =
//! rate, refill = rate per second), on a monotonic clock the host passes in.

use std::collections::HashMap;

struct Bucket {
    tokens: f64,
    last_ms: u64,
}

/// One bucket per endpoint path, created full on first use.
#[derive(Default)]
pub(crate) struct Buckets(HashMap<String, Bucket>);

impl Buckets {
    /// Take a token for `endpoint` at `now_ms` (monotonic); `rate` 0 = unlimited.
    pub(crate) fn take(&mut self, endpoint: &str, rate: u32, now_ms: u64) -> bool {
        if rate == 0 {
            return true;
        }
        let cap = f64::from(rate);
        let b = self.0.entry(endpoint.to_string()).or_insert(Bucket {
            tokens: cap,
            last_ms: now_ms,
        });
        let dt = now_ms.saturating_sub(b.last_ms) as f64 / 1000.0;
        b.tokens = (b.tokens + dt * cap).min(cap);
        b.last_ms = b.last_ms.max(now_ms);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Refill every bucket (forget them).
    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_holds_rate_tokens_and_refills_at_rate_per_second() {
        let mut b = Buckets::default();
        let passed = (0..250).filter(|_| b.take("e", 200, 1_000)).count();
        assert_eq!(passed, 200);
        assert!(!b.take("e", 200, 1_000));
        assert!(b.take("other", 200, 1_000), "one bucket per endpoint");
        // 5 ms at 200/s is one token
        assert!(b.take("e", 200, 1_005));
        assert!(!b.take("e", 200, 1_005));
        // a clock that goes back refills nothing and breaks nothing
        assert!(!b.take("e", 200, 900));
        assert!(b.take("e", 0, 900), "0 = unlimited");
    }
}
