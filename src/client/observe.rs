//! Hooks around each HTTP attempt: what the host sees of a call (never the
//! UserSig).

use crate::error::Error;
use crate::transport::{MaybeSend, MaybeSync};

/// A request about to be sent (the UserSig is redacted from `url`).
#[derive(Debug, Clone)]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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
/// `Send + Sync` natively (one observer serves every task sharing the client).
pub trait Observer: MaybeSend + MaybeSync {
    /// Before an attempt is sent.
    fn on_request(&self, _event: &RequestEvent<'_>) {}
    /// After an attempt was answered or failed.
    fn on_response(&self, _event: &ResponseEvent<'_>) {}
    /// Before a retry (after its delay was chosen).
    fn on_retry(&self, _event: &RetryEvent<'_>) {}
}
