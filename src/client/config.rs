//! What a client needs to know about the app, checked once: the SDKAppID,
//! the admin identifier, where requests go (a region's host or a base URL,
//! plain `http` only for loopback) and where they go when that host cannot
//! be reached (the failover).

use crate::error::Error;
use crate::region::Region;

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
pub(crate) fn host_of(base_url: &str) -> String {
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
