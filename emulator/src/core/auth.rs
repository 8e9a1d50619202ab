//! The gate in front of the commands, in the order the real service checks:
//! the route and query ([`route`]: method, `sdkappid`, command, `random`,
//! `contenttype`), then (after the rate limit, like a gateway) the caller
//! ([`App::admit`]: `identifier`, UserSig, app, admin).

use crate::commands::{ApiError, Command};
use crate::usersig::{self, SigError};

/// The query parameters, percent-decoded (the first occurrence of a name wins).
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub(crate) fn parse(q: &str) -> Query {
        Query(
            q.split('&')
                .filter(|s| !s.is_empty())
                .map(|kv| match kv.split_once('=') {
                    Some((k, v)) => (percent_decode(k), percent_decode(v)),
                    None => (percent_decode(kv), String::new()),
                })
                .collect(),
        )
    }

    pub(crate) fn get(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }
}

/// Percent-decoding (`+` is kept as is: UserSigs never contain it).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks that need no state: returns the command and the query's SDKAppID.
pub(crate) fn route(method: &str, path: &str, q: &Query) -> Result<(Command, u64), ApiError> {
    if method != "POST" {
        return Err(ApiError::new(60002, "only POST is supported"));
    }
    let appid = q
        .get("sdkappid")
        .ok_or_else(|| ApiError::new(60012, "sdkappid missing"))?;
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let cmd = match segs.as_slice() {
        ["v4", service, command] => Command::parse(service, command),
        _ => None,
    }
    .ok_or_else(|| ApiError::new(60009, "bad request resource (unknown command)"))?;
    let appid: u64 = appid
        .parse()
        .map_err(|_| ApiError::new(60006, "invalid sdkappid"))?;
    if !matches!(q.get("random").map(str::parse::<u32>), Some(Ok(_))) {
        return Err(ApiError::new(
            60002,
            "random must be an unsigned 32-bit integer",
        ));
    }
    if q.get("contenttype") != Some("json") {
        return Err(ApiError::new(60002, "contenttype must be json"));
    }
    Ok((cmd, appid))
}

/// The emulated app: who may call it, and the key their UserSigs are signed with.
#[derive(Debug, Clone)]
pub(crate) struct App {
    pub(crate) sdk_app_id: u64,
    pub(crate) secret_key: String,
    pub(crate) admins: Vec<String>,
}

fn sig_error(e: &SigError) -> ApiError {
    ApiError::new(e.code(), e.message())
}

impl App {
    /// The caller checks: `identifier`, its UserSig at `now` (Unix seconds),
    /// the app, and that the identifier is an admin.
    pub(crate) fn admit(&self, q: &Query, appid: u64, now: u64) -> Result<(), ApiError> {
        let identifier = match q.get("identifier") {
            Some(s) if !s.is_empty() => s,
            _ => return Err(ApiError::new(60004, "identifier missing")),
        };
        let dec = usersig::decode(q.get("usersig").unwrap_or("")).map_err(|e| sig_error(&e))?;
        if dec.sdkappid != appid {
            return Err(sig_error(&SigError::AppIdMismatch));
        }
        if appid != self.sdk_app_id {
            return Err(ApiError::new(60006, "SDKAppID invalid"));
        }
        if dec.identifier != identifier {
            return Err(sig_error(&SigError::IdentifierMismatch));
        }
        if dec.is_expired(now) {
            return Err(sig_error(&SigError::Expired));
        }
        if !dec.hmac_matches(&self.secret_key) {
            return Err(sig_error(&SigError::SigMismatch));
        }
        if !self.admins.iter().any(|a| a == identifier) {
            return Err(ApiError::new(60010, "identifier must be an app admin"));
        }
        Ok(())
    }
}
