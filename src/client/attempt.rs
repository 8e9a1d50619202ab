//! The attempt loop, written once for every command: sign (with the call's
//! deadline), pace (a local token, or the host limiter's `acquire` under the
//! same deadline), send (to the primary host or, after a failover, its
//! backup), read the answer, and decide whether and when to go again.

use super::config::host_of;
use super::{CallOptions, Client, LimiterDownEvent, RequestEvent, ResponseEvent, RetryEvent};
use crate::api::{build_url, percent_encoded, RequestParams};
use crate::error::Error;
use crate::ratelimit::{Limiter, RateLimiter, Reservation, WhenDown};
use crate::retry::{self, Verdict};
use crate::sigcache::CachedSig;
use crate::transport::{
    scrub_secret, Clock, Entropy, HttpRequest, HttpResponse, Signer, Transport, TransportError,
};

/// The UserSig, raw and percent-encoded, scrubbed from a host message.
fn scrub(message: &str, usersig: &str) -> String {
    scrub_secret(&scrub_secret(message, usersig), &percent_encoded(usersig))
}

/// How [`Client::run`] reads a successful answer: `Send` natively, so that
/// the call's future is.
#[cfg(not(target_arch = "wasm32"))]
pub(super) type Parse<'a> = dyn FnMut(&HttpResponse) -> Result<(), Error> + Send + 'a;
/// How [`Client::run`] reads a successful answer.
#[cfg(target_arch = "wasm32")]
pub(super) type Parse<'a> = dyn FnMut(&HttpResponse) -> Result<(), Error> + 'a;

/// Which of two futures finished first.
enum Either<A, B> {
    Left(A),
    Right(B),
}

/// Runs both futures; the first to finish wins and the other is dropped.
async fn first_of<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> Either<A::Output, B::Output> {
    let mut a = std::pin::pin!(a);
    let mut b = std::pin::pin!(b);
    std::future::poll_fn(|cx| {
        if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
            return std::task::Poll::Ready(Either::Left(v));
        }
        if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) {
            return std::task::Poll::Ready(Either::Right(v));
        }
        std::task::Poll::Pending
    })
    .await
}

impl<T: Transport, S: Signer, E: Entropy, K: Clock> Client<T, S, E, K> {
    /// The attempt loop of [`Client::execute_with`], written once for every
    /// command (not once per command type: in WebAssembly each copy of this
    /// state machine cost kilobytes). `parse` reads a successful answer and
    /// keeps the result; its error counts like any other for retries.
    pub(super) async fn run(
        &self,
        endpoint: &'static str,
        idempotent: bool,
        body: String,
        opts: &CallOptions,
        parse: &mut Parse<'_>,
    ) -> Result<(), Error> {
        self.clock_for_settings()?;
        let mut host = None;
        self.attempts(endpoint, idempotent, body, opts, parse, &mut host)
            .await
            .map_err(|e| {
                let retryable = retry::may_succeed_later(&self.retry, &e, idempotent);
                e.with_retryable(retryable).with_host(host)
            })
    }

    /// A client whose clock does not keep time ([`crate::transport::NoClock`], a plain
    /// [`Client::new`]) can neither back off nor pace: a retry policy with back-off or a
    /// local rate limiter set on it would retry at once and never wait, silently. Such a
    /// call is refused before anything is sent, naming the setting (give the client a clock
    /// with [`Client::with_clock`], or use `native::client` / `web::client`). A policy
    /// without delays (`base_delay_ms: 0`) and a host limiter (it waits by itself) are fine.
    fn clock_for_settings(&self) -> Result<(), Error> {
        if self.clock.keeps_time() {
            return Ok(());
        }
        if self.retry.max_attempts > 1 && self.retry.base_delay_ms > 0 {
            return Err(Error::invalid(
                "retry",
                "a retry policy with back-off needs a clock: this client has none \
                 (Client::with_clock, or native::client / web::client), so its retries \
                 would go again at once",
            ));
        }
        if matches!(self.limiter, Some(Limiter::Local(_))) {
            return Err(Error::invalid(
                "rate_limiter",
                "a rate limiter needs a clock to wait: this client has none \
                 (Client::with_clock, or native::client / web::client), so nothing would be paced",
            ));
        }
        Ok(())
    }

    /// The loop of [`Client::run`]; `host` ends as the last request's host.
    async fn attempts(
        &self,
        endpoint: &'static str,
        idempotent: bool,
        body: String,
        opts: &CallOptions,
        parse: &mut Parse<'_>,
        host: &mut Option<String>,
    ) -> Result<(), Error> {
        let timeout_ms = opts.timeout_ms.unwrap_or(self.config.timeout_ms);
        let mut failed_over = false;
        let mut attempt = 0u32;
        let mut delays: Vec<u32> = Vec::new();
        let mut resigned = false;
        let mut call_sig: Option<CachedSig> = None;
        let mut rejected: Option<String> = None;
        let mut last_random = None;
        loop {
            let fail = |e: Error, attempt: u32, delays: &Vec<u32>, random: Option<u32>| {
                e.at(endpoint, random)
                    .with_attempts(attempt, delays.clone())
            };
            if opts.cancelled() {
                return Err(fail(Error::aborted(), attempt, &delays, last_random));
            }
            let usersig = match self
                .usersig(&mut call_sig, rejected.take(), timeout_ms)
                .await
            {
                Ok(sig) => sig,
                Err(e) => return Err(fail(e, attempt, &delays, last_random)),
            };
            if let Err(e) = self.pace(endpoint, opts, timeout_ms).await {
                return Err(fail(e, attempt, &delays, last_random));
            }
            attempt += 1;
            let random = self.entropy.random_u32();
            last_random = Some(random);
            let (base_url, on_backup) = self.current_base(self.clock.now_ms());
            let this_host = host_of(base_url);
            if let Some(report) = &opts.report {
                report.record(random, &this_host);
            }
            *host = Some(this_host);
            let req = HttpRequest {
                url: build_url(
                    endpoint,
                    &RequestParams {
                        base_url,
                        sdk_app_id: self.config.sdk_app_id,
                        identifier: &self.config.identifier,
                        usersig: &usersig,
                        random,
                    },
                ),
                body: body.clone(),
                timeout_ms,
            };
            if let Some(o) = &self.observer {
                o.on_request(&RequestEvent {
                    endpoint,
                    url: req.redacted_url(),
                    body: &req.body,
                    random,
                    attempt,
                });
            }
            let started = self.clock.now_ms();
            let sent = self.transport.send(&req).await;
            let status = sent.as_ref().ok().map(|r| r.status);
            // The host could not be reached (nothing was sent; for a read, any
            // network failure): the backup's turn, or, when the backup is the
            // one down, the primary's again.
            let unreachable = match &sent {
                Err(TransportError::Connect(_)) => true,
                Err(TransportError::Network(_)) => idempotent,
                _ => false,
            };
            let fail_over = unreachable && self.config.backup_url.is_some();
            if fail_over {
                if on_backup {
                    *self.primary_down_until.lock() = None;
                } else {
                    *self.primary_down_until.lock() = Some(
                        self.clock
                            .now_ms()
                            .saturating_add(u64::from(self.config.failover_cool_down_ms)),
                    );
                }
            }
            let result = match sent {
                // An answer may echo the URL (a proxy's error page, a hostile
                // server): its texts lose the UserSig like transport messages do.
                Ok(resp) => {
                    parse(&resp).map_err(|e| e.scrubbed(&[&usersig, &percent_encoded(&usersig)]))
                }
                Err(e) => Err(match e {
                    // The host's message may quote the URL, and with it the UserSig.
                    TransportError::Network(msg) => {
                        let msg = scrub(&msg, &usersig);
                        Error::transport(msg.clone(), None).with_cause(TransportError::Network(msg))
                    }
                    TransportError::Connect(msg) => {
                        let msg = scrub(&msg, &usersig);
                        Error::connect(msg.clone()).with_cause(TransportError::Connect(msg))
                    }
                    TransportError::Timeout => {
                        Error::timeout(timeout_ms).with_cause(TransportError::Timeout)
                    }
                    TransportError::Aborted => Error::aborted(),
                }),
            };
            let err = result
                .err()
                .map(|e| fail(e, attempt, &delays, Some(random)));
            if let Some(o) = &self.observer {
                o.on_response(&ResponseEvent {
                    endpoint,
                    random,
                    attempt,
                    status,
                    duration_ms: self.clock.now_ms().saturating_sub(started),
                    error: err.as_ref(),
                });
            }
            let Some(err) = err else {
                return Ok(());
            };
            let delay = if fail_over && !on_backup && !failed_over {
                // Straight to the backup, outside the retry budget, once per call.
                failed_over = true;
                None
            } else {
                match retry::decide(&self.retry, &err, idempotent, attempt, resigned) {
                    Verdict::GiveUp => return Err(err),
                    Verdict::Resign => {
                        resigned = true;
                        rejected = Some(usersig);
                        call_sig = None;
                        None
                    }
                    Verdict::Backoff => {
                        Some(self.retry.delay_ms(attempt, self.entropy.random_u32()))
                    }
                }
            };
            if let Some(o) = &self.observer {
                o.on_retry(&RetryEvent {
                    endpoint,
                    attempt,
                    delay_ms: delay.unwrap_or(0),
                    error: &err,
                });
            }
            if let Some(delay) = delay {
                delays.push(delay);
                if opts.cancelled() {
                    return Err(fail(Error::aborted(), attempt, &delays, Some(random)));
                }
                if delay > 0 {
                    self.clock.sleep(delay).await;
                }
            }
        }
    }

    /// Waits until the next attempt to `endpoint` may go out. A host
    /// limiter's failure ends the call (not retried: nothing was sent, and
    /// its `acquire` is where a limiter waits or retries), unless it falls
    /// back to the local bucket ([`WhenDown::Local`]).
    async fn pace(
        &self,
        endpoint: &'static str,
        opts: &CallOptions,
        timeout_ms: u32,
    ) -> Result<(), Error> {
        let bucket = match &self.limiter {
            None => return Ok(()),
            Some(Limiter::Local(bucket)) => &**bucket,
            Some(Limiter::Host(pacing)) => {
                // The call's timeout covers the wait: a limiter that never
                // answers must not hang the call (nothing was sent). One
                // await either way (each await point costs code in the wasm).
                let bounded = timeout_ms > 0 && self.clock.keeps_time();
                let deadline = async move {
                    if bounded {
                        self.clock.sleep(timeout_ms).await;
                    } else {
                        std::future::pending::<()>().await;
                    }
                };
                let failure = match first_of(pacing.host().acquire(endpoint), deadline).await {
                    Either::Left(Ok(())) if opts.cancelled() => return Err(Error::aborted()),
                    Either::Left(Ok(())) => return Ok(()),
                    Either::Left(Err(failure)) => failure,
                    Either::Right(()) => return Err(Error::limiter_timeout(timeout_ms)),
                };
                let err = Error::rate_limit(&failure.message, failure.handle).at(endpoint, None);
                if pacing.when_down() == WhenDown::Fail {
                    return Err(err);
                }
                pacing.host().fell_back(&LimiterDownEvent {
                    endpoint,
                    error: &err,
                });
                pacing.fallback()
            }
        };
        self.take_token(bucket, endpoint, opts).await
    }

    /// Takes a token of a local bucket, sleeping for its wait.
    async fn take_token(
        &self,
        bucket: &RateLimiter,
        endpoint: &'static str,
        opts: &CallOptions,
    ) -> Result<(), Error> {
        // Dropped unspent (an abort during the wait), the token goes back.
        let token = Reservation::take(bucket, endpoint, self.clock.now_ms());
        if token.wait_ms > 0 {
            self.clock.sleep(token.wait_ms).await;
            if opts.cancelled() {
                return Err(Error::aborted());
            }
        }
        token.spend();
        Ok(())
    }

    /// The UserSig for one attempt: the call's own (opaque) one, the cache's,
    /// or the signer's; `rejected` asks for a replacement of that one.
    async fn usersig(
        &self,
        call_sig: &mut Option<CachedSig>,
        rejected: Option<String>,
        timeout_ms: u32,
    ) -> Result<String, Error> {
        if rejected.is_none() {
            if let Some(sig) = call_sig
                .as_ref()
                .filter(|s| !s.cached || self.cache.is_none())
            {
                return Ok(sig.usersig.clone());
            }
        }
        let sign = async {
            match &self.cache {
                Some(cache) => {
                    cache
                        .get(
                            &self.signer,
                            &self.config.identifier,
                            self.clock.now_ms(),
                            rejected.as_deref(),
                        )
                        .await
                }
                None => crate::sigcache::sign_once(&self.signer, &self.config.identifier)
                    .await
                    .map(|usersig| CachedSig {
                        usersig,
                        cached: false,
                    }),
            }
        };
        // The call's timeout covers signing too: a signer that never answers
        // must not hang the call (nothing was sent, so it is a signing error).
        let got = if timeout_ms > 0 && self.clock.keeps_time() {
            match first_of(sign, self.clock.sleep(timeout_ms)).await {
                Either::Left(got) => got,
                Either::Right(()) => {
                    return Err(Error::signing(format!(
                        "the signer did not answer within {timeout_ms} ms (the call's timeoutMs)"
                    )))
                }
            }
        } else {
            sign.await
        };
        match got {
            Ok(sig) => {
                let usersig = sig.usersig.clone();
                *call_sig = Some(sig);
                Ok(usersig)
            }
            Err(failure) => Err(failure.into_error()),
        }
    }
}
