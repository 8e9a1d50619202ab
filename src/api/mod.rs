//! Commands: how each request is built and each answer parsed.
//!
//! Every command is a public request type (see [`crate::model`]) that
//! implements [`Command`]: it validates itself and writes the documented
//! PascalCase body, and it parses the documented answer into the public
//! result type. The wire structs stay private to this module tree, so the
//! quirks of the wire (`ToGroupid` vs `ToGroupId` vs `GroupId`, `Type` 1/2,
//! `StandardMark` strings) are handled once, here.
//!
//! [`Command::to_body`] and [`parse_response`] are the sans-IO halves of a
//! call; [`crate::client::Client`] runs them around a transport.

mod recentcontact;
mod registry;
mod sns;

pub(crate) use registry::for_each_command;
pub use registry::{CommandInfo, COMMANDS};

use serde::de::DeserializeOwned;
use serde::{de, Deserialize, Deserializer, Serialize};

use crate::error::Error;
use crate::model::{ContactData, ContactGroup, ConversationRef};
use crate::transport::HttpResponse;

/// One REST command: its endpoint, how to write its body, how to read its answer.
pub trait Command: crate::transport::MaybeSync {
    /// The endpoint path, e.g. `v4/recentcontact/get_list`.
    const ENDPOINT: &'static str;
    /// True when sending the same request twice has the same effect as once.
    const IDEMPOTENT: bool;
    /// The public result type.
    type Output: std::fmt::Debug + crate::transport::MaybeSend;

    /// Validates the request and writes the documented JSON body.
    ///
    /// # Errors
    /// [`Error::invalid`] naming the first bad field; nothing is sent then.
    fn to_body(&self) -> Result<String, Error>;

    /// Reads the answer of an HTTP 200, envelope included: an answer with
    /// `ErrorCode != 0` must be the API error. [`decode_answer`] reads the
    /// envelope and the body in one pass (every command of this crate uses
    /// it); [`check_envelope`] checks the envelope alone.
    /// `self` is the request that was sent, to pair batch results with items.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Api`] for an error answer;
    /// [`crate::ErrorKind::Decode`] with the JSON path of the first problem.
    fn parse_body(&self, body: &[u8]) -> Result<Self::Output, Error>;
}

/// The per-call values that go into the query string.
#[derive(Clone, Copy)]
pub(crate) struct RequestParams<'a> {
    /// `https://host` or a proxy / emulator base URL, without a trailing slash.
    pub base_url: &'a str,
    /// The app's SDKAppID.
    pub sdk_app_id: u32,
    /// The admin identifier.
    pub identifier: &'a str,
    /// The UserSig for `identifier`.
    pub usersig: &'a str,
    /// The request's `random` value.
    pub random: u32,
}

impl std::fmt::Debug for RequestParams<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestParams")
            .field("base_url", &self.base_url)
            .field("sdk_app_id", &self.sdk_app_id)
            .field("identifier", &self.identifier)
            .field("usersig", &"***")
            .field("random", &self.random)
            .finish()
    }
}

/// `{base}/{endpoint}?sdkappid=..&identifier=..&usersig=..&random=..&contenttype=json`.
pub(crate) fn build_url(endpoint: &str, p: &RequestParams<'_>) -> String {
    let mut url = String::with_capacity(p.base_url.len() + endpoint.len() + p.usersig.len() + 96);
    url.push_str(p.base_url.trim_end_matches('/'));
    url.push('/');
    url.push_str(endpoint);
    url.push_str("?sdkappid=");
    url.push_str(&p.sdk_app_id.to_string());
    url.push_str("&identifier=");
    percent_encode_into(&mut url, p.identifier);
    url.push_str("&usersig=");
    percent_encode_into(&mut url, p.usersig);
    url.push_str("&random=");
    url.push_str(&p.random.to_string());
    url.push_str("&contenttype=json");
    url
}

/// `value` as it appears in a query string built here.
pub(crate) fn percent_encoded(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    percent_encode_into(&mut out, value);
    out
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `*`
/// (part of the UserSig alphabet, legal in a query and kept verbatim as the
/// official SDKs send it).
fn percent_encode_into(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let safe = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'*');
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Runs of safe bytes are copied whole (a UserSig is one run); they
        // are ASCII, so a run is always valid UTF-8.
        let start = i;
        while bytes.get(i).is_some_and(|&b| safe(b)) {
            i += 1;
        }
        out.push_str(std::str::from_utf8(&bytes[start..i]).unwrap_or_default());
        if let Some(&b) = bytes.get(i) {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
            i += 1;
        }
    }
}

/// Reads an answer: the status, then the command's envelope and body
/// ([`Command::parse_body`]).
///
/// # Errors
/// Transport error for a non-200 status, API error for `ErrorCode != 0`,
/// decode error for anything that is not the documented JSON.
pub fn parse_response<C: Command>(cmd: &C, resp: &HttpResponse) -> Result<C::Output, Error> {
    if resp.status != 200 {
        return Err(Error::transport(
            format!("HTTP status {}", resp.status),
            Some(resp.status),
        ));
    }
    cmd.parse_body(&resp.body)
}

/// The four envelope fields of every answer.
const ENVELOPE_KEYS: &[&str] = &["ActionStatus", "ErrorCode", "ErrorInfo", "ErrorDisplay"];

struct Envelope {
    action_status: Option<String>,
    error_code: Option<i64>,
    error_info: Option<String>,
    error_display: Option<String>,
}

impl Envelope {
    /// The envelope from the JSON text of its fields (in [`ENVELOPE_KEYS`]
    /// order); the free-text ones are lenient ([`lenient_text`]).
    #[inline(never)]
    fn read(texts: &[Option<&str>]) -> Result<Self, Error> {
        let text = |i: usize| texts.get(i).copied().flatten();
        let error_code = match text(1) {
            None => None,
            Some(t) => {
                decode_path::<Option<i64>>(t.as_bytes()).map_err(|e| e.under("ErrorCode"))?
            }
        };
        Ok(Envelope {
            action_status: lenient_text(text(0)),
            error_code,
            error_info: lenient_text(text(2)),
            error_display: lenient_text(text(3)),
        })
    }

    /// The one place where "HTTP 200 with `ErrorCode != 0`" becomes an API error.
    fn check(self) -> Result<(), Error> {
        let info = self.error_info.unwrap_or_default();
        let display = self.error_display.unwrap_or_default();
        match (self.error_code, self.action_status.as_deref()) {
            (None, None) => Err(Error::decode(
                "",
                "not a Tencent IM response: neither ErrorCode nor ActionStatus",
            )),
            (Some(code), _) if code != 0 => Err(Error::api(code, &info, &display)),
            (_, Some(status)) if !status.eq_ignore_ascii_case("OK") => {
                // FAIL without a code: still an API error, code unknown.
                Err(Error::api(-1, &info, &display))
            }
            _ => Ok(()),
        }
    }
}

/// A free-text envelope field from its JSON text, read as every free-text
/// field is ([`lenient_string`]). Text the reader only skimmed and cannot
/// decode (a lone surrogate) is absent: the code is what an error answer
/// must carry.
fn lenient_text(text: Option<&str>) -> Option<String> {
    #[derive(Deserialize)]
    struct FreeText(#[serde(deserialize_with = "lenient_string")] Option<String>);
    decode_path::<FreeText>(text?.as_bytes())
        .ok()
        .and_then(|t| t.0)
}

/// Reads only the envelope of an answer.
pub fn check_envelope(body: &[u8]) -> Result<(), Error> {
    match crate::codec::json::from_slice_capturing::<de::IgnoredAny>(body, ENVELOPE_KEYS) {
        Ok((_, texts)) => check_texts(&texts),
        Err(e) => Err(reader_error(&e)),
    }
}

/// The envelope of an answer read from its fields' texts, checked.
#[inline(never)]
fn check_texts(texts: &[Option<&str>]) -> Result<(), Error> {
    Envelope::read(texts)?.check()
}

/// Reads an answer whose body is `B`: the envelope fields are taken out in
/// the same pass (the reader hands them over as text, `B` never sees them)
/// and checked first, so an error answer is an API error, never a body the
/// caller trusts. When the body does not parse, the envelope alone is read
/// again: an error answer often lacks the body's fields, and its code is
/// what the caller needs; otherwise the body's error (with its JSON path)
/// stands.
///
/// # Errors
/// [`crate::ErrorKind::Api`] for an error answer, [`crate::ErrorKind::Decode`]
/// naming the JSON path of the first problem.
pub fn decode_answer<B: DeserializeOwned>(body: &[u8]) -> Result<B, Error> {
    match crate::codec::json::from_slice_capturing::<B>(body, ENVELOPE_KEYS) {
        Ok((b, texts)) => check_texts(&texts).map(|()| b),
        Err(e) => Err(answer_error(body, &e)),
    }
}

/// The error of an answer whose body did not parse: the API error if the
/// envelope says so, else `e`. Not generic: one copy in the wasm.
#[inline(never)]
fn answer_error(body: &[u8], e: &crate::codec::json::DeError) -> Error {
    check_envelope(body)
        .err()
        .unwrap_or_else(|| reader_error(e))
}

#[inline(never)]
fn reader_error(e: &crate::codec::json::DeError) -> Error {
    path_error(crate::codec::jsonpath::locate(e))
}

fn decode_path<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    crate::codec::jsonpath::decode(body).map_err(path_error)
}

#[inline(never)]
fn path_error(e: crate::codec::jsonpath::PathError) -> Error {
    Error::decode(&e.path, e.message)
}

/// A map key, borrowed from the text when it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A free-text field that some answers send as a number (`"ErrorInfo": 0`):
/// strings as they are, `null` as absent, anything else as its JSON text.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    de::DeserializeSeed::deserialize(Lenient, d)
}

struct Lenient;

impl<'de> de::DeserializeSeed<'de> for Lenient {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for Lenient {
    type Value = Option<String>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string, number or boolean")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        JsonText.visit_f64(v).map(Some)
    }
    // Objects and arrays (never seen, but an answer must not fail over its
    // free text): their JSON text.
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        JsonText.visit_seq(seq).map(Some)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        JsonText.visit_map(map).map(Some)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Any JSON value back as compact JSON text, streamed (serde_json's `Value`
/// would bring its tree and map types into the wasm for this rare case).
struct JsonText;

impl<'de> de::DeserializeSeed<'de> for JsonText {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for JsonText {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(json_string(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        // 14 significant digits (`1.5`, `3`): neither serde_json's float
        // writer nor the standard one is worth its code for a case never seen.
        Ok(crate::codec::json::float_text(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
        let mut out = String::from("[");
        while let Some(v) = seq.next_element_seed(JsonText)? {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&v);
        }
        out.push(']');
        Ok(out)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        let mut out = String::from("{");
        while let Some(k) = map.next_key::<Key<'de>>()? {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&json_string(&k.0));
            out.push(':');
            out.push_str(&map.next_value_seed(JsonText)?);
        }
        out.push('}');
        Ok(out)
    }
}

/// A string as JSON text (serde_json cannot fail to write a `str`).
fn json_string(v: &str) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Serializes a wire body; wire structs hold only strings and integers, so
/// it cannot fail (serde_json fails only on a failing `Serialize` impl or a
/// non-string map key). The error is not formatted: serde_json's `Display`
/// would bring its message table and std's I/O error texts into the wasm.
pub(crate) fn encode_json<T: Serialize>(body: &T) -> Result<String, Error> {
    serde_json::to_string(body).map_err(|_| Error::invalid("", "cannot be written as JSON"))
}

// ----------------------------------------------------------- shared wire

/// `ContactItem` as sent to the contact-group commands (`ToGroupId`).
#[derive(Serialize)]
pub(crate) struct WireContactOut<'a> {
    #[serde(rename = "Type")]
    ty: u8,
    #[serde(rename = "To_Account", skip_serializing_if = "Option::is_none")]
    to_account: Option<&'a str>,
    #[serde(rename = "ToGroupId", skip_serializing_if = "Option::is_none")]
    to_group_id: Option<&'a str>,
}

impl<'a> WireContactOut<'a> {
    pub(crate) fn new(c: &'a ConversationRef) -> Self {
        match c {
            ConversationRef::C2c { user_id } => WireContactOut {
                ty: 1,
                to_account: Some(user_id),
                to_group_id: None,
            },
            ConversationRef::Group { group_id } => WireContactOut {
                ty: 2,
                to_account: None,
                to_group_id: Some(group_id),
            },
        }
    }
}

/// `ContactItem` / `SessionItem` as received; tolerant of all three group spellings.
#[derive(Deserialize)]
pub(crate) struct WireContactIn {
    #[serde(rename = "Type")]
    ty: i64,
    #[serde(rename = "To_Account", default)]
    to_account: Option<String>,
    #[serde(rename = "ToGroupId", alias = "ToGroupid", alias = "GroupId", default)]
    to_group_id: Option<String>,
    #[serde(rename = "StandardMark", default)]
    pub(crate) standard_mark: Option<String>,
    #[serde(rename = "CustomMark", default)]
    pub(crate) custom_mark: Option<String>,
    #[serde(rename = "ContactGroupId", default)]
    pub(crate) contact_group_id: Option<Vec<u32>>,
    #[serde(rename = "Timestamp", default)]
    pub(crate) timestamp: Option<u32>,
    #[serde(rename = "MsgTime", default)]
    pub(crate) msg_time: Option<u32>,
    #[serde(rename = "TopFlag", default)]
    pub(crate) top_flag: Option<i64>,
}

impl WireContactIn {
    /// The conversation this item names; errors name the field within the
    /// item (callers put them [`Error::under`] the item's path).
    pub(crate) fn conversation(&self) -> Result<ConversationRef, Error> {
        match self.ty {
            1 => match &self.to_account {
                Some(id) if !id.is_empty() => Ok(ConversationRef::c2c(id.clone())),
                _ => Err(Error::decode(
                    "To_Account",
                    "a Type 1 item needs To_Account",
                )),
            },
            2 => match &self.to_group_id {
                Some(id) if !id.is_empty() => Ok(ConversationRef::group(id.clone())),
                _ => Err(Error::decode("ToGroupId", "a Type 2 item needs ToGroupId")),
            },
            other => Err(Error::decode(
                "Type",
                format!("unknown conversation Type {other} (expected 1 or 2)"),
            )),
        }
    }

    /// The item as group/mark data; errors as [`Self::conversation`].
    pub(crate) fn into_contact_data(self) -> Result<ContactData, Error> {
        let conversation = self.conversation()?;
        let standard_mark = self.standard_mark.unwrap_or_default();
        let marks = decode_mark(&standard_mark)?;
        Ok(ContactData {
            conversation,
            standard_mark,
            marks,
            custom_mark: self.custom_mark,
            group_ids: self.contact_group_id.unwrap_or_default(),
            timestamp: self.timestamp,
        })
    }
}

/// A received `StandardMark`; the error names the field `StandardMark`.
pub(crate) fn decode_mark(bits: &str) -> Result<crate::marks::Marks, Error> {
    crate::marks::parse_standard_mark(bits, "")
        .map(crate::marks::Marks::from_value)
        .map_err(|e| Error::decode("StandardMark", e.message().to_owned()))
}

/// `GroupItem` as received.
#[derive(Deserialize)]
pub(crate) struct WireGroupItem {
    #[serde(rename = "GroupName")]
    name: String,
    #[serde(rename = "GroupId")]
    id: u32,
}

impl From<WireGroupItem> for ContactGroup {
    fn from(g: WireGroupItem) -> Self {
        ContactGroup {
            name: g.name,
            id: g.id,
        }
    }
}

/// `ResultCode`/`ResultInfo` of a batch item.
#[derive(Deserialize)]
pub(crate) struct WireResult {
    #[serde(rename = "ResultCode")]
    pub(crate) code: i64,
    #[serde(rename = "ResultInfo", default, deserialize_with = "lenient_string")]
    pub(crate) info: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> RequestParams<'static> {
        RequestParams {
            base_url: "https://console.tim.qq.com/",
            sdk_app_id: 88_888_888,
            identifier: "admin",
            usersig: "eJx*a-b_",
            random: 99_999_999,
        }
    }

    #[test]
    fn url_is_exactly_documented() {
        assert_eq!(
            build_url("v4/recentcontact/get_list", &params()),
            "https://console.tim.qq.com/v4/recentcontact/get_list?sdkappid=88888888&identifier=admin&usersig=eJx*a-b_&random=99999999&contenttype=json"
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn percent_encoding_matches_the_byte_by_byte_definition(v in "\\PC{0,40}") {
            let mut naive = String::new();
            for &b in v.as_bytes() {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'*') {
                    naive.push(char::from(b));
                } else {
                    naive.push_str(&format!("%{b:02X}"));
                }
            }
            proptest::prop_assert_eq!(percent_encoded(&v), naive);
        }
    }

    #[test]
    fn query_values_cannot_inject_parameters() {
        let mut p = params();
        p.identifier = "admin&sdkappid=1";
        let url = build_url("v4/sns/group_get", &p);
        assert!(url.contains("identifier=admin%26sdkappid%3D1&"), "{url}");
        assert_eq!(url.matches("sdkappid=").count(), 1);
        p.identifier = "管理员 x";
        assert!(build_url("v4/sns/group_get", &p)
            .contains("identifier=%E7%AE%A1%E7%90%86%E5%91%98%20x&"));
    }

    #[test]
    fn envelope_classification() {
        assert!(check_envelope(br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#).is_ok());
        assert!(check_envelope(br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"0"}"#).is_ok());
        assert!(check_envelope(br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":0}"#).is_ok());
        let e =
            check_envelope(br#"{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"expired"}"#)
                .unwrap_err();
        assert_eq!(
            (e.kind(), e.code(), e.info()),
            (crate::ErrorKind::Api, Some(70001), Some("expired"))
        );
        let e = check_envelope(br#"{"ActionStatus":"FAIL","ErrorInfo":"x"}"#).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Api);
        let e = check_envelope(b"<html>502</html>").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Decode);
        let e = check_envelope(b"{}").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Decode);
        let e = check_envelope(br#"{"ErrorCode":"x"}"#).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (crate::ErrorKind::Decode, Some("ErrorCode"))
        );
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Body {
        #[serde(rename = "Items")]
        items: Vec<u32>,
        #[serde(rename = "Next", default)]
        next: Option<u32>,
    }

    #[test]
    fn answers_are_read_in_one_pass_with_their_envelope() {
        let ok = |text: &str| decode_answer::<Body>(text.as_bytes());
        let b = ok(r#"{"Items":[1,2],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Next":3}"#);
        assert_eq!(
            b.unwrap(),
            Body {
                items: vec![1, 2],
                next: Some(3)
            }
        );
        // Envelope anywhere, escaped keys, unknown keys.
        let b =
            ok(r#"{"ErrorCode":0,"\u0049tems":[4],"Extra":{"ErrorCode":5},"ActionStatus":"OK"}"#);
        assert_eq!(
            b.unwrap(),
            Body {
                items: vec![4],
                next: None
            }
        );
        // An error answer without the body's fields: the API error, not "missing field".
        let e =
            ok(r#"{"ActionStatus":"FAIL","ErrorCode":90001,"ErrorInfo":"bad json"}"#).unwrap_err();
        assert_eq!((e.kind(), e.code()), (crate::ErrorKind::Api, Some(90001)));
        // An error answer with a body: still the API error.
        let e = ok(r#"{"Items":[],"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"x"}"#)
            .unwrap_err();
        assert_eq!((e.kind(), e.code()), (crate::ErrorKind::Api, Some(70001)));
        // A bad body field of an OK answer: a decode error at its path.
        let e = ok(r#"{"ActionStatus":"OK","ErrorCode":0,"Items":[1,"x"]}"#).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (crate::ErrorKind::Decode, Some("Items[1]"))
        );
        // No envelope at all.
        let e = ok(r#"{"Items":[1]}"#).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Decode);
        assert!(
            e.message().contains("neither ErrorCode nor ActionStatus"),
            "{e}"
        );
        // A body that ignores everything still has its envelope checked.
        let e = decode_answer::<serde::de::IgnoredAny>(br#"{"ErrorCode":20001,"ErrorInfo":7}"#)
            .unwrap_err();
        assert_eq!((e.code(), e.info()), (Some(20001), Some("7")));
        assert!(
            decode_answer::<serde::de::IgnoredAny>(br#"{"ActionStatus":"OK","ErrorCode":0}"#)
                .is_ok()
        );
        // A repeated envelope key is an error, not "the last one wins".
        let e =
            ok(r#"{"ErrorCode":70001,"Items":[],"ErrorCode":0,"ActionStatus":"OK"}"#).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (crate::ErrorKind::Decode, Some("ErrorCode"))
        );
        assert!(e.message().contains("duplicate field"), "{e}");
        // Free text of any JSON type keeps an error answer an API error.
        let e = ok(r#"{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":{"m":[1,"x\"",null,{}],"n":-2.5},"ErrorDisplay":1.0}"#)
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.code(), e.info(), e.display()),
            (
                crate::ErrorKind::Api,
                Some(70001),
                Some(r#"{"m":[1,"x\"",null,{}],"n":-2.5}"#),
                Some("1")
            )
        );
    }

    /// Every command of the table reads its envelope, so an error answer
    /// must come out of `parse_response` as the API error.
    #[test]
    fn every_command_turns_an_error_answer_into_the_api_error() {
        for c in super::COMMANDS {
            for body in [
                r#"{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"expired"}"#,
                r#"{"ResultItem":[],"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"x"}"#,
            ] {
                let resp = HttpResponse {
                    status: 200,
                    body: body.as_bytes().to_vec(),
                };
                let e = (c.parse_example)(&resp).unwrap_err();
                assert_eq!(
                    (e.kind(), e.code()),
                    (crate::ErrorKind::Api, Some(70001)),
                    "{} {body}",
                    c.endpoint
                );
            }
        }
    }

    #[test]
    fn non_200_is_a_transport_error() {
        struct Nop;
        impl Command for Nop {
            const ENDPOINT: &'static str = "v4/x/y";
            const IDEMPOTENT: bool = true;
            type Output = ();
            fn to_body(&self) -> Result<String, Error> {
                Ok("{}".into())
            }
            fn parse_body(&self, _: &[u8]) -> Result<(), Error> {
                Ok(())
            }
        }
        let e = parse_response(
            &Nop,
            &HttpResponse {
                status: 502,
                body: b"bad gateway".to_vec(),
            },
        )
        .unwrap_err();
        assert_eq!(
            (e.kind(), e.status()),
            (crate::ErrorKind::Transport, Some(502))
        );
    }
}
