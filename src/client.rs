//! The client: configuration, signing and one generic [`Client::execute`].
//!
//! A call runs in phase order: validate and build the body (nothing sent on
//! failure), get a UserSig (from the cache or the [`Signer`]), take a token
//! from the rate limiter, draw `random`, send through the [`Transport`], then
//! read the answer; on a transient failure, wait ([`crate::retry`]) and go
//! again. Every error carries the endpoint, the `random` of its last request
//! and the number of attempts ([`Error::attempts`]); the [`Observer`] hooks
//! see every attempt, with the UserSig redacted.
//!
//! Batches larger than one call are chunked ([`crate::chunk`]) and listings
//! are walked page by page ([`crate::paging`]).

use std::cell::Cell;
use std::rc::Rc;

use crate::api::{build_url, parse_response, percent_encoded, Command, RequestParams};
use crate::chunk::{chunk_ranges, order_like_input, run_bounded, ChunkOptions};
use crate::error::{Error, ErrorKind};
use crate::limits::{MAX_MARK_ITEMS, MAX_SEARCH_ITEMS};
use crate::marks::{diff_marks, marks_value};
use crate::model::{
    ContactGroupPage, ConversationOutcome, ConversationRef, CreateContactGroupRequest,
    CreateContactGroupResult, DelContactGroupRequest, DelContactGroupResult, DeleteContactRequest,
    GetContactGroupRequest, GetListPage, GetListRequest, MarkChange, MarkContactRequest,
    MarkContactResult, MarkName, SearchContactGroupRequest, SearchContactGroupResult,
    SnsGroupAddRequest, SnsGroupAddResult, SnsGroupDeleteRequest, SnsGroupDeleteResult,
    SnsGroupGetRequest, SnsGroupGetResult, UpdateContactGroupRequest, UpdateContactGroupResult,
};
use crate::paging::{ContactGroupPager, ConversationPager, ItemStream, Pager};
use crate::ratelimit::{RateLimiter, Reservation};
use crate::region::Region;
use crate::retry::{self, RetryPolicy, Verdict};
use crate::sigcache::{CachedSig, SigCache};
use crate::transport::{
    scrub_secret, Clock, Entropy, HttpRequest, HttpResponse, NoClock, Signer, Transport,
    TransportError,
};

/// The UserSig, raw and percent-encoded, scrubbed from a host message.
fn scrub(message: &str, usersig: &str) -> String {
    scrub_secret(&scrub_secret(message, usersig), &percent_encoded(usersig))
}

/// Renames `{list}[j]...` in an invalid-input error to `{list}[map(j)]...`:
/// chunks are validated one by one, errors name the index in the whole request.
fn shift_field(
    e: Error,
    list: &str,
    map: impl Fn(usize) -> usize,
    endpoint: &'static str,
) -> Error {
    let prefix = format!("{list}[");
    let renamed = e.field().and_then(|f| {
        let rest = f.strip_prefix(&prefix)?;
        let (index, tail) = rest.split_once(']')?;
        let j: usize = index.parse().ok()?;
        Some(format!("{prefix}{}]{tail}", map(j)))
    });
    match renamed {
        Some(field) => Error::invalid(&field, e.message()).at(endpoint, None),
        None => e.at(endpoint, None),
    }
}

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

/// Default per-request timeout. The service's own timeout is 3 s, so a
/// client should wait longer than that (spec §1.3).
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// What a client needs to know about the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The app's SDKAppID.
    pub sdk_app_id: u64,
    /// The admin account calls are made as.
    pub identifier: String,
    /// `https://host` of the region, or a proxy / emulator URL.
    pub base_url: String,
    /// Per-request timeout in milliseconds (0 = none).
    pub timeout_ms: u32,
    /// Where requests go while `base_url` cannot be reached (a DNS or
    /// connect failure): the region's backup host by default, `None` = no
    /// failover. See [`ClientConfig::with_failover`].
    pub backup_url: Option<String>,
    /// After a failover, how long the backup is used before the primary is
    /// tried again, in milliseconds.
    pub failover_cool_down_ms: u32,
}

/// Default time on the backup host before the primary is tried again.
pub const DEFAULT_FAILOVER_COOL_DOWN_MS: u32 = 60_000;

impl ClientConfig {
    /// Checks and builds a configuration. `base_url` wins over `region`; one is required.
    /// Plain `http://` is accepted only for loopback hosts unless `allow_insecure_http`.
    ///
    /// # Errors
    /// [`Error::invalid`] naming `sdkAppId`, `identifier`, `baseUrl` or `region`.
    pub fn new(
        sdk_app_id: u64,
        identifier: &str,
        region: Option<Region>,
        base_url: Option<&str>,
        timeout_ms: Option<u32>,
        allow_insecure_http: bool,
    ) -> Result<Self, Error> {
        if sdk_app_id == 0 || sdk_app_id > u64::from(u32::MAX) {
            return Err(Error::invalid(
                "sdkAppId",
                "must be the app's SDKAppID (1..=4294967295)",
            ));
        }
        crate::model::check_account(identifier, "identifier")?;
        let (base_url, backup_url) = match (base_url, region) {
            (Some(url), _) => (check_base_url(url, allow_insecure_http)?, None),
            (None, Some(region)) => (
                region.base_url(),
                region.backup_host().map(|h| format!("https://{h}")),
            ),
            (None, None) => return Err(Error::invalid("region", "give a region or a baseUrl")),
        };
        Ok(ClientConfig {
            sdk_app_id,
            identifier: identifier.to_owned(),
            base_url,
            timeout_ms: timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            backup_url,
            failover_cool_down_ms: DEFAULT_FAILOVER_COOL_DOWN_MS,
        })
    }

    /// Sets the failover: `Some(url)` sends requests to `url` while the
    /// primary cannot be reached (checked like `baseUrl`), `None` turns
    /// failover off. With a `region`, the region's backup host (spec §1.2)
    /// is already set. After a failover the primary is tried again once
    /// `cool_down_ms` passed (default [`DEFAULT_FAILOVER_COOL_DOWN_MS`]).
    ///
    /// # Errors
    /// [`Error::invalid`] naming `failover.backupUrl`.
    pub fn with_failover(
        mut self,
        backup_url: Option<&str>,
        cool_down_ms: Option<u32>,
        allow_insecure_http: bool,
    ) -> Result<Self, Error> {
        self.backup_url = backup_url
            .map(|url| {
                check_base_url(url, allow_insecure_http)
                    .map_err(|e| Error::invalid("failover.backupUrl", e.message()))
            })
            .transpose()?;
        if let Some(ms) = cool_down_ms {
            self.failover_cool_down_ms = ms;
        }
        Ok(self)
    }
}

/// `host[:port]` of a base URL, for results and errors to report.
fn host_of(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    rest.split('/').next().unwrap_or_default().to_owned()
}

/// Normalises a base URL: scheme and host, optional path, no query, no trailing slash.
fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        Error::invalid(
            "baseUrl",
            "must start with https:// (or http:// for loopback)",
        )
    })?;
    if rest.is_empty() || rest.contains(['?', '#']) || rest.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            "baseUrl",
            "must be scheme://host[:port][/path] without query",
        ));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.find(']') {
        Some(end) if authority.starts_with('[') => &authority[..=end],
        _ => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() || authority.contains('@') {
        return Err(Error::invalid("baseUrl", "needs a host (and no user info)"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(host) => {}
        "http" => {
            return Err(Error::invalid(
                "baseUrl",
                "plain http would send the UserSig in clear; use https, a loopback host, or allowInsecureHttp",
            ))
        }
        _ => return Err(Error::invalid("baseUrl", "scheme must be https or http")),
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || host.strip_prefix("127.").is_some_and(|r| {
            r.split('.').count() == 3 && r.split('.').all(|p| p.parse::<u8>().is_ok())
        })
}

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

    fn record(&self, random: u32, host: &str) {
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
    fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c())
    }
}

/// A request about to be sent (the UserSig is redacted from `url`).
#[derive(Debug, Clone)]
pub struct RequestEvent<'a> {
    /// The endpoint, e.g. `v4/recentcontact/get_list`.
    pub endpoint: &'static str,
    /// The URL with `usersig=***`.
    pub url: String,
    /// The JSON body.
    pub body: &'a str,
    /// The request's `random`.
    pub random: u32,
    /// 1 for the first attempt of the call, 2 for the first retry, ...
    pub attempt: u32,
}

/// The outcome of one attempt.
#[derive(Debug, Clone)]
pub struct ResponseEvent<'a> {
    /// The endpoint.
    pub endpoint: &'static str,
    /// The request's `random`.
    pub random: u32,
    /// Which attempt of the call.
    pub attempt: u32,
    /// The HTTP status, when an answer arrived.
    pub status: Option<u16>,
    /// Time from send to answer (or failure), in milliseconds.
    pub duration_ms: u64,
    /// The failure, if the attempt failed.
    pub error: Option<&'a Error>,
}

/// A retry about to happen.
#[derive(Debug, Clone)]
pub struct RetryEvent<'a> {
    /// The endpoint.
    pub endpoint: &'static str,
    /// The attempt that failed.
    pub attempt: u32,
    /// How long the client waits before the next attempt (0 for a re-sign).
    pub delay_ms: u32,
    /// Why.
    pub error: &'a Error,
}

/// Hooks called around each HTTP attempt; all optional. They see no UserSig.
pub trait Observer {
    /// Before an attempt is sent.
    fn on_request(&self, _event: &RequestEvent<'_>) {}
    /// After an attempt was answered or failed.
    fn on_response(&self, _event: &ResponseEvent<'_>) {}
    /// Before a retry (after its delay was chosen).
    fn on_retry(&self, _event: &RetryEvent<'_>) {}
}

/// A client for one app and admin identifier.
///
/// [`Client::new`] makes a plain client: one attempt per call (plus one
/// re-signed resend after a 70001 / 70052 UserSig answer), the signer
/// asked on every call, no pacing. [`Client::with_clock`] turns on the robust
/// defaults: retries ([`RetryPolicy::default`]), a rate limiter of 200 calls/s
/// per endpoint, and the UserSig cache; `with_retry`, `with_rate_limiter`
/// and `with_usersig_cache` adjust them.
pub struct Client<T, S, E, K = NoClock> {
    config: ClientConfig,
    transport: T,
    signer: S,
    entropy: E,
    clock: K,
    retry: RetryPolicy,
    limiter: Option<Rc<RateLimiter>>,
    cache: Option<SigCache>,
    observer: Option<Rc<dyn Observer>>,
    /// Until when (clock ms) the primary host is avoided after a failover.
    primary_down_until: Cell<Option<u64>>,
}

impl<T: Transport, S: Signer, E: Entropy> Client<T, S, E, NoClock> {
    /// Builds a plain client from its parts (see [`Client`]).
    pub fn new(config: ClientConfig, transport: T, signer: S, entropy: E) -> Self {
        Client {
            config,
            transport,
            signer,
            entropy,
            clock: NoClock,
            retry: RetryPolicy::none(),
            limiter: None,
            cache: None,
            observer: None,
            primary_down_until: Cell::new(None),
        }
    }
}

impl<T: Transport, S: Signer, E: Entropy, K: Clock> Client<T, S, E, K> {
    /// Gives the client a clock and turns on retries, pacing and the UserSig cache.
    pub fn with_clock<K2: Clock>(self, clock: K2) -> Client<T, S, E, K2> {
        Client {
            config: self.config,
            transport: self.transport,
            signer: self.signer,
            entropy: self.entropy,
            clock,
            retry: RetryPolicy::default(),
            limiter: Some(Rc::new(RateLimiter::default())),
            cache: Some(SigCache::new()),
            observer: self.observer,
            primary_down_until: Cell::new(None),
        }
    }

    /// Sets the retry policy.
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets (or, with `None`, removes) the rate limiter; share one `Rc`
    /// between clients of the same app to pace them together.
    pub fn with_rate_limiter(mut self, limiter: Option<Rc<RateLimiter>>) -> Self {
        self.limiter = limiter;
        self
    }

    /// Turns the UserSig cache on or off (off: the signer is asked once per call).
    pub fn with_usersig_cache(mut self, on: bool) -> Self {
        self.cache = on.then(SigCache::new);
        self
    }

    /// Sets the hooks.
    pub fn with_observer(mut self, observer: Option<Rc<dyn Observer>>) -> Self {
        self.observer = observer;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The signer.
    pub fn signer(&self) -> &S {
        &self.signer
    }

    /// The base URL the next request goes to: the backup while the primary
    /// is cooling down after a failover, else the primary.
    fn current_base(&self, now_ms: u64) -> (&str, bool) {
        match (&self.config.backup_url, self.primary_down_until.get()) {
            (Some(backup), Some(until)) if now_ms < until => (backup, true),
            _ => (&self.config.base_url, false),
        }
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The rate limiter, if any.
    pub fn rate_limiter(&self) -> Option<&Rc<RateLimiter>> {
        self.limiter.as_ref()
    }

    /// Runs one command: validate, sign, pace, send, parse, retry.
    ///
    /// # Errors
    /// See [`crate::error`]: invalid input, signing, transport, timeout,
    /// decode, API or abort errors, each with the endpoint, the `random` of
    /// the last attempt and the number of attempts attached.
    pub async fn execute<C: Command>(&self, cmd: &C) -> Result<C::Output, Error> {
        self.execute_with(cmd, &CallOptions::default()).await
    }

    /// As [`Client::execute`], with a per-attempt timeout in milliseconds.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn execute_with_timeout<C: Command>(
        &self,
        cmd: &C,
        timeout_ms: u32,
    ) -> Result<C::Output, Error> {
        let opts = CallOptions {
            timeout_ms: Some(timeout_ms),
            ..CallOptions::default()
        };
        self.execute_with(cmd, &opts).await
    }

    /// As [`Client::execute`], with per-call options.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn execute_with<C: Command>(
        &self,
        cmd: &C,
        opts: &CallOptions,
    ) -> Result<C::Output, Error> {
        let body = cmd.to_body().map_err(|e| e.at(C::ENDPOINT, None))?;
        let mut out = None;
        let mut parse = |resp: &HttpResponse| {
            out = Some(parse_response(cmd, resp)?);
            Ok(())
        };
        self.run(C::ENDPOINT, C::IDEMPOTENT, body, opts, &mut parse)
            .await?;
        out.ok_or_else(|| Error::decode("", "no answer was parsed").at(C::ENDPOINT, None))
    }

    /// The attempt loop of [`Client::execute_with`], written once for every
    /// command (not once per command type: in WebAssembly each copy of this
    /// state machine cost kilobytes). `parse` reads a successful answer and
    /// keeps the result; its error counts like any other for retries.
    async fn run(
        &self,
        endpoint: &'static str,
        idempotent: bool,
        body: String,
        opts: &CallOptions,
        parse: &mut dyn FnMut(&HttpResponse) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut host = None;
        self.attempts(endpoint, idempotent, body, opts, parse, &mut host)
            .await
            .map_err(|e| {
                let retryable = retry::may_succeed_later(&self.retry, &e, idempotent);
                e.with_retryable(retryable).with_host(host)
            })
    }

    /// The loop of [`Client::run`]; `host` ends as the last request's host.
    async fn attempts(
        &self,
        endpoint: &'static str,
        idempotent: bool,
        body: String,
        opts: &CallOptions,
        parse: &mut dyn FnMut(&HttpResponse) -> Result<(), Error>,
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
            if let Some(limiter) = &self.limiter {
                // Dropped unspent (an abort during the wait), the token goes back.
                let token = Reservation::take(limiter, endpoint, self.clock.now_ms());
                if token.wait_ms > 0 {
                    self.clock.sleep(token.wait_ms).await;
                    if opts.cancelled() {
                        return Err(fail(Error::aborted(), attempt, &delays, last_random));
                    }
                }
                token.spend();
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
                        timeout_ms,
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
                    self.primary_down_until.set(None);
                } else {
                    self.primary_down_until.set(Some(
                        self.clock
                            .now_ms()
                            .saturating_add(u64::from(self.config.failover_cool_down_ms)),
                    ));
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
                    TransportError::Network(msg) => Error::transport(scrub(&msg, &usersig), None),
                    TransportError::Connect(msg) => Error::connect(scrub(&msg, &usersig)),
                    TransportError::Timeout => Error::timeout(timeout_ms),
                    TransportError::Aborted => Error::aborted(),
                }),
            };
            let err = match result {
                Ok(()) => {
                    if let Some(o) = &self.observer {
                        o.on_response(&ResponseEvent {
                            endpoint,
                            random,
                            attempt,
                            status,
                            duration_ms: self.clock.now_ms().saturating_sub(started),
                            error: None,
                        });
                    }
                    return Ok(());
                }
                Err(e) => fail(e, attempt, &delays, Some(random)),
            };
            if let Some(o) = &self.observer {
                o.on_response(&ResponseEvent {
                    endpoint,
                    random,
                    attempt,
                    status,
                    duration_ms: self.clock.now_ms().saturating_sub(started),
                    error: Some(&err),
                });
            }
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
            Err(msg) if msg == crate::sigcache::EMPTY_USERSIG => Err(Error::signing(msg)),
            Err(msg) => Err(Error::signing(format!("the signer failed: {msg}"))),
        }
    }

    /// Fetches the next page of `pager` and advances it; `Ok(None)` once complete.
    ///
    /// # Errors
    /// As [`Client::execute`], or [`crate::ErrorKind::Pagination`] when the
    /// cursor did not advance (the pager then stays where it was).
    pub async fn next_page<P: Pager>(
        &self,
        pager: &mut P,
        opts: &CallOptions,
    ) -> Result<Option<P::Page>, Error> {
        let Some(req) = pager.request() else {
            return Ok(None);
        };
        let page = self.execute_with(&req, opts).await?;
        pager.advance(&page)?;
        Ok(Some(page))
    }

    /// The next item of `stream`, fetching pages as needed; `Ok(None)` once complete.
    ///
    /// # Errors
    /// As [`Client::next_page`].
    pub async fn next_item<P: Pager>(
        &self,
        stream: &mut ItemStream<P>,
        opts: &CallOptions,
    ) -> Result<Option<P::Item>, Error> {
        loop {
            if let Some(item) = stream.pop() {
                return Ok(Some(item));
            }
            let Some(req) = stream.next_request() else {
                return Ok(None);
            };
            let page = self.execute_with(&req, opts).await?;
            stream.push_page(page)?;
        }
    }

    /// Every conversation of a user, one page at a time (see [`crate::paging`]).
    pub fn list_conversations(&self, req: GetListRequest) -> ItemStream<ConversationPager> {
        ItemStream::new(ConversationPager::new(req))
    }

    /// Every conversation with group or mark data, from offset `start_index`.
    pub fn list_contact_group_items(
        &self,
        from_account: &str,
        start_index: u32,
    ) -> ItemStream<ContactGroupPager> {
        ItemStream::new(ContactGroupPager::new(from_account, start_index))
    }

    /// `v4/recentcontact/get_list`: one page of a user's conversations.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn get_list(&self, req: &GetListRequest) -> Result<GetListPage, Error> {
        self.execute(req).await
    }

    /// `v4/recentcontact/get_contact_group`: one page of group and mark data.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn get_contact_group(
        &self,
        req: &GetContactGroupRequest,
    ) -> Result<ContactGroupPage, Error> {
        self.execute(req).await
    }

    /// `v4/recentcontact/search_contact_group`: data of given conversations.
    /// More than 300 are split into several calls (see
    /// [`Client::search_contact_group_with`]).
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn search_contact_group(
        &self,
        req: &SearchContactGroupRequest,
    ) -> Result<SearchContactGroupResult, Error> {
        self.search_contact_group_with(req, &CallOptions::default())
            .await
    }

    /// `search_contact_group` for any number of conversations: chunks of 300,
    /// run sequentially or `opts.chunks.concurrency` at a time, items merged
    /// in input order. All chunks are validated before any is sent; the first
    /// failing chunk fails the call (later chunks are not started).
    ///
    /// # Errors
    /// As [`Client::execute`]; an invalid conversation is named by its index
    /// in the whole request.
    pub async fn search_contact_group_with(
        &self,
        req: &SearchContactGroupRequest,
        opts: &CallOptions,
    ) -> Result<SearchContactGroupResult, Error> {
        if req.conversations.len() <= MAX_SEARCH_ITEMS {
            return self.execute_with(req, opts).await;
        }
        let endpoint = <SearchContactGroupRequest as Command>::ENDPOINT;
        let ranges = chunk_ranges(req.conversations.len(), MAX_SEARCH_ITEMS);
        let mut parts = Vec::with_capacity(ranges.len());
        for range in &ranges {
            let part = SearchContactGroupRequest {
                from_account: req.from_account.clone(),
                conversations: req.conversations[range.clone()].to_vec(),
            };
            part.to_body()
                .map_err(|e| shift_field(e, "conversations", |j| range.start + j, endpoint))?;
            parts.push(part);
        }
        let failed = Cell::new(false);
        let futs: Vec<_> = parts
            .iter()
            .map(|part| {
                let failed = &failed;
                async move {
                    if failed.get() {
                        return None;
                    }
                    let r = self.execute_with(part, opts).await;
                    if r.is_err() {
                        failed.set(true);
                    }
                    Some(r)
                }
            })
            .collect();
        let mut items = Vec::new();
        let mut groups = Vec::new();
        for r in run_bounded(futs, opts.chunks.concurrency)
            .await
            .into_iter()
            .flatten()
        {
            let r = r?;
            items.extend(r.items);
            groups = r.groups;
        }
        Ok(SearchContactGroupResult {
            items: order_like_input(&req.conversations, items),
            groups,
        })
    }

    /// `v4/recentcontact/update_contact_group`: rename, or add / remove conversations.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn update_contact_group(
        &self,
        req: &UpdateContactGroupRequest,
    ) -> Result<UpdateContactGroupResult, Error> {
        self.execute(req).await
    }

    /// `v4/recentcontact/create_contact_group`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn create_contact_group(
        &self,
        req: &CreateContactGroupRequest,
    ) -> Result<CreateContactGroupResult, Error> {
        self.execute(req).await
    }

    /// `v4/recentcontact/del_contact_group`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn del_contact_group(
        &self,
        req: &DelContactGroupRequest,
    ) -> Result<DelContactGroupResult, Error> {
        self.execute(req).await
    }

    /// `v4/recentcontact/mark_contact`, see [`Client::mark_contact_with`].
    ///
    /// # Errors
    /// As [`Client::mark_contact_with`].
    pub async fn mark_contact(&self, req: &MarkContactRequest) -> Result<MarkContactResult, Error> {
        self.mark_contact_with(req, &CallOptions::default()).await
    }

    /// `v4/recentcontact/mark_contact` for any number of items.
    ///
    /// Items with a `target` are resolved first: the current marks are read
    /// with `search_contact_group` and only the difference is sent; an item
    /// already at its target is reported as applied (`info` says so) without
    /// being sent. More than 100 items to send are split into chunks of 100,
    /// run sequentially or `opts.chunks.concurrency` at a time; every chunk is
    /// validated before any is sent. Outcomes come back in request order. If
    /// some chunks fail, their items get `ok: false`, the error's code (or -1)
    /// and an `info` saying the change is not confirmed; if every chunk fails
    /// (or the call is aborted) the call fails.
    ///
    /// # Errors
    /// As [`Client::execute`]; reading the current marks can fail too.
    pub async fn mark_contact_with(
        &self,
        req: &MarkContactRequest,
        opts: &CallOptions,
    ) -> Result<MarkContactResult, Error> {
        let endpoint = <MarkContactRequest as Command>::ENDPOINT;
        let no_targets = req.items.iter().all(|i| i.target.is_none());
        if no_targets && req.items.len() <= MAX_MARK_ITEMS {
            return self.execute_with(req, opts).await;
        }
        crate::model::check_account(&req.from_account, "fromAccount")
            .map_err(|e| e.at(endpoint, None))?;
        let mut targets = Vec::new();
        for (i, item) in req.items.iter().enumerate() {
            if let Some(target) = &item.target {
                if !item.set.is_empty() || !item.clear.is_empty() {
                    return Err(Error::invalid(
                        &format!("items[{i}].target"),
                        "give either target or set / clear, not both",
                    )
                    .at(endpoint, None));
                }
                let value = marks_value(target).map_err(|e| {
                    Error::invalid(
                        &format!("items[{i}].target.{}", e.field().unwrap_or("")),
                        e.message(),
                    )
                    .at(endpoint, None)
                })?;
                item.conversation
                    .validate(&format!("items[{i}].conversation"))
                    .map_err(|e| e.at(endpoint, None))?;
                targets.push((i, value));
            } else {
                // Items without a target are checked now too: bad input must
                // fail before the read of the current marks goes out.
                MarkContactRequest {
                    from_account: req.from_account.clone(),
                    items: vec![item.clone()],
                }
                .to_body()
                .map_err(|e| shift_field(e, "items", |_| i, endpoint))?;
            }
        }
        let mut to_send: Vec<(usize, MarkChange)> = Vec::with_capacity(req.items.len());
        let mut unchanged = vec![false; req.items.len()];
        if targets.is_empty() {
            to_send.extend(req.items.iter().cloned().enumerate());
        } else {
            let wanted: Vec<ConversationRef> = targets
                .iter()
                .map(|&(i, _)| req.items[i].conversation.clone())
                .collect();
            let found = self
                .search_contact_group_with(
                    &SearchContactGroupRequest {
                        from_account: req.from_account.clone(),
                        conversations: wanted,
                    },
                    opts,
                )
                .await?;
            // Sorted lists and binary search (no hash table in the wasm);
            // `targets` is in item order already.
            let mut current: Vec<(ConversationRef, u64)> = found
                .items
                .into_iter()
                .map(|d| (d.conversation, d.marks.value))
                .collect();
            current.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            for (i, item) in req.items.iter().enumerate() {
                let mut item = item.clone();
                if let Ok(t) = targets.binary_search_by_key(&i, |&(j, _)| j) {
                    let value = targets[t].1;
                    let now = current
                        .binary_search_by(|(c, _)| c.cmp(&item.conversation))
                        .map_or(0, |k| current[k].1);
                    let (set, clear) = diff_marks(now, value);
                    item.set = set.into_iter().map(MarkName::from_bit).collect();
                    item.clear = clear.into_iter().map(MarkName::from_bit).collect();
                    item.target = None;
                    if item.set.is_empty() && item.clear.is_empty() && item.custom_mark.is_none() {
                        unchanged[i] = true;
                        continue;
                    }
                }
                to_send.push((i, item));
            }
        }
        // Validate every chunk before sending any.
        let ranges = chunk_ranges(to_send.len(), MAX_MARK_ITEMS);
        let mut parts = Vec::with_capacity(ranges.len());
        for range in &ranges {
            let part = MarkContactRequest {
                from_account: req.from_account.clone(),
                items: to_send[range.clone()]
                    .iter()
                    .map(|(_, item)| item.clone())
                    .collect(),
            };
            part.to_body()
                .map_err(|e| shift_field(e, "items", |j| to_send[range.start + j].0, endpoint))?;
            parts.push(part);
        }
        let futs: Vec<_> = parts
            .iter()
            .map(|part| self.execute_with(part, opts))
            .collect();
        let answers = run_bounded(futs, opts.chunks.concurrency).await;
        if !answers.is_empty() && answers.iter().all(Result::is_err)
            || answers
                .iter()
                .any(|a| a.as_ref().is_err_and(|e| e.kind() == ErrorKind::Aborted))
        {
            if let Some(Err(e)) = answers.into_iter().find(Result::is_err) {
                return Err(e);
            }
            return Err(Error::aborted().at(endpoint, None));
        }
        let mut outcomes: Vec<Option<ConversationOutcome>> = vec![None; req.items.len()];
        // Results the server sent beyond the chunk's items: kept, never dropped.
        let mut extras = Vec::new();
        for (range, answer) in ranges.iter().zip(answers) {
            let chunk = &to_send[range.clone()];
            match answer {
                Ok(result) => {
                    let mut results = result.results.into_iter();
                    for (i, _) in chunk {
                        outcomes[*i] = results.next();
                    }
                    extras.extend(results);
                }
                Err(e) => {
                    for (i, item) in chunk {
                        outcomes[*i] = Some(ConversationOutcome {
                            conversation: item.conversation.clone(),
                            ok: false,
                            code: e.code().unwrap_or(-1),
                            info: format!("not confirmed: this chunk failed: {e}"),
                        });
                    }
                }
            }
        }
        let mut results: Vec<ConversationOutcome> = req
            .items
            .iter()
            .zip(outcomes)
            .zip(unchanged)
            .map(|((item, outcome), unchanged)| match outcome {
                _ if unchanged => ConversationOutcome {
                    conversation: item.conversation.clone(),
                    ok: true,
                    code: 0,
                    info: "unchanged: the marks already match the target".into(),
                },
                Some(o) => o,
                None => ConversationOutcome {
                    conversation: item.conversation.clone(),
                    ok: false,
                    code: -1,
                    info: "not confirmed: the server returned no result for this item".into(),
                },
            })
            .collect();
        results.extend(extras);
        Ok(MarkContactResult { results })
    }

    /// `v4/recentcontact/delete`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn delete_contact(&self, req: &DeleteContactRequest) -> Result<(), Error> {
        self.execute(req).await
    }

    /// `v4/sns/group_get`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn sns_group_get(
        &self,
        req: &SnsGroupGetRequest,
    ) -> Result<SnsGroupGetResult, Error> {
        self.execute(req).await
    }

    /// `v4/sns/group_add`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn sns_group_add(
        &self,
        req: &SnsGroupAddRequest,
    ) -> Result<SnsGroupAddResult, Error> {
        self.execute(req).await
    }

    /// `v4/sns/group_delete`.
    ///
    /// # Errors
    /// As [`Client::execute`].
    pub async fn sns_group_delete(
        &self,
        req: &SnsGroupDeleteRequest,
    ) -> Result<SnsGroupDeleteResult, Error> {
        self.execute(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        let ok = |u: &str| check_base_url(u, false);
        assert_eq!(
            ok("https://console.tim.qq.com/").unwrap(),
            "https://console.tim.qq.com"
        );
        assert!(ok("http://127.0.0.1:8080").is_ok());
        assert!(ok("http://localhost:1/proxy").is_ok());
        assert!(ok("http://[::1]:9").is_ok());
        assert_eq!(
            ok("http://example.com").unwrap_err().field(),
            Some("baseUrl")
        );
        assert!(check_base_url("http://example.com", true).is_ok());
        assert!(ok("ftp://x").is_err());
        assert!(ok("https://x?y=1").is_err());
        assert!(ok("https://").is_err());
        assert!(ok("http://127.0.0.1.evil.com").is_err());
        assert!(ok("http://user@127.0.0.1").is_err());
        assert!(ok("console.tim.qq.com").is_err());
    }

    #[test]
    fn config_needs_a_destination_and_app() {
        assert_eq!(
            ClientConfig::new(1, "admin", None, None, None, false)
                .unwrap_err()
                .field(),
            Some("region")
        );
        assert_eq!(
            ClientConfig::new(0, "admin", Some(Region::China), None, None, false)
                .unwrap_err()
                .field(),
            Some("sdkAppId")
        );
        assert_eq!(
            ClientConfig::new(1, "", Some(Region::China), None, None, false)
                .unwrap_err()
                .field(),
            Some("identifier")
        );
        let c = ClientConfig::new(
            1_400_000_000,
            "admin",
            Some(Region::Jakarta),
            None,
            None,
            false,
        )
        .unwrap();
        assert_eq!(c.base_url, "https://adminapiidn.im.qcloud.com");
        assert_eq!(c.timeout_ms, DEFAULT_TIMEOUT_MS);
    }
}
