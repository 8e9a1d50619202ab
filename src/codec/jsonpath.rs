//! JSON decoding whose errors name the field (`items[2].userId`).
//!
//! The reader is [`super::json`]: it builds the path as an error travels up
//! through the maps and sequences holding it. Here the path is completed
//! for the two messages that name a field the text does not hold (a
//! missing one) or that the reader has not descended into (an unknown
//! key): the path ends with that field.

use serde::de::DeserializeOwned;

/// A failed parse: the field path (`""` for the top level, or when the
/// text is not JSON at all) and the message.
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
/// A [`PathError`] for the first problem met.
pub(crate) fn decode<T: DeserializeOwned>(json: &[u8]) -> Result<T, PathError> {
    // The error's path is finished outside the generic function: one copy
    // of that code in the wasm, not one per decoded type.
    super::json::from_slice(json).map_err(|e| locate(&e))
}

/// The [`PathError`] of the reader's error `e`.
#[inline(never)]
pub(crate) fn locate(e: &super::json::DeError) -> PathError {
    let mut path = e.path();
    let message = e.message().to_owned();
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
            ("[]", "", "invalid type: sequence, expected struct Req"),
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
        let json = br#"{"fromAccount":"a\"\u00e9","items":[{"userId":"x","n":1,"tags":[1,2]}],"kind":"add"}"#;
        for cut in 0..=json.len() {
            let r = decode::<Req>(&json[..cut]);
            assert_eq!(r.is_ok(), cut == json.len(), "{cut}");
        }
    }
}
