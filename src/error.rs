//! The one error type, ordered by the phase in which a call failed.
//!
//! | kind | request sent? | retry? |
//! |---|---|---|
//! | [`ErrorKind::InvalidInput`] | never | no: fix the input |
//! | [`ErrorKind::Signing`] | never | only if the signer is flaky |
//! | [`ErrorKind::RateLimit`] | never | yes, once the host's limiter is back |
//! | [`ErrorKind::Transport`] | maybe | reads yes; writes only if not sent |
//! | [`ErrorKind::Timeout`] | maybe (never for a rate limiter's wait) | as transport |
//! | [`ErrorKind::Decode`] | yes, answered | reads only (a cut-off body may read fine next time) |
//! | [`ErrorKind::Api`] | yes, answered | per code, see [`crate::limits::is_retryable_code`] |
//! | [`ErrorKind::Aborted`] | maybe | no: the caller cancelled |
//! | [`ErrorKind::Pagination`] | yes, answered | no: the server's cursor did not advance |
//!
//! Errors of calls made through the retrying client also say how many HTTP
//! attempts were made ([`Error::attempts`]) and how long the client waited
//! between them ([`Error::delays_ms`]).
//!
//! An error never carries the UserSig: errors do not copy the request URL,
//! and texts that come from outside (a host `fetch`'s message, an answer that
//! echoes the URL) are scrubbed of it by the client ([`Error::scrubbed`]).

use std::fmt;

/// Which phase of a call failed. Ordered: earlier phases mean less happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Input rejected before anything was sent; `field` names the culprit.
    InvalidInput,
    /// The host signer failed or returned no UserSig; nothing was sent.
    Signing,
    /// The host's rate limiter (`rateLimit: { acquire }`) failed and the
    /// client was told not to pace locally instead; nothing was sent.
    RateLimit,
    /// Network failure or a non-200 HTTP status; the request may have reached the server.
    Transport,
    /// No answer within the timeout; the request may have reached the server
    /// (unless the wait was for the host's rate limiter: then nothing was
    /// sent, see [`Error::not_sent`]).
    Timeout,
    /// The server answered with a body that is not the documented JSON.
    Decode,
    /// The server answered `ErrorCode != 0`.
    Api,
    /// The caller aborted the call (an `AbortSignal`); the request may have reached the server.
    Aborted,
    /// A paginated listing stopped: the server returned a page that is not
    /// the last one with a cursor that does not move forward.
    Pagination,
}

impl ErrorKind {
    /// The stable lowercase name used in JavaScript (`error.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Signing => "signing",
            ErrorKind::RateLimit => "rate_limit",
            ErrorKind::Transport => "transport",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Decode => "decode",
            ErrorKind::Api => "api",
            ErrorKind::Aborted => "aborted",
            ErrorKind::Pagination => "pagination",
        }
    }
}

/// A failed call: what went wrong, where, and enough context to act on it.
///
/// Inside: what the phase that failed knows (`Detail`, one shape per
/// kind), and what every failed call carries (`Context`: the endpoint,
/// the last request's `random`, the attempts, the host). The accessors
/// below read both; a field a kind does not have reads as `None`.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

/// Flat and short: the kind, the message, what the kind knows, then the
/// call's context (only what is set).
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind());
        d.field("message", &self.0.message);
        match &self.0.detail {
            Detail::InvalidInput { field } | Detail::Pagination { field } => {
                d.field("field", field);
            }
            Detail::Api { code, info, .. } => {
                d.field("code", code).field("info", info);
            }
            Detail::Transport { status, unsent } => {
                if let Some(s) = status {
                    d.field("status", s);
                }
                d.field("not_sent", unsent);
            }
            Detail::Timeout { unsent } => {
                d.field("not_sent", unsent);
            }
            Detail::Decode { path: Some(path) } => {
                d.field("path", path);
            }
            Detail::RateLimit { handle: Some(h) } => {
                d.field("handle", h);
            }
            _ => {}
        }
        let c = &self.0.context;
        if let Some(e) = c.endpoint {
            d.field("endpoint", &e);
        }
        if let Some(r) = c.random {
            d.field("random", &r);
        }
        if c.attempts > 0 {
            d.field("attempts", &c.attempts);
        }
        if !c.delays_ms.is_empty() {
            d.field("delays_ms", &c.delays_ms);
        }
        if let Some(h) = &c.host {
            d.field("host", h);
        }
        d.field("retryable", &c.retryable);
        if let Some(cause) = &c.cause {
            d.field("cause", cause);
        }
        d.finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    message: String,
    detail: Detail,
    context: Context,
}

/// What the failed phase knows, per kind.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Detail {
    InvalidInput {
        field: String,
    },
    Signing,
    RateLimit {
        handle: Option<u32>,
    },
    Transport {
        status: Option<u16>,
        unsent: bool,
    },
    Timeout {
        unsent: bool,
    },
    Decode {
        path: Option<String>,
    },
    Api {
        code: i64,
        info: String,
        display: String,
    },
    Aborted,
    Pagination {
        field: String,
    },
}

/// What every failed call carries, whatever the phase.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Context {
    endpoint: Option<&'static str>,
    random: Option<u32>,
    attempts: u32,
    delays_ms: Vec<u32>,
    retryable: bool,
    host: Option<String>,
    /// What the transport reported (scrubbed of the UserSig), for `source()`.
    cause: Option<crate::transport::TransportError>,
}

impl Error {
    fn new(detail: Detail, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            message: message.into(),
            detail,
            context: Context::default(),
        }))
    }

    /// Invalid input for `field` (a camelCase path such as `items[3].userId`).
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::new(
            Detail::InvalidInput {
                field: field.to_owned(),
            },
            message,
        )
    }

    /// The signer failed.
    pub fn signing(message: impl Into<String>) -> Self {
        Error::new(Detail::Signing, message)
    }

    /// A network failure, or an HTTP status other than 200 (`status`).
    pub fn transport(message: impl Into<String>, status: Option<u16>) -> Self {
        Error::new(
            Detail::Transport {
                status,
                unsent: false,
            },
            message,
        )
    }

    /// The connection could not be opened: the request certainly did not
    /// reach the server (so even a write may be sent again).
    pub fn connect(message: impl Into<String>) -> Self {
        Error::new(
            Detail::Transport {
                status: None,
                unsent: true,
            },
            message,
        )
    }

    /// The host's rate limiter failed (see [`crate::ratelimit::HostLimiter`]);
    /// `handle` is the host's handle for its own error value.
    #[cold]
    pub fn rate_limit(message: &str, handle: Option<u32>) -> Self {
        Error::new(
            Detail::RateLimit { handle },
            format!("the rate limiter failed: {message} (nothing was sent)"),
        )
    }

    /// The host's rate limiter gave no go-ahead within the call's `ms`
    /// timeout: a timeout, but nothing was sent.
    #[cold]
    pub fn limiter_timeout(ms: u32) -> Self {
        Error::new(
            Detail::Timeout { unsent: true },
            format!(
                "the rate limiter did not answer within {ms} ms (the call's timeoutMs); nothing was sent"
            ),
        )
    }

    /// The caller aborted the call.
    pub fn aborted() -> Self {
        Error::new(Detail::Aborted, "aborted by the caller")
    }

    /// A listing's cursor did not advance on a page that is not the last.
    pub fn pagination(field: &str, message: impl Into<String>) -> Self {
        Error::new(
            Detail::Pagination {
                field: field.to_owned(),
            },
            message,
        )
    }

    /// Records how many HTTP attempts the call made and the back-off delays
    /// (milliseconds) the client waited between them.
    pub fn with_attempts(mut self, attempts: u32, delays_ms: Vec<u32>) -> Self {
        self.0.context.attempts = attempts;
        self.0.context.delays_ms = delays_ms;
        self
    }

    /// Says whether the same call, made again later, may succeed under the
    /// client's retry policy (set by the client when the call ends).
    pub(crate) fn with_retryable(mut self, retryable: bool) -> Self {
        self.0.context.retryable = retryable;
        self
    }

    /// Keeps the transport's failure as this error's [`std::error::Error::source`].
    pub(crate) fn with_cause(mut self, cause: crate::transport::TransportError) -> Self {
        self.0.context.cause = Some(cause);
        self
    }

    /// Records the host (`host[:port]`) the call's last request went to.
    pub(crate) fn with_host(mut self, host: Option<String>) -> Self {
        self.0.context.host = host;
        self
    }

    /// No answer within `ms` milliseconds.
    pub fn timeout(ms: u32) -> Self {
        Error::new(
            Detail::Timeout { unsent: false },
            format!("no answer within {ms} ms"),
        )
    }

    /// The body could not be read as the documented JSON; `path` is where.
    pub fn decode(path: &str, message: impl Into<String>) -> Self {
        let path = (!path.is_empty() && path != ".").then(|| path.to_owned());
        Error::new(Detail::Decode { path }, message)
    }

    /// Puts the field or JSON path under `prefix` (`StandardMark` under
    /// `ContactItem[3]` is `ContactItem[3].StandardMark`). Callers format
    /// the prefix only on the error path.
    pub(crate) fn under(mut self, prefix: &str) -> Self {
        let put = |field: &str| {
            if field.is_empty() {
                prefix.to_owned()
            } else {
                format!("{prefix}.{field}")
            }
        };
        match &mut self.0.detail {
            Detail::InvalidInput { field } | Detail::Pagination { field } => *field = put(field),
            Detail::Decode { path } => *path = Some(put(path.as_deref().unwrap_or(""))),
            _ => {}
        }
        self
    }

    /// The server answered `ErrorCode` `code` with `ErrorInfo` `info`.
    pub fn api(code: i64, info: &str, display: &str) -> Self {
        let message = format!(
            "Tencent IM error {code}: {}",
            if info.is_empty() {
                crate::limits::describe_code(code)
            } else {
                info
            }
        );
        Error::new(
            Detail::Api {
                code,
                info: info.to_owned(),
                display: display.to_owned(),
            },
            message,
        )
    }

    /// Attaches the endpoint (`v4/recentcontact/get_list`) and request `random`.
    pub fn at(mut self, endpoint: &'static str, random: Option<u32>) -> Self {
        self.0.context.endpoint = Some(endpoint);
        if random.is_some() {
            self.0.context.random = random;
        }
        self
    }

    /// Replaces `secret` (and whatever `also` holds, e.g. its percent-encoded
    /// form) with `***` in every text of the error: for answers that echo the
    /// request URL back (a proxy's error page, a hostile server).
    pub fn scrubbed(mut self, secrets: &[&str]) -> Self {
        let clean = |text: &mut String| {
            for secret in secrets.iter().filter(|s| !s.is_empty()) {
                if text.contains(secret) {
                    *text = text.replace(secret, "***");
                }
            }
        };
        let inner = &mut *self.0;
        clean(&mut inner.message);
        match &mut inner.detail {
            Detail::InvalidInput { field } | Detail::Pagination { field } => clean(field),
            Detail::Decode { path: Some(path) } => clean(path),
            Detail::Api { info, display, .. } => {
                clean(info);
                clean(display);
            }
            _ => {}
        }
        self
    }

    /// Which phase failed.
    pub fn kind(&self) -> ErrorKind {
        match self.0.detail {
            Detail::InvalidInput { .. } => ErrorKind::InvalidInput,
            Detail::Signing => ErrorKind::Signing,
            Detail::RateLimit { .. } => ErrorKind::RateLimit,
            Detail::Transport { .. } => ErrorKind::Transport,
            Detail::Timeout { .. } => ErrorKind::Timeout,
            Detail::Decode { .. } => ErrorKind::Decode,
            Detail::Api { .. } => ErrorKind::Api,
            Detail::Aborted => ErrorKind::Aborted,
            Detail::Pagination { .. } => ErrorKind::Pagination,
        }
    }
    /// Human-readable description (never contains the UserSig).
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// The input field (invalid input, pagination) or JSON path (decode) at fault.
    pub fn field(&self) -> Option<&str> {
        match &self.0.detail {
            Detail::InvalidInput { field } | Detail::Pagination { field } => Some(field),
            Detail::Decode { path } => path.as_deref(),
            _ => None,
        }
    }
    /// Tencent's `ErrorCode` for API errors.
    pub fn code(&self) -> Option<i64> {
        match &self.0.detail {
            Detail::Api { code, .. } => Some(*code),
            _ => None,
        }
    }
    /// Tencent's `ErrorInfo` for API errors.
    pub fn info(&self) -> Option<&str> {
        match &self.0.detail {
            Detail::Api { info, .. } => Some(info),
            _ => None,
        }
    }
    /// Tencent's `ErrorDisplay` for API errors.
    pub fn display(&self) -> Option<&str> {
        match &self.0.detail {
            Detail::Api { display, .. } => Some(display),
            _ => None,
        }
    }
    /// The HTTP status for transport errors caused by a non-200 answer.
    pub fn status(&self) -> Option<u16> {
        match &self.0.detail {
            Detail::Transport { status, .. } => *status,
            _ => None,
        }
    }
    /// For [`ErrorKind::RateLimit`]: the host's handle for what its limiter
    /// threw ([`crate::ratelimit::LimiterFailure::handle`]).
    pub fn limiter_handle(&self) -> Option<u32> {
        match &self.0.detail {
            Detail::RateLimit { handle } => *handle,
            _ => None,
        }
    }
    /// The endpoint path, e.g. `v4/recentcontact/get_list`.
    pub fn endpoint(&self) -> Option<&'static str> {
        self.0.context.endpoint
    }
    /// The `random` query value of the request, to match server logs.
    pub fn random(&self) -> Option<u32> {
        self.0.context.random
    }

    /// How many HTTP attempts the call made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.0.context.attempts
    }
    /// The back-off delays waited between attempts, in milliseconds.
    pub fn delays_ms(&self) -> &[u32] {
        &self.0.context.delays_ms
    }

    /// True when making the same call again later may succeed under the
    /// client's retry policy: the failure was transient (network, timeout,
    /// throttling, 5xx, ...) and, for a write that is not idempotent, it
    /// certainly took no effect (or the policy retries such writes anyway).
    /// The client had already retried as far as its policy allowed.
    pub fn is_retryable(&self) -> bool {
        self.0.context.retryable
    }

    /// The host (`host[:port]`) the call's last request went to: the
    /// region's backup host after a failover.
    pub fn host(&self) -> Option<&str> {
        self.0.context.host.as_deref()
    }

    /// True when the request certainly did not reach the server: invalid
    /// input, a signing or rate-limiter failure (a limiter timeout too), or
    /// a connection that could not be opened.
    pub fn not_sent(&self) -> bool {
        matches!(
            self.0.detail,
            Detail::InvalidInput { .. }
                | Detail::Signing
                | Detail::RateLimit { .. }
                | Detail::Timeout { unsent: true }
                | Detail::Transport { unsent: true, .. }
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.detail {
            Detail::InvalidInput { field } => write!(f, "invalid `{field}`: {}", self.0.message),
            Detail::Decode { path: Some(path) } => {
                write!(f, "cannot decode response at `{path}`: {}", self.0.message)
            }
            _ => f.write_str(&self.0.message),
        }?;
        if let Some(endpoint) = self.0.context.endpoint {
            write!(f, " ({endpoint})")?;
        }
        Ok(())
    }
}

/// `source()` is the transport's failure for transport and timeout errors
/// (what the HTTP client reported, without the UserSig).
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .context
            .cause
            .as_ref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_reads_flat_and_source_is_the_transports_failure() {
        let e = Error::invalid("items[3].userId", "must not be empty").at("v4/a/b", None);
        assert_eq!(
            format!("{e:?}"),
            "Error { kind: InvalidInput, message: \"must not be empty\", field: \"items[3].userId\", endpoint: \"v4/a/b\", retryable: false }"
        );
        assert!(std::error::Error::source(&e).is_none());
        let cause = crate::transport::TransportError::Connect("refused".into());
        let e = Error::connect("refused").with_cause(cause.clone());
        assert!(format!("{e:?}").contains("not_sent: true"), "{e:?}");
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(source, Some(cause.to_string()));
    }

    #[test]
    fn display_names_the_field() {
        let e = Error::invalid("fromAccount", "must not be empty");
        assert_eq!(e.to_string(), "invalid `fromAccount`: must not be empty");
        assert!(e.not_sent());
    }

    #[test]
    fn api_error_carries_code_and_context() {
        let e = Error::api(51009, "group not exist", "")
            .at("v4/recentcontact/del_contact_group", Some(7));
        assert_eq!(e.code(), Some(51009));
        assert_eq!(e.random(), Some(7));
        assert_eq!(e.kind().as_str(), "api");
        assert!(e.to_string().contains("51009"));
        assert!(e
            .to_string()
            .ends_with("(v4/recentcontact/del_contact_group)"));
        assert!(!e.not_sent());
    }

    #[test]
    fn api_error_without_info_uses_known_description() {
        let e = Error::api(60007, "", "");
        assert!(e.message().contains("frequency"), "{}", e.message());
    }
}
