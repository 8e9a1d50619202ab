//! TLSSigAPIv2 UserSigs: generate, decode (no key needed) and verify.
//!
//! # What is a UserSig?
//! A signed, compressed JSON ticket that says "this identifier of this app may
//! call until `time + expire`". Format (spec §6):
//! `base64(zlib(JSON))` with `+ / =` replaced by `* - _`, where the JSON holds
//! `TLS.ver`, `TLS.identifier`, `TLS.sdkappid`, `TLS.time`, `TLS.expire` and
//! `TLS.sig` = base64(HMAC-SHA256(SecretKey, content)).
//!
//! Decoding needs no key: clients read the expiry to cache a UserSig until
//! shortly before it runs out. Generating needs the SecretKey, which belongs on
//! a server, never in a browser bundle.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::codec::{base64, inflate, zlib};

/// Default validity of a generated UserSig: one day (the server's docs
/// recommend at least 24 h; the official libraries default to 180 days).
pub const DEFAULT_EXPIRE_S: u32 = 86_400;

/// Largest inflated ticket accepted when decoding (a real one is ~200 bytes).
const MAX_INFLATED: usize = 16 * 1024;
/// Largest UserSig string accepted when decoding.
const MAX_USERSIG_LEN: usize = 8 * 1024;

/// The decoded content of a UserSig.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct UserSigInfo {
    /// The identifier the UserSig was issued for.
    pub identifier: String,
    /// The app it was issued for.
    pub sdk_app_id: u32,
    /// Issue time, Unix seconds.
    pub time: u32,
    /// Validity in seconds (a duration).
    pub expire: u32,
    /// Expiry, Unix seconds (`time + expire`); valid while `now <= expiresAt`.
    pub expires_at: u32,
}

/// Why a UserSig was rejected. Each maps to the server's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSigError {
    /// Empty string (server: 70002).
    Empty,
    /// Not base64 / zlib / the documented JSON (server: 70003).
    Undecodable,
    /// Issued for another SDKAppID (server: 70014).
    AppIdMismatch,
    /// Issued for another identifier (server: 70013).
    IdentifierMismatch,
    /// Past `time + expire` (server: 70001).
    Expired,
    /// The HMAC does not match this key (server: 70009).
    SignatureMismatch,
}

impl UserSigError {
    /// The server `ErrorCode` for this failure.
    pub fn code(self) -> i64 {
        match self {
            UserSigError::Empty => 70002,
            UserSigError::Undecodable => 70003,
            UserSigError::AppIdMismatch => 70014,
            UserSigError::IdentifierMismatch => 70013,
            UserSigError::Expired => 70001,
            UserSigError::SignatureMismatch => 70009,
        }
    }
}

impl std::fmt::Display for UserSigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UserSigError::Empty => "the UserSig is empty",
            UserSigError::Undecodable => "the UserSig is not a TLSSigAPIv2 ticket",
            UserSigError::AppIdMismatch => "the UserSig was issued for another SDKAppID",
            UserSigError::IdentifierMismatch => "the UserSig was issued for another identifier",
            UserSigError::Expired => "the UserSig has expired",
            UserSigError::SignatureMismatch => "the UserSig was not signed with this key",
        })
    }
}

impl std::error::Error for UserSigError {}

/// The ticket JSON, keys exactly as the official libraries write them.
#[derive(Serialize, Deserialize)]
struct Ticket {
    #[serde(rename = "TLS.ver")]
    ver: String,
    #[serde(rename = "TLS.identifier")]
    identifier: String,
    #[serde(rename = "TLS.sdkappid")]
    sdkappid: u32,
    #[serde(rename = "TLS.time")]
    time: u32,
    #[serde(rename = "TLS.expire")]
    expire: u32,
    #[serde(
        rename = "TLS.userbuf",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    userbuf: Option<String>,
    #[serde(rename = "TLS.sig")]
    sig: String,
}

/// The `TLS.sig` value: standard base64 of HMAC-SHA256 over the content lines.
///
/// `userbuf` is the optional raw user buffer (not used by IM REST).
pub(crate) fn hmac_sig(
    secret_key: &str,
    sdk_app_id: u32,
    identifier: &str,
    time: u32,
    expire: u32,
    userbuf: Option<&[u8]>,
) -> String {
    let mut content = format!(
        "TLS.identifier:{identifier}\nTLS.sdkappid:{sdk_app_id}\nTLS.time:{time}\nTLS.expire:{expire}\n"
    );
    if let Some(buf) = userbuf {
        content.push_str("TLS.userbuf:");
        content.push_str(&base64::encode(buf, base64::STANDARD));
        content.push('\n');
    }
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()) else {
        unreachable!("HMAC accepts keys of any length")
    };
    mac.update(content.as_bytes());
    base64::encode(&mac.finalize().into_bytes(), base64::STANDARD)
}

/// Generates a UserSig valid from `now` for `expire` seconds.
///
/// Keep this on a server: whoever holds the SecretKey can act as any user.
pub fn generate(
    secret_key: &str,
    sdk_app_id: u32,
    identifier: &str,
    now: u32,
    expire: u32,
) -> String {
    let ticket = Ticket {
        ver: "2.0".into(),
        identifier: identifier.into(),
        sdkappid: sdk_app_id,
        time: now,
        expire,
        userbuf: None,
        sig: hmac_sig(secret_key, sdk_app_id, identifier, now, expire, None),
    };
    // Serializing a struct of strings and integers to JSON cannot fail.
    let json = serde_json::to_vec(&ticket).unwrap_or_default();
    base64::encode(&zlib::stored(&json), base64::USERSIG)
}

fn decode_ticket(usersig: &str) -> Result<Ticket, UserSigError> {
    if usersig.is_empty() {
        return Err(UserSigError::Empty);
    }
    if usersig.len() > MAX_USERSIG_LEN {
        return Err(UserSigError::Undecodable);
    }
    let compressed = base64::decode(usersig.as_bytes()).ok_or(UserSigError::Undecodable)?;
    let json =
        inflate::inflate_zlib(&compressed, MAX_INFLATED).map_err(|_| UserSigError::Undecodable)?;
    crate::codec::json::from_slice(&json).map_err(|_| UserSigError::Undecodable)
}

impl Ticket {
    fn info(&self) -> UserSigInfo {
        UserSigInfo {
            identifier: self.identifier.clone(),
            sdk_app_id: self.sdkappid,
            time: self.time,
            expire: self.expire,
            expires_at: self.time.saturating_add(self.expire),
        }
    }
}

/// Reads a UserSig without checking its signature (no key needed).
///
/// # Errors
/// [`UserSigError::Empty`] or [`UserSigError::Undecodable`].
pub fn decode(usersig: &str) -> Result<UserSigInfo, UserSigError> {
    decode_ticket(usersig).map(|t| t.info())
}

/// Verifies a UserSig the way the server does (spec §6.2).
///
/// # Errors
/// The first failed check, in the server's order.
pub fn verify(
    usersig: &str,
    secret_key: &str,
    sdk_app_id: u32,
    identifier: &str,
    now: u32,
) -> Result<UserSigInfo, UserSigError> {
    let t = decode_ticket(usersig)?;
    if t.sdkappid != sdk_app_id {
        return Err(UserSigError::AppIdMismatch);
    }
    if t.identifier != identifier {
        return Err(UserSigError::IdentifierMismatch);
    }
    let info = t.info();
    if now > info.expires_at {
        return Err(UserSigError::Expired);
    }
    let userbuf = match &t.userbuf {
        Some(b) => Some(base64::decode(b.as_bytes()).ok_or(UserSigError::Undecodable)?),
        None => None,
    };
    let expected = hmac_sig(
        secret_key,
        t.sdkappid,
        &t.identifier,
        t.time,
        t.expire,
        userbuf.as_deref(),
    );
    if expected != t.sig {
        return Err(UserSigError::SignatureMismatch);
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    const V2_FULL: &str = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMiUZOamAkXNUEVTKwoyi0DipqamRnDR4sx0oMmGUaYBeekuWe6JpWmpwZkB*U6lFSkekeau3sZeISmOWb4BlsbBJt5lYca*tkq1AJ49Mbs_";
    const V2_PY: &str = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRDiJZm5YFEzNPXFmekgGwyjTAPy0l2y3BNL01KDMwPynUorUjwizV29jb1CUhyzfAMsjYNNvMvCjH1tlWoBGhAzGw__";

    #[test]
    fn hmac_vectors() {
        assert_eq!(
            hmac_sig(
                KEY,
                1_400_000_000,
                "xiaojun",
                1_600_000_000,
                15_552_000,
                None
            ),
            "1Z5PngDjGaufeSiPoBuxdHY7EK3JTdAjMP93S4KvV3M="
        );
        assert_eq!(
            hmac_sig(
                KEY,
                1_400_000_000,
                "xiaojun",
                1_600_000_000,
                15_552_000,
                Some(b"abc")
            ),
            "9tvdyuu11RSxrIwX0xC05oW7LdPxVnzkzBpcRT/UqfM="
        );
    }

    #[test]
    fn spec_usersigs_verify() {
        for sig in [V2_FULL, V2_PY] {
            let info = verify(sig, KEY, 1_400_000_000, "xiaojun", 1_600_000_000).unwrap();
            assert_eq!(info.expires_at, 1_615_552_000);
            assert_eq!(info.identifier, "xiaojun");
        }
        assert!(V2_FULL.contains('*'));
    }

    #[test]
    fn rejections_in_server_order() {
        let t0 = 1_600_000_000;
        assert_eq!(
            verify("", KEY, 1_400_000_000, "xiaojun", t0),
            Err(UserSigError::Empty)
        );
        assert_eq!(
            verify("abc!", KEY, 1_400_000_000, "xiaojun", t0),
            Err(UserSigError::Undecodable)
        );
        assert_eq!(
            verify(&V2_FULL[..40], KEY, 1_400_000_000, "xiaojun", t0),
            Err(UserSigError::Undecodable)
        );
        assert_eq!(
            verify(V2_FULL, KEY, 1_400_000_001, "xiaojun", t0),
            Err(UserSigError::AppIdMismatch)
        );
        assert_eq!(
            verify(V2_FULL, KEY, 1_400_000_000, "other", t0),
            Err(UserSigError::IdentifierMismatch)
        );
        assert_eq!(
            verify(V2_FULL, KEY, 1_400_000_000, "xiaojun", 1_615_552_001),
            Err(UserSigError::Expired)
        );
        assert!(verify(V2_FULL, KEY, 1_400_000_000, "xiaojun", 1_615_552_000).is_ok());
        assert_eq!(
            verify(V2_FULL, "wrong", 1_400_000_000, "xiaojun", t0),
            Err(UserSigError::SignatureMismatch)
        );
        assert_eq!(UserSigError::Expired.code(), 70001);
    }

    #[test]
    fn generate_round_trips() {
        let sig = generate("2", 1, "3", 1_000, 4);
        let info = decode(&sig).unwrap();
        assert_eq!(
            (info.sdk_app_id, info.identifier.as_str(), info.expires_at),
            (1, "3", 1_004)
        );
        assert!(verify(&sig, "2", 1, "3", 1_004).is_ok());
        assert_eq!(verify(&sig, "2", 1, "3", 1_005), Err(UserSigError::Expired));
        assert!(sig
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "*-_".contains(c)));
    }
}
