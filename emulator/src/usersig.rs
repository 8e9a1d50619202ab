//! TLSSigAPIv2 UserSig minting and verification (spec §6).
//!
//! Minting: HMAC-SHA256 over the four `TLS.*:value\n` lines (plus an optional
//! `TLS.userbuf` line) keyed with the SecretKey's UTF-8 bytes, embedded in a
//! JSON document that is zlib-compressed and base64-encoded with the
//! substitutions `+`→`*`, `/`→`-`, `=`→`_`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;

/// The published sample SecretKey used by every official TLSSigAPIv2 test.
pub const SAMPLE_SECRET_KEY: &str =
    "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

/// Why a UserSig was rejected; [`SigError::code`] maps to the server's 70xxx codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigError {
    /// The UserSig is empty (70002).
    Empty,
    /// Not base64 / not zlib / not the expected JSON (70003).
    Malformed(String),
    /// `TLS.sdkappid` differs from the request's `sdkappid` (70014).
    AppIdMismatch,
    /// `TLS.identifier` differs from the request's `identifier` (70013).
    IdentifierMismatch,
    /// `now > TLS.time + TLS.expire` (70001).
    Expired,
    /// The HMAC does not match the configured key (70009).
    SigMismatch,
}

impl SigError {
    /// Server error code for this failure.
    pub fn code(&self) -> i64 {
        match self {
            SigError::Empty => 70002,
            SigError::Malformed(_) => 70003,
            SigError::AppIdMismatch => 70014,
            SigError::IdentifierMismatch => 70013,
            SigError::Expired => 70001,
            SigError::SigMismatch => 70009,
        }
    }

    /// Human readable message (never contains the UserSig itself).
    pub fn message(&self) -> String {
        match self {
            SigError::Empty => "UserSig is empty".into(),
            SigError::Malformed(why) => format!("UserSig check failed: {why}"),
            SigError::AppIdMismatch => "SDKAppID in request does not match the UserSig".into(),
            SigError::IdentifierMismatch => {
                "identifier in request does not match the UserSig".into()
            }
            SigError::Expired => "UserSig expired".into(),
            SigError::SigMismatch => {
                "UserSig verification with the app's key failed (key/SDKAppID mismatch)".into()
            }
        }
    }
}

/// The decoded content of a UserSig.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedSig {
    /// `TLS.ver`
    pub ver: String,
    /// `TLS.identifier`
    pub identifier: String,
    /// `TLS.sdkappid`
    pub sdkappid: u64,
    /// `TLS.time`
    pub time: u64,
    /// `TLS.expire`
    pub expire: u64,
    /// `TLS.userbuf` (standard base64), if present.
    pub userbuf: Option<String>,
    /// `TLS.sig` (standard base64 HMAC).
    pub sig: String,
}

/// Standard-base64 HMAC-SHA256 `TLS.sig` value.
pub fn hmac_sig(
    key: &str,
    identifier: &str,
    sdkappid: u64,
    time: u64,
    expire: u64,
    userbuf_b64: Option<&str>,
) -> String {
    let mut content = format!(
        "TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\nTLS.time:{time}\nTLS.expire:{expire}\n"
    );
    if let Some(ub) = userbuf_b64 {
        content.push_str(&format!("TLS.userbuf:{ub}\n"));
    }
    STANDARD.encode(hmac_bytes(key, content.as_bytes()))
}

fn hmac_bytes(key: &str, msg: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    match Hmac::<Sha256>::new_from_slice(key.as_bytes()) {
        Ok(mut mac) => {
            mac.update(msg);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// Mint a UserSig (no userbuf) valid from `time` for `expire` seconds.
pub fn gen_usersig(key: &str, sdkappid: u64, identifier: &str, time: u64, expire: u64) -> String {
    gen_usersig_with_userbuf(key, sdkappid, identifier, time, expire, None)
}

/// Mint a UserSig, optionally carrying a userbuf.
pub fn gen_usersig_with_userbuf(
    key: &str,
    sdkappid: u64,
    identifier: &str,
    time: u64,
    expire: u64,
    userbuf: Option<&[u8]>,
) -> String {
    let ub = userbuf.map(|b| STANDARD.encode(b));
    let sig = hmac_sig(key, identifier, sdkappid, time, expire, ub.as_deref());
    let mut doc = Map::new();
    doc.insert("TLS.ver".into(), json!("2.0"));
    doc.insert("TLS.identifier".into(), json!(identifier));
    doc.insert("TLS.sdkappid".into(), json!(sdkappid));
    doc.insert("TLS.expire".into(), json!(expire));
    doc.insert("TLS.time".into(), json!(time));
    if let Some(ub) = ub {
        doc.insert("TLS.userbuf".into(), json!(ub));
    }
    doc.insert("TLS.sig".into(), json!(sig));
    let text = Value::Object(doc).to_string();
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(text.as_bytes(), 6);
    STANDARD
        .encode(compressed)
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            c => c,
        })
        .collect()
}

fn num_field(obj: &Map<String, Value>, key: &str) -> Result<u64, SigError> {
    match obj.get(key) {
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or_else(|| SigError::Malformed(format!("{key} is not an unsigned integer"))),
        Some(Value::String(s)) => s
            .parse::<u64>()
            .map_err(|_| SigError::Malformed(format!("{key} is not an unsigned integer"))),
        _ => Err(SigError::Malformed(format!("{key} missing"))),
    }
}

fn str_field(obj: &Map<String, Value>, key: &str) -> Result<String, SigError> {
    match obj.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(SigError::Malformed(format!("{key} missing"))),
    }
}

/// Decode a UserSig without checking it.
pub fn decode(usersig: &str) -> Result<DecodedSig, SigError> {
    if usersig.is_empty() {
        return Err(SigError::Empty);
    }
    let b64: String = usersig
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect();
    let compressed = STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| SigError::Malformed("not base64".into()))?;
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, 64 * 1024)
        .map_err(|_| SigError::Malformed("zlib inflate failed".into()))?;
    let value: Value =
        serde_json::from_slice(&raw).map_err(|_| SigError::Malformed("not JSON".into()))?;
    let obj = value
        .as_object()
        .ok_or_else(|| SigError::Malformed("not a JSON object".into()))?;
    let userbuf = match obj.get("TLS.userbuf") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(SigError::Malformed("TLS.userbuf is not a string".into())),
    };
    Ok(DecodedSig {
        ver: str_field(obj, "TLS.ver").unwrap_or_default(),
        identifier: str_field(obj, "TLS.identifier")?,
        sdkappid: num_field(obj, "TLS.sdkappid")?,
        time: num_field(obj, "TLS.time")?,
        expire: num_field(obj, "TLS.expire")?,
        userbuf,
        sig: str_field(obj, "TLS.sig")?,
    })
}

impl DecodedSig {
    /// True when `now > time + expire` (strict, as in the official libraries).
    pub fn is_expired(&self, now: u64) -> bool {
        now > self.time.saturating_add(self.expire)
    }

    /// Recompute the HMAC with `key` and compare with `TLS.sig` (raw bytes).
    pub fn hmac_matches(&self, key: &str) -> bool {
        let expected = hmac_sig(
            key,
            &self.identifier,
            self.sdkappid,
            self.time,
            self.expire,
            self.userbuf.as_deref(),
        );
        match (STANDARD.decode(&expected), STANDARD.decode(&self.sig)) {
            (Ok(a), Ok(b)) => constant_time_eq(&a, &b),
            _ => false,
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Full verification in the emulator's order: decode (70002/70003), app id
/// (70014), identifier (70013), expiry (70001), HMAC (70009).
pub fn verify(
    usersig: &str,
    key: &str,
    sdkappid: u64,
    identifier: &str,
    now: u64,
) -> Result<DecodedSig, SigError> {
    let dec = decode(usersig)?;
    if dec.sdkappid != sdkappid {
        return Err(SigError::AppIdMismatch);
    }
    if dec.identifier != identifier {
        return Err(SigError::IdentifierMismatch);
    }
    if dec.is_expired(now) {
        return Err(SigError::Expired);
    }
    if !dec.hmac_matches(key) {
        return Err(SigError::SigMismatch);
    }
    Ok(dec)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2_SIG: &str = "1Z5PngDjGaufeSiPoBuxdHY7EK3JTdAjMP93S4KvV3M=";
    const V2_NODE: &str = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMiUZOamAkXNUEVTKwoyi0DipqamRnDR4sx0oMmGUaYBeekuWe6JpWmpwZkB*U6lFSkekeau3sZeISmOWb4BlsbBJt5lYca*tkq1AJ49Mbs_";
    const V2_PY: &str = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRDiJZm5YFEzNPXFmekgGwyjTAPy0l2y3BNL01KDMwPynUorUjwizV29jb1CUhyzfAMsjYNNvMvCjH1tlWoBGhAzGw__";

    #[test]
    fn vector_v2_hmac() {
        let s = hmac_sig(
            SAMPLE_SECRET_KEY,
            "xiaojun",
            1_400_000_000,
            1_600_000_000,
            15_552_000,
            None,
        );
        assert_eq!(s, V2_SIG);
    }

    #[test]
    fn vector_v3_hmac_userbuf() {
        let s = hmac_sig(
            SAMPLE_SECRET_KEY,
            "xiaojun",
            1_400_000_000,
            1_600_000_000,
            15_552_000,
            Some(&STANDARD.encode(b"abc")),
        );
        assert_eq!(s, "9tvdyuu11RSxrIwX0xC05oW7LdPxVnzkzBpcRT/UqfM=");
    }

    #[test]
    fn full_v2_strings_decode_and_verify() {
        for s in [V2_NODE, V2_PY] {
            let d = decode(s).unwrap();
            assert_eq!(d.identifier, "xiaojun");
            assert_eq!(d.sdkappid, 1_400_000_000);
            assert_eq!(d.time, 1_600_000_000);
            assert_eq!(d.expire, 15_552_000);
            assert_eq!(d.sig, V2_SIG);
            assert!(d.hmac_matches(SAMPLE_SECRET_KEY));
            // valid at issue time and at the last second, expired one second later
            let end = 1_600_000_000 + 15_552_000;
            assert!(verify(s, SAMPLE_SECRET_KEY, 1_400_000_000, "xiaojun", end).is_ok());
            assert_eq!(
                verify(s, SAMPLE_SECRET_KEY, 1_400_000_000, "xiaojun", end + 1),
                Err(SigError::Expired)
            );
            // V2 is long expired relative to the real clock
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            assert_eq!(
                verify(s, SAMPLE_SECRET_KEY, 1_400_000_000, "xiaojun", now),
                Err(SigError::Expired)
            );
        }
    }

    #[test]
    fn roundtrip_and_rejections() {
        let s = gen_usersig("k", 1, "3", 1000, 4);
        assert!(verify(&s, "k", 1, "3", 1004).is_ok());
        assert_eq!(verify(&s, "k", 1, "3", 1005), Err(SigError::Expired));
        assert_eq!(verify(&s, "k", 2, "3", 1000), Err(SigError::AppIdMismatch));
        assert_eq!(
            verify(&s, "k", 1, "4", 1000),
            Err(SigError::IdentifierMismatch)
        );
        assert_eq!(
            verify(&s, "other", 1, "3", 1000),
            Err(SigError::SigMismatch)
        );
        assert_eq!(verify("", "k", 1, "3", 1000), Err(SigError::Empty));
        assert_eq!(verify("!!!", "k", 1, "3", 1000).unwrap_err().code(), 70003);
        // base64 of a non-zlib payload
        assert_eq!(
            verify("aGVsbG8_", "k", 1, "3", 1000).unwrap_err().code(),
            70003
        );
        // zlib of non-JSON
        let z = miniz_oxide::deflate::compress_to_vec_zlib(b"hello", 6);
        let bad: String = STANDARD
            .encode(z)
            .replace('+', "*")
            .replace('/', "-")
            .replace('=', "_");
        assert_eq!(verify(&bad, "k", 1, "3", 1000).unwrap_err().code(), 70003);
        // userbuf roundtrip
        let u = gen_usersig_with_userbuf("k", 1, "3", 1000, 4, Some(b"abc"));
        let d = verify(&u, "k", 1, "3", 1000).unwrap();
        assert_eq!(d.userbuf.as_deref(), Some("YWJj"));
    }
}
