//! What a client needs to know about the app, checked once: the SDKAppID,
//! the admin identifier, where requests go (a region's host or a base URL,
//! plain `http` only for loopback) and where they go when that host cannot
//! be reached (the failover).

use crate::error::Error;
use crate::region::Region;

/// Default per-request timeout. The service's own timeout is 3 s, so a
/// client should wait longer than that (spec §1.3).
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// What a client needs to know about the app, checked: build one with
/// [`ClientConfig::builder`].
///
/// ```
/// use tim_contacts::{ClientConfig, Region};
///
/// let config = ClientConfig::builder(1_400_000_000, "administrator")
///     .region(Region::Singapore)
///     .timeout_ms(5_000)
///     .build()?;
/// assert_eq!(config.base_url(), "https://adminapisgp.im.qcloud.com");
/// assert!(config.backup_url().is_some()); // the region's backup host
///
/// let local = ClientConfig::builder(1_400_000_000, "administrator")
///     .base_url("http://127.0.0.1:8080") // plain http only for loopback
///     .build()?;
/// assert_eq!(local.backup_url(), None);
/// # Ok::<(), tim_contacts::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    pub(super) sdk_app_id: u32,
    pub(super) identifier: String,
    pub(super) base_url: String,
    pub(super) timeout_ms: u32,
    pub(super) backup_url: Option<String>,
    pub(super) failover_cool_down_ms: u32,
}

/// Default time on the backup host before the primary is tried again.
pub const DEFAULT_FAILOVER_COOL_DOWN_MS: u32 = 60_000;

impl ClientConfig {
    /// Starts a configuration for the app `sdk_app_id` calling as the admin
    /// account `identifier`; give it a [`ConfigBuilder::region`] or a
    /// [`ConfigBuilder::base_url`], then [`ConfigBuilder::build`].
    pub fn builder(sdk_app_id: u32, identifier: impl Into<String>) -> ConfigBuilder {
        ConfigBuilder {
            sdk_app_id,
            identifier: identifier.into(),
            region: None,
            base_url: None,
            timeout_ms: None,
            allow_insecure_http: false,
            failover: None,
            cool_down_ms: None,
        }
    }

    /// The app's SDKAppID.
    pub fn sdk_app_id(&self) -> u32 {
        self.sdk_app_id
    }

    /// The admin account calls are made as.
    pub fn identifier(&self) -> &str {
        &self.identifier
    }

    /// `https://host` of the region, or a proxy / emulator URL (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Per-request timeout in milliseconds (0 = none).
    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms
    }

    /// Where requests go while `base_url` cannot be reached (a DNS or connect
    /// failure); `None` = no failover.
    pub fn backup_url(&self) -> Option<&str> {
        self.backup_url.as_deref()
    }

    /// After a failover, how long the backup is used before the primary is
    /// tried again, in milliseconds.
    pub fn failover_cool_down_ms(&self) -> u32 {
        self.failover_cool_down_ms
    }
}

/// Builds a checked [`ClientConfig`] (see there).
#[derive(Debug, Clone)]
#[must_use]
pub struct ConfigBuilder {
    sdk_app_id: u32,
    identifier: String,
    region: Option<Region>,
    base_url: Option<String>,
    timeout_ms: Option<u32>,
    allow_insecure_http: bool,
    /// `None` = the default (the region's backup host), `Some(None)` = off.
    failover: Option<Option<String>>,
    cool_down_ms: Option<u32>,
}

impl ConfigBuilder {
    /// Sends requests to this region's host (and, while it cannot be
    /// reached, to its backup host: spec §1.2).
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Sends requests to `url` (a proxy or the emulator); wins over
    /// [`ConfigBuilder::region`]. Plain `http://` only for loopback hosts
    /// unless [`ConfigBuilder::allow_insecure_http`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Per-request timeout in milliseconds (0 = none; default
    /// [`DEFAULT_TIMEOUT_MS`]).
    pub fn timeout_ms(mut self, ms: u32) -> Self {
        self.timeout_ms = Some(ms);
        self
    }

    /// Accepts plain `http://` to non-loopback hosts (the UserSig then
    /// travels in clear).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Sends requests to `url` while the primary cannot be reached (checked
    /// like the base URL).
    pub fn backup_url(mut self, url: impl Into<String>) -> Self {
        self.failover = Some(Some(url.into()));
        self
    }

    /// No failover, not even to the region's backup host.
    pub fn no_failover(mut self) -> Self {
        self.failover = Some(None);
        self
    }

    /// After a failover, how long the backup is used before the primary is
    /// tried again (default [`DEFAULT_FAILOVER_COOL_DOWN_MS`]).
    pub fn failover_cool_down_ms(mut self, ms: u32) -> Self {
        self.cool_down_ms = Some(ms);
        self
    }

    /// Checks and builds the configuration.
    ///
    /// # Errors
    /// [`Error::invalid`] naming `sdkAppId`, `identifier`, `baseUrl`,
    /// `region` or `failover.backupUrl`.
    pub fn build(self) -> Result<ClientConfig, Error> {
        if self.sdk_app_id == 0 {
            return Err(Error::invalid(
                "sdkAppId",
                "must be the app's SDKAppID (1..=4294967295)",
            ));
        }
        crate::model::check_account(&self.identifier, "identifier")?;
        let insecure = self.allow_insecure_http;
        let (base_url, region_backup) = match (self.base_url.as_deref(), self.region) {
            (Some(url), _) => (check_base_url(url, insecure)?, None),
            (None, Some(region)) => (
                region.base_url(),
                region.backup_host().map(|h| format!("https://{h}")),
            ),
            (None, None) => return Err(Error::invalid("region", "give a region or a baseUrl")),
        };
        let backup_url = match self.failover {
            None => region_backup,
            Some(None) => None,
            Some(Some(url)) => Some(
                check_base_url(&url, insecure)
                    .map_err(|e| Error::invalid("failover.backupUrl", e.message()))?,
            ),
        };
        Ok(ClientConfig {
            sdk_app_id: self.sdk_app_id,
            identifier: self.identifier,
            base_url,
            timeout_ms: self.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            backup_url,
            failover_cool_down_ms: self.cool_down_ms.unwrap_or(DEFAULT_FAILOVER_COOL_DOWN_MS),
        })
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
        let b = |id: u32, who: &str| ClientConfig::builder(id, who);
        assert_eq!(b(1, "admin").build().unwrap_err().field(), Some("region"));
        assert_eq!(
            b(0, "admin")
                .region(Region::China)
                .build()
                .unwrap_err()
                .field(),
            Some("sdkAppId")
        );
        assert_eq!(
            b(1, "").region(Region::China).build().unwrap_err().field(),
            Some("identifier")
        );
        let c = b(1_400_000_000, "admin")
            .region(Region::Jakarta)
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "https://adminapiidn.im.qcloud.com");
        assert_eq!(c.timeout_ms(), DEFAULT_TIMEOUT_MS);
        let off = b(1, "admin")
            .region(Region::Singapore)
            .no_failover()
            .build();
        assert_eq!(off.unwrap().backup_url(), None);
        let bad = b(1, "admin")
            .region(Region::Singapore)
            .backup_url("http://example.com")
            .build();
        assert_eq!(bad.unwrap_err().field(), Some("failover.backupUrl"));
    }
}
