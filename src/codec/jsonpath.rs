//! Field paths for JSON errors, recovered from the error's position.
//!
//! serde_json reports where a problem is (line and column) but not which
//! field. Wrapping every deserializer in path tracking (serde_path_to_error)
//! names the field, at the price of a second copy of every type's
//! deserialization code: about 8% of the WebAssembly module. Instead, when a
//! parse fails, [`path_at`] re-reads the text up to the error's position and
//! names the innermost field open there (`items[2].conversation.userId`).
//! Nothing runs on the success path.
//!
//! Where serde_json puts the position: just after the offending token (a
//! value, an unknown key, or the `}` of an object missing a field), or, for
//! a value of the wrong kind of container, just before it. In each case the
//! innermost open field at that position is the one at fault; for a missing
//! field the object itself, and [`decode`] appends the missing name.

use serde::de::DeserializeOwned;

/// One step of a path: a key of an object or an index of an array.
enum Frame {
    Object(Option<String>),
    Array(usize),
}

/// The path (`a.b[2].c`, `""` for the top level) of the innermost field
/// open at byte `offset` of `json`. Tolerates malformed text: it reads only
/// as far as `offset`, and an unreadable key leaves the path shorter.
pub(crate) fn path_at(json: &[u8], offset: usize) -> String {
    let end = offset.min(json.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match json[i] {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object(key)) => *key = None,
                None => {}
            },
            b'"' => {
                let (text, next) = read_string(json, i + 1);
                // A string directly after `{` or `,` in an object is a key.
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    *key = Some(text);
                }
                i = next;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(n) => {
                path.push('[');
                path.push_str(&n.to_string());
                path.push(']');
            }
        }
    }
    path
}

/// Reads a JSON string whose contents start at `start`; returns its text
/// (escapes kept verbatim but for `\"` and `\\`) and the index after the
/// closing quote (or the end of the input).
fn read_string(json: &[u8], start: usize) -> (String, usize) {
    let mut out = Vec::new();
    let mut i = start;
    while i < json.len() {
        match json[i] {
            b'"' => return (String::from_utf8_lossy(&out).into_owned(), i + 1),
            b'\\' if i + 1 < json.len() => {
                let c = json[i + 1];
                if !matches!(c, b'"' | b'\\') {
                    out.push(b'\\');
                }
                out.push(c);
                i += 2;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), i)
}

/// The byte offset of serde_json's (1-based line, column) in `json`.
fn offset_of(json: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    if line > 1 {
        let mut seen = 1;
        for (i, &b) in json.iter().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    start = i + 1;
                    break;
                }
            }
        }
    }
    start + column
}

/// A failed parse: the field path (`""` for the top level, or when the
/// text is not JSON at all) and serde_json's message without its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathError {
    /// Where, as `a.b[2].c`; names the missing or unknown field itself.
    pub(crate) path: String,
    /// What, e.g. ``invalid type: integer `5`, expected a string``.
    pub(crate) message: String,
}

/// Parses `json` into `T`; on failure, names the field at fault.
///
/// # Errors
/// A [`PathError`] for the first problem serde_json meets.
pub(crate) fn decode<T: DeserializeOwned>(json: &[u8]) -> Result<T, PathError> {
    // The error's path is found outside the generic function: one copy of
    // that code in the wasm, not one per decoded type.
    serde_json::from_slice(json).map_err(|e| locate(json, &e))
}

/// The [`PathError`] of serde_json's error `e` over `json`.
#[inline(never)]
fn locate(json: &[u8], e: &serde_json::Error) -> PathError {
    {
        let mut path = if e.line() == 0 {
            String::new()
        } else {
            path_at(json, offset_of(json, e.line(), e.column()))
        };
        let full = e.to_string();
        let message = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(m, _)| m)
            .to_owned();
        // "missing field `userId`" / "unknown field `fromAcount`, expected ...":
        // the path should end with that field.
        let named = ["missing field `", "unknown field `"]
            .iter()
            .find_map(|prefix| message.strip_prefix(prefix))
            .and_then(|rest| rest.split('`').next());
        if let Some(name) = named {
            if !(path == name || path.ends_with(&format!(".{name}"))) {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
            }
        }
        PathError { path, message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Item {
        user_id: String,
        n: Option<u32>,
        #[serde(default)]
        tags: Vec<u8>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Req {
        from_account: String,
        items: Vec<Item>,
        kind: Option<Kind>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    enum Kind {
        Add,
        Remove,
    }

    fn err(json: &str) -> (String, String) {
        let e = decode::<Req>(json.as_bytes()).unwrap_err();
        (e.path, e.message)
    }

    #[test]
    fn names_the_field_for_each_kind_of_error() {
        let cases = [
            (
                r#"{"fromAccount":"a","items":[{"userId":"x"},{"userId":5}]}"#,
                "items[1].userId",
                "invalid type: integer `5`, expected a string",
            ),
            (
                r#"{"fromAccount":"a","items":[{"userId":"x"},{"n":1}]}"#,
                "items[1].userId",
                "missing field `userId`",
            ),
            (
                r#"{"fromAccount":"a","items":[{"userId":"x"},{"userId":"y","bogus":1}]}"#,
                "items[1].bogus",
                "unknown field `bogus`, expected one of `userId`, `n`, `tags`",
            ),
            (
                r#"{"fromAccount":"a","items":[{"userId":"x","tags":[1,2,300]}]}"#,
                "items[0].tags[2]",
                "invalid value: integer `300`, expected u8",
            ),
            (
                r#"{"fromAccount":"a","items":[],"kind":"zz"}"#,
                "kind",
                "unknown variant `zz`, expected `add` or `remove`",
            ),
            (
                r#"{"items":[]}"#,
                "fromAccount",
                "missing field `fromAccount`",
            ),
            (
                r#"{"fromAccount":"é€","items":[{"userId":"x","n":-1}]}"#,
                "items[0].n",
                "invalid value: integer `-1`, expected u32",
            ),
            (
                r#"{"fromAccount":"a","items":{}}"#,
                "items",
                "invalid type: map, expected a sequence",
            ),
            (
                r#"{"fromAccount":"a\"b,{[","items":[{"userId":"x"},{"userId":"y"},{"userId":true}]}"#,
                "items[2].userId",
                "invalid type: boolean `true`, expected a string",
            ),
            (
                "[]",
                "",
                "invalid length 0, expected struct Req with 3 elements",
            ),
        ];
        for (json, path, message) in cases {
            assert_eq!(err(json), (path.to_owned(), message.to_owned()), "{json}");
        }
    }

    #[test]
    fn request_types_keep_positions_in_enums() {
        use crate::model::{MarkContactRequest, SearchContactGroupRequest};
        let search = |conv: &str| {
            let json = format!(
                r#"{{"fromAccount":"a","conversations":[{{"type":"c2c","userId":"u"}},{conv}]}}"#
            );
            let e = decode::<SearchContactGroupRequest>(json.as_bytes()).unwrap_err();
            (e.path, e.message)
        };
        assert_eq!(search(r#"{"type":"c2c"}"#).0, "conversations[1].userId");
        assert_eq!(search(r#"{"groupId":"g"}"#).0, "conversations[1].type");
        assert_eq!(
            search(r#"{"type":"room","groupId":"g"}"#),
            (
                "conversations[1].type".into(),
                "unknown variant `room`, expected `c2c` or `group`".into()
            )
        );
        assert_eq!(
            search(r#"{"type":"group","groupId":7}"#).0,
            "conversations[1].groupId"
        );
        assert_eq!(
            search(r#"{"type":"group","groupId":"g","userId":"u"}"#).0,
            "conversations[1].userId"
        );
        assert_eq!(
            search(r#"{"type":"c2c","userID":"u"}"#).0,
            "conversations[1].userID"
        );
        let mark = |set: &str| {
            let json = format!(
                r#"{{"fromAccount":"a","items":[{{"conversation":{{"type":"c2c","userId":"u"}},"set":{set}}}]}}"#
            );
            decode::<MarkContactRequest>(json.as_bytes())
                .unwrap_err()
                .path
        };
        assert_eq!(mark(r#"["star","bogus"]"#), "items[0].set[1]");
        assert_eq!(mark(r#"["star",300]"#), "items[0].set[1]");
        assert_eq!(mark(r#"[true]"#), "items[0].set[0]");
        let ok: MarkContactRequest = decode(
            br#"{"fromAccount":"a","items":[{"conversation":{"userId":"u","type":"c2c"},"set":["hide",40]}]}"#,
        )
        .unwrap();
        assert_eq!(
            ok.items[0].conversation,
            crate::model::ConversationRef::c2c("u")
        );
    }

    #[test]
    fn multi_line_text_and_whitespace() {
        let json = "{\n  \"fromAccount\": \"a\",\n  \"items\": [\n    { \"userId\": \"x\" },\n    { \"userId\" : 7 }\n  ]\n}";
        assert_eq!(err(json).0, "items[1].userId");
    }

    #[test]
    fn not_json_has_no_path() {
        let (path, message) = err("<html>");
        assert_eq!(path, "");
        assert!(message.starts_with("expected value"), "{message}");
        let (path, _) = err("{\"fromAccount\":\"a\",\"items\":[");
        assert_eq!(path, "items[0]");
    }

    #[test]
    fn never_panics_on_any_prefix() {
        let json = br#"{"a":[1,{"b\\\"":"x\u00e9"},[[]],{}],"c":{"d":null}}"#;
        for cut in 0..=json.len() + 2 {
            let _ = path_at(json, cut);
            let _ = path_at(&json[..cut.min(json.len())], cut);
        }
        assert_eq!(path_at(json, 9), "a[1]");
        assert_eq!(path_at(json, 18), "a[1].b\\\"");
    }
}
