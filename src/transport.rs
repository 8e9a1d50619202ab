//! What the core asks of its host: a transport, a signer and a source of
//! randomness.
//!
//! # What is a transport?
//! Something that sends one [`HttpRequest`] (always a POST of a JSON body)
//! and returns the [`HttpResponse`]. The WebAssembly build implements it with
//! `fetch`; native users plug in any HTTP client. The core never does I/O
//! itself, so it is tested with plain data.
//!
//! # Who signs?
//! Every request carries a UserSig for the admin identifier. The SDK never
//! needs the SecretKey: a [`Signer`] (in JavaScript, the `userSig` callback)
//! returns a UserSig, typically minted by the app's backend.
//!
//! # What is a clock?
//! Retries wait, the rate limiter paces calls and the UserSig cache needs to
//! know when a UserSig runs out, so the core asks a [`Clock`] for the time and
//! for a sleep. The WebAssembly build uses `Date.now()` and `setTimeout`;
//! tests use a fake clock that advances when asked to sleep. [`NoClock`]
//! (the time is always 0, sleeps end at once) serves plain clients.
//!
//! # Threads
//! The traits have no `Send` bounds: JavaScript futures are not `Send`, and a
//! host's parts need not be. Natively, a [`crate::Client`] is `Send + Sync`
//! and its futures are `Send` whenever its transport, signer, entropy and
//! clock are (and their futures): the client's own state is behind `Arc`,
//! `Mutex` and atomics, so one client (and one rate limiter) serves every task
//! of a multi-threaded runtime. Hooks the client stores as trait objects
//! ([`crate::Observer`], [`crate::ratelimit::HostLimiter`], a call's `cancel`)
//! are [`MaybeSend`] + [`MaybeSync`]: `Send + Sync` natively, nothing in wasm32.

use std::fmt;
use std::future::Future;

/// `Send` natively; no bound in wasm32 (JavaScript values are not `Send`).
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + ?Sized> MaybeSend for T {}
/// `Send` natively; no bound in wasm32 (JavaScript values are not `Send`).
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}

/// `Sync` natively; no bound in wasm32.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSync: Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Sync + ?Sized> MaybeSync for T {}
/// `Sync` natively; no bound in wasm32.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSync for T {}

/// A mutex that shrugs off poisoning: the state it guards stays consistent
/// between statements (no guard is held across an await or a panic point
/// that could leave it half-written).
#[derive(Debug, Default)]
pub(crate) struct Lock<T>(std::sync::Mutex<T>);

impl<T> Lock<T> {
    pub(crate) fn new(value: T) -> Self {
        Lock(std::sync::Mutex::new(value))
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// `Content-Type` of every request body.
pub const CONTENT_TYPE: &str = "application/json";

/// One outgoing request. `url` carries the UserSig in its query, so this
/// type's `Debug` output redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Full URL including the query string.
    pub url: String,
    /// JSON body.
    pub body: String,
    /// Give up after this many milliseconds (0 = no limit).
    pub timeout_ms: u32,
}

impl HttpRequest {
    /// The HTTP method; the API accepts only POST.
    pub const METHOD: &'static str = "POST";

    /// The URL with the `usersig` value replaced by `***`, safe to log.
    pub fn redacted_url(&self) -> String {
        redact_usersig(&self.url)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("url", &self.redacted_url())
            .field("body", &self.body)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// Replaces the value of every `usersig=` query parameter with `***`.
pub fn redact_usersig(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("usersig") => format!("{k}=***"),
            _ => p.to_owned(),
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}

/// Replaces every occurrence of `secret` in `message` with `***`: for
/// messages that come from outside (a host `fetch` may quote the URL).
pub fn scrub_secret(message: &str, secret: &str) -> String {
    if secret.is_empty() {
        message.to_owned()
    } else {
        message.replace(secret, "***")
    }
}

/// One answer: the status and the raw body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// Body bytes, not yet decoded.
    pub body: Vec<u8>,
}

/// Why a transport could not deliver an answer.
///
/// Its messages must not hold the UserSig (the client scrubs it from them
/// anyway); a transport built on a client library that quotes the URL in its
/// errors drops the URL first (as the `native` module does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The network failed (reset, closed without an answer, CORS, ...); the
    /// request may have reached the server.
    Network(String),
    /// The connection could not be opened (refused, DNS): nothing was sent.
    Connect(String),
    /// No answer within the request's timeout.
    Timeout,
    /// The caller aborted the request.
    Aborted,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Network(m) => write!(f, "network failure: {m}"),
            TransportError::Connect(m) => write!(f, "could not connect: {m}"),
            TransportError::Timeout => f.write_str("no answer within the request's timeout"),
            TransportError::Aborted => f.write_str("aborted by the caller"),
        }
    }
}

impl std::error::Error for TransportError {}

/// Sends requests. Implemented by the host (fetch in WebAssembly).
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends `req` and returns the answer, whatever its status.
    ///
    /// # Errors
    /// A [`TransportError`] when no answer arrived.
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// Produces UserSigs for the admin identifier.
#[allow(async_fn_in_trait)]
pub trait Signer {
    /// Returns a UserSig for `identifier`.
    ///
    /// # Errors
    /// A message (which must not contain the UserSig) when signing failed.
    async fn sign(&self, identifier: &str) -> Result<String, String>;
}

/// Randomness for the `random` query parameter.
pub trait Entropy {
    /// A uniformly random, cryptographically strong `u32`.
    fn random_u32(&self) -> u32;
}

/// Time for the retrying client: wall-clock milliseconds and sleeps.
#[allow(async_fn_in_trait)]
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    /// Resolves after `ms` milliseconds.
    async fn sleep(&self, ms: u32);
    /// False for a clock whose sleeps end at once ([`NoClock`]): the client
    /// then sets no deadline on the signer (it would expire at once).
    fn keeps_time(&self) -> bool {
        true
    }
}

/// A clock for plain clients: the time is always 0 and sleeps end at once.
/// A client with this clock does not cache UserSigs (it cannot tell expiry).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoClock;

impl Clock for NoClock {
    fn now_ms(&self) -> u64 {
        0
    }
    async fn sleep(&self, _ms: u32) {}
    fn keeps_time(&self) -> bool {
        false
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }
    async fn sleep(&self, ms: u32) {
        (**self).sleep(ms).await
    }
    fn keeps_time(&self) -> bool {
        (**self).keeps_time()
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }
    async fn sleep(&self, ms: u32) {
        (**self).sleep(ms).await
    }
    fn keeps_time(&self) -> bool {
        (**self).keeps_time()
    }
}

impl<C: Clock + ?Sized> Clock for std::rc::Rc<C> {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }
    async fn sleep(&self, ms: u32) {
        (**self).sleep(ms).await
    }
    fn keeps_time(&self) -> bool {
        (**self).keeps_time()
    }
}

impl<E: Entropy + ?Sized> Entropy for &E {
    fn random_u32(&self) -> u32 {
        (**self).random_u32()
    }
}

impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(req).await
    }
}

impl<S: Signer + ?Sized> Signer for std::sync::Arc<S> {
    async fn sign(&self, identifier: &str) -> Result<String, String> {
        (**self).sign(identifier).await
    }
}

impl<T: Transport + ?Sized> Transport for &T {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(req).await
    }
}

impl<S: Signer + ?Sized> Signer for &S {
    async fn sign(&self, identifier: &str) -> Result<String, String> {
        (**self).sign(identifier).await
    }
}

/// A signer that always returns the same UserSig (for scripts and tests).
#[derive(Clone)]
pub struct StaticSigner(pub String);

impl fmt::Debug for StaticSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticSigner(***)")
    }
}

impl Signer for StaticSigner {
    async fn sign(&self, _identifier: &str) -> Result<String, String> {
        Ok(self.0.clone())
    }
}

/// Wraps a closure as a signer.
pub struct FnSigner<F>(pub F);

impl<F, Fut> Signer for FnSigner<F>
where
    F: Fn(&str) -> Fut,
    Fut: Future<Output = Result<String, String>>,
{
    async fn sign(&self, identifier: &str) -> Result<String, String> {
        (self.0)(identifier).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_usersig() {
        let req = HttpRequest {
            url: "https://h/v4/a/b?sdkappid=1&identifier=admin&usersig=SECRET*SIG&random=5&contenttype=json".into(),
            body: "{}".into(),
            timeout_ms: 0,
        };
        let dbg = format!("{req:?}");
        assert!(!dbg.contains("SECRET"), "{dbg}");
        assert!(dbg.contains("usersig=***"));
        assert!(dbg.contains("random=5"));
        assert_eq!(redact_usersig("https://h/x"), "https://h/x");
        assert!(!format!("{:?}", StaticSigner("SECRET".into())).contains("SECRET"));
        assert_eq!(
            scrub_secret("GET https://h/?usersig=S*1&x failed", "S*1"),
            "GET https://h/?usersig=***&x failed"
        );
    }
}
