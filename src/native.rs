//! Native host parts (feature `reqwest`): [`ReqwestTransport`] (a reqwest
//! client, HTTPS through rustls, a timeout per request), [`TokioClock`]
//! (`SystemTime` and `tokio::time::sleep`), [`OsEntropy`] (the OS's random
//! numbers) and [`KeySigner`] (UserSigs minted from the SecretKey, on your
//! server). Every part is `Send + Sync`, and so are the client and its futures:
//! share one client between the tasks of a multi-threaded tokio runtime.
//!
//! [`client`] puts them together with the npm client's defaults: retries
//! ([`crate::retry::RetryPolicy::default`]), pacing at 200 calls/s per
//! endpoint and the UserSig cache.
//!
//! ```no_run
//! # async fn run() -> Result<(), tim_contacts::Error> {
//! use std::sync::Arc;
//! use tim_contacts::model::SnsGroupGetRequest;
//! use tim_contacts::{ClientConfig, Region};
//!
//! let config = ClientConfig::builder(1_400_000_000, "administrator")
//!     .region(Region::Singapore)
//!     .build()?;
//! let client = Arc::new(tim_contacts::native::client(config, "the SecretKey")?);
//! let mut tasks = Vec::new();
//! for user in ["alice", "bob"] {
//!     let client = Arc::clone(&client);
//!     tasks.push(tokio::spawn(async move {
//!         let req = SnsGroupGetRequest { from_account: user.into(), ..Default::default() };
//!         client.sns_group_get(&req).await
//!     }));
//! }
//! for t in tasks {
//!     let groups = t.await.expect("task")?;
//!     println!("{} friend groups", groups.groups.len());
//! }
//! # Ok(()) }
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::client::{Client, ClientConfig};
use crate::error::Error;
use crate::transport::{
    Clock, Entropy, HttpRequest, HttpResponse, Signer, Transport, TransportError, CONTENT_TYPE,
};

/// The client of [`client`].
pub type NativeClient<S = KeySigner> = Client<ReqwestTransport, S, OsEntropy, TokioClock>;

/// A client with the native parts and the robust defaults (see the module),
/// signing with `secret_key`.
///
/// # Errors
/// [`Error::invalid`] naming `secretKey` when it is empty, or `transport`
/// when the HTTP client cannot be built (no TLS backend).
pub fn client(config: ClientConfig, secret_key: &str) -> Result<NativeClient, Error> {
    let signer = KeySigner::new(secret_key, config.sdk_app_id())?;
    client_with_signer(config, signer)
}

/// As [`client`], with UserSigs from `signer` (an app backend, a vault).
///
/// # Errors
/// [`Error::invalid`] naming `transport` when the HTTP client cannot be built.
pub fn client_with_signer<S: Signer>(
    config: ClientConfig,
    signer: S,
) -> Result<NativeClient<S>, Error> {
    Ok(Client::new(config, ReqwestTransport::new()?, signer, OsEntropy).with_clock(TokioClock))
}

/// A [`Transport`] over a [`reqwest::Client`] (connection pool shared by
/// clones). Each request's `timeout_ms` bounds the whole exchange; a connect
/// failure is told apart (nothing was sent, so even a write may go again).
/// Error messages never quote the URL (it holds the UserSig).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    http: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport with its own connection pool (connect timeout 10 s).
    ///
    /// # Errors
    /// [`Error::invalid`] naming `transport` when the HTTP client cannot be built.
    pub fn new() -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| Error::invalid("transport", e.without_url().to_string()))?;
        Ok(ReqwestTransport { http })
    }

    /// A transport over `http`, an app's own reqwest client (proxies, TLS roots).
    pub fn with_client(http: reqwest::Client) -> Self {
        ReqwestTransport { http }
    }
}

/// The message of a reqwest error and its causes, without the URL.
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut message = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    message
}

impl Transport for ReqwestTransport {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut builder = self
            .http
            .post(&req.url)
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .body(req.body.clone());
        if req.timeout_ms > 0 {
            builder = builder.timeout(Duration::from_millis(u64::from(req.timeout_ms)));
        }
        let classify = |e: reqwest::Error| {
            if e.is_timeout() {
                TransportError::Timeout
            } else if e.is_connect() {
                TransportError::Connect(describe(e))
            } else {
                TransportError::Network(describe(e))
            }
        };
        let resp = builder.send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(classify)?.to_vec();
        Ok(HttpResponse { status, body })
    }
}

/// Wall-clock time from `SystemTime`, sleeps from `tokio::time::sleep` (needs
/// a tokio runtime with the time driver, as `#[tokio::main]` has).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    async fn sleep(&self, ms: u32) {
        tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
    }
}

/// Random numbers from the operating system (`getrandom`).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn random_u32(&self) -> u32 {
        let mut b = [0u8; 4];
        match getrandom::getrandom(&mut b) {
            Ok(()) => u32::from_le_bytes(b),
            // The OS source failing is next to impossible; `random` only has
            // to differ between requests, so fall back to the clock's nanoseconds.
            Err(_) => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos()),
        }
    }
}

/// Mints UserSigs from the app's SecretKey ([`crate::usersig::generate`]),
/// valid for [`crate::usersig::DEFAULT_EXPIRE_S`] (the client's cache asks
/// again shortly before they expire). Its `Debug` hides the key.
#[derive(Clone)]
pub struct KeySigner {
    secret_key: String,
    sdk_app_id: u32,
    expire_s: u32,
}

impl KeySigner {
    /// A signer for the app `sdk_app_id`.
    ///
    /// # Errors
    /// [`Error::invalid`] naming `secretKey` when it is empty.
    pub fn new(secret_key: &str, sdk_app_id: u32) -> Result<Self, Error> {
        if secret_key.is_empty() {
            return Err(Error::invalid("secretKey", "must not be empty"));
        }
        Ok(KeySigner {
            secret_key: secret_key.to_owned(),
            sdk_app_id,
            expire_s: crate::usersig::DEFAULT_EXPIRE_S,
        })
    }

    /// UserSigs valid for `seconds` instead (at least 1).
    pub fn with_expire_s(mut self, seconds: u32) -> Self {
        self.expire_s = seconds.max(1);
        self
    }
}

impl std::fmt::Debug for KeySigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySigner")
            .field("secret_key", &"***")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("expire_s", &self.expire_s)
            .finish()
    }
}

impl Signer for KeySigner {
    async fn sign(&self, identifier: &str) -> Result<String, String> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX));
        Ok(crate::usersig::generate(
            &self.secret_key,
            self.sdk_app_id,
            identifier,
            now,
            self.expire_s,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signer_hides_its_key_and_mints_for_the_app() {
        let s = KeySigner::new("SECRET-KEY", 1_400_000_000).unwrap();
        assert!(!format!("{s:?}").contains("SECRET-KEY"));
        let sig = futures::executor::block_on(s.sign("administrator")).unwrap();
        let info = crate::usersig::decode(&sig).unwrap();
        assert_eq!(info.sdk_app_id, 1_400_000_000);
        assert_eq!(info.identifier, "administrator");
        assert_eq!(
            KeySigner::new("", 1).unwrap_err().field(),
            Some("secretKey")
        );
        assert_ne!(OsEntropy.random_u32(), OsEntropy.random_u32());
    }
}
