//! When to send a failed call again, and how long to wait first.
//!
//! # What is retried?
//! Spec §7.4: network errors, timeouts, HTTP 408/429/5xx and the documented
//! "retry later" and throttling codes ([`crate::limits::is_retryable_code`];
//! throttling such as 60007 arrives as HTTP 200 with a FAIL envelope). A body
//! that cannot be read (for example cut off mid-way) is retried for reads only.
//! Invalid input, signing failures, aborts and other API codes are final.
//! So is a failure of the host's rate limiter ([`ErrorKind::RateLimit`], or a
//! timeout while it was awaited): nothing was sent and the error is
//! `retryable`, but the call does not go again (the limiter's `acquire` is
//! where it waits or retries).
//!
//! # Writes that are not idempotent
//! A command whose [`crate::api::Command::IDEMPOTENT`] is false (create a
//! conversation group, add friend groups, ...) is sent again only when the
//! first request certainly did not take effect: the connection could not be
//! opened ([`Error::not_sent`]), the server answered HTTP 429 / 503, or it
//! answered a throttling or UserSig code (rejected before processing). A
//! timeout, a dropped connection or a 502 might have been applied, so they
//! are final for such writes unless [`RetryPolicy::retry_non_idempotent`].
//!
//! # Back-off
//! Exponential with jitter: before retry `n` (1-based) the client waits
//! `min(max_delay, base_delay × 2^(n-1))`, scaled by a random factor in
//! `[0.8, 1.2]` drawn from [`crate::transport::Entropy`], capped at
//! `max_delay`. A UserSig answer (70001 / 70052) is instead re-signed and sent
//! again at once, once per call, outside this budget.

use crate::error::{Error, ErrorKind};
use crate::limits::{is_retryable_code, is_throttling_code, needs_new_usersig};

/// How a client retries. `max_attempts` counts every HTTP attempt (1 = no retry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included (at least 1).
    pub max_attempts: u32,
    /// The first back-off delay, in milliseconds.
    pub base_delay_ms: u32,
    /// No back-off delay is longer than this, in milliseconds.
    pub max_delay_ms: u32,
    /// Also retry non-idempotent writes after failures that may have been applied.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 4 attempts, 200 ms base, 10 s cap (spec §7.4, after C-DOOCS).
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay_ms: 200,
            max_delay_ms: 10_000,
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Checks and builds a policy (the one rule for every language):
    /// `max_attempts` counts the first attempt and is at least 1; `None`
    /// keeps the default of that field.
    ///
    /// # Errors
    /// [`Error::invalid`] naming `retry.maxAttempts` for 0.
    pub fn new(
        max_attempts: Option<u32>,
        base_delay_ms: Option<u32>,
        max_delay_ms: Option<u32>,
        retry_non_idempotent: bool,
    ) -> Result<Self, Error> {
        let d = RetryPolicy::default();
        if max_attempts == Some(0) {
            return Err(Error::invalid(
                "retry.maxAttempts",
                "must be at least 1 (1 = no retry)",
            ));
        }
        Ok(RetryPolicy {
            max_attempts: max_attempts.unwrap_or(d.max_attempts),
            base_delay_ms: base_delay_ms.unwrap_or(d.base_delay_ms),
            max_delay_ms: max_delay_ms.unwrap_or(d.max_delay_ms),
            retry_non_idempotent,
        })
    }

    /// One attempt, never retried.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The delay before retry number `retry` (1-based), given a uniformly
    /// random `r`: `min(max, base × 2^(retry-1)) × (0.8 + 0.4 × r / 2^32)`, capped at `max`.
    pub fn delay_ms(&self, retry: u32, r: u32) -> u32 {
        let exp = retry.saturating_sub(1).min(31);
        let raw = u64::from(self.base_delay_ms).saturating_mul(1u64 << exp);
        let capped = raw.min(u64::from(self.max_delay_ms));
        // factor in [0.8, 1.2): 800..1200 per mille.
        let per_mille = 800 + ((u64::from(r) * 400) >> 32);
        let jittered = capped * per_mille / 1000;
        u32::try_from(jittered.min(u64::from(self.max_delay_ms))).unwrap_or(u32::MAX)
    }
}

/// What a failure means for the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Final: return the error.
    GiveUp,
    /// Ask the signer for a new UserSig and send again at once.
    Resign,
    /// Wait, then send again.
    Backoff,
}

/// True when `err` proves the request took no effect on the server.
pub fn certainly_not_applied(err: &Error) -> bool {
    if err.not_sent() {
        return true;
    }
    match err.kind() {
        ErrorKind::Transport => matches!(err.status(), Some(429 | 503)),
        ErrorKind::Api => err
            .code()
            .is_some_and(|c| is_throttling_code(c) || needs_new_usersig(c)),
        _ => false,
    }
}

/// True when sending the same request again may succeed (ignoring idempotence).
pub fn is_transient(err: &Error, idempotent: bool) -> bool {
    match err.kind() {
        ErrorKind::InvalidInput
        | ErrorKind::Signing
        | ErrorKind::Aborted
        | ErrorKind::Pagination => false,
        // Not retried within the call (the attempt loop ends at once: `acquire`
        // is where a limiter waits or retries), but a later call may succeed.
        ErrorKind::RateLimit | ErrorKind::Timeout => true,
        ErrorKind::Transport => match err.status() {
            None => true,
            Some(s) => s == 408 || s == 429 || s >= 500,
        },
        ErrorKind::Decode => idempotent,
        ErrorKind::Api => err.code().is_some_and(is_retryable_code),
    }
}

/// True when the same call may succeed if made again (the `retryable` of a
/// final error): what the client would retry, ignoring the attempt budget.
pub fn may_succeed_later(policy: &RetryPolicy, err: &Error, idempotent: bool) -> bool {
    is_transient(err, idempotent)
        && (idempotent || policy.retry_non_idempotent || certainly_not_applied(err))
}

/// Decides what to do after attempt `attempt` (1-based) failed with `err`.
/// `resigned` says whether this call already re-signed once.
pub(crate) fn decide(
    policy: &RetryPolicy,
    err: &Error,
    idempotent: bool,
    attempt: u32,
    resigned: bool,
) -> Verdict {
    if err.kind() == ErrorKind::Api && err.code().is_some_and(needs_new_usersig) {
        return if resigned {
            Verdict::GiveUp
        } else {
            Verdict::Resign
        };
    }
    if attempt >= policy.max_attempts.max(1) || !is_transient(err, idempotent) {
        return Verdict::GiveUp;
    }
    if idempotent || policy.retry_non_idempotent || certainly_not_applied(err) {
        Verdict::Backoff
    } else {
        Verdict::GiveUp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> RetryPolicy {
        RetryPolicy::default()
    }

    #[test]
    fn one_rule_for_options_in_every_language() {
        assert_eq!(
            RetryPolicy::new(Some(0), None, None, false)
                .unwrap_err()
                .field(),
            Some("retry.maxAttempts")
        );
        assert_eq!(
            RetryPolicy::new(None, Some(5), None, true).unwrap(),
            RetryPolicy {
                base_delay_ms: 5,
                retry_non_idempotent: true,
                ..RetryPolicy::default()
            }
        );
        assert_eq!(
            crate::chunk::ChunkOptions::new(0).unwrap_err().field(),
            Some("concurrency")
        );
        assert_eq!(crate::chunk::ChunkOptions::new(3).unwrap().concurrency, 3);
        let e = crate::ratelimit::RateLimiter::try_new(0, None).unwrap_err();
        assert_eq!(e.field(), Some("callsPerSecond"));
        let e = crate::ratelimit::RateLimiter::try_new(5, Some(0)).unwrap_err();
        assert_eq!(e.field(), Some("burst"));
        assert_eq!(
            crate::ratelimit::RateLimiter::try_new(5, None)
                .unwrap()
                .calls_per_second(),
            5
        );
    }

    #[test]
    fn delays_grow_with_jitter_and_cap() {
        let p = p();
        assert_eq!(p.delay_ms(1, 0), 160);
        assert_eq!(p.delay_ms(1, u32::MAX), 239);
        assert_eq!(p.delay_ms(1, 1 << 31), 200);
        assert_eq!(p.delay_ms(2, 1 << 31), 400);
        assert_eq!(p.delay_ms(3, 1 << 31), 800);
        assert_eq!(p.delay_ms(10, u32::MAX), 10_000);
        assert_eq!(p.delay_ms(60, 0), 8_000);
        let tiny = RetryPolicy {
            base_delay_ms: 1,
            max_delay_ms: 1,
            ..p
        };
        assert_eq!(tiny.delay_ms(5, u32::MAX), 1);
    }

    #[test]
    fn classification_per_failure() {
        let p = p();
        let t = |e: &Error, idem| decide(&p, e, idem, 1, false);
        assert_eq!(t(&Error::transport("reset", None), true), Verdict::Backoff);
        assert_eq!(t(&Error::transport("reset", None), false), Verdict::GiveUp);
        assert_eq!(t(&Error::connect("refused"), false), Verdict::Backoff);
        assert_eq!(t(&Error::timeout(5), true), Verdict::Backoff);
        assert_eq!(t(&Error::timeout(5), false), Verdict::GiveUp);
        for s in [408, 429, 500, 502, 503, 504] {
            assert_eq!(t(&Error::transport("x", Some(s)), true), Verdict::Backoff);
        }
        assert_eq!(
            t(&Error::transport("x", Some(503)), false),
            Verdict::Backoff
        );
        assert_eq!(t(&Error::transport("x", Some(502)), false), Verdict::GiveUp);
        assert_eq!(t(&Error::transport("x", Some(404)), true), Verdict::GiveUp);
        for c in [60007, 60011, 60018, 60019] {
            assert_eq!(t(&Error::api(c, "", ""), false), Verdict::Backoff, "{c}");
        }
        assert_eq!(t(&Error::api(50004, "", ""), true), Verdict::Backoff);
        assert_eq!(t(&Error::api(50004, "", ""), false), Verdict::GiveUp);
        assert_eq!(t(&Error::api(51009, "", ""), true), Verdict::GiveUp);
        assert_eq!(t(&Error::api(70050, "", ""), true), Verdict::GiveUp);
        assert_eq!(t(&Error::api(70001, "", ""), false), Verdict::Resign);
        assert_eq!(
            decide(&p, &Error::api(70001, "", ""), true, 1, true),
            Verdict::GiveUp
        );
        assert_eq!(t(&Error::decode("", "eof"), true), Verdict::Backoff);
        assert_eq!(t(&Error::decode("", "eof"), false), Verdict::GiveUp);
        assert_eq!(t(&Error::invalid("x", "y"), true), Verdict::GiveUp);
        assert_eq!(t(&Error::signing("y"), true), Verdict::GiveUp);
        assert_eq!(t(&Error::aborted(), true), Verdict::GiveUp);
    }

    #[test]
    fn attempts_are_bounded_and_opt_in_covers_writes() {
        let p = p();
        let e = Error::transport("x", None);
        assert_eq!(decide(&p, &e, true, 3, false), Verdict::Backoff);
        assert_eq!(decide(&p, &e, true, 4, false), Verdict::GiveUp);
        assert_eq!(
            decide(&RetryPolicy::none(), &e, true, 1, false),
            Verdict::GiveUp
        );
        let opt_in = RetryPolicy {
            retry_non_idempotent: true,
            ..p
        };
        assert_eq!(decide(&opt_in, &e, false, 1, false), Verdict::Backoff);
        assert_eq!(
            decide(&opt_in, &Error::api(51009, "", ""), false, 1, false),
            Verdict::GiveUp
        );
    }
}
