//! Snapshot format v1: one user's conversation groups, marks and friend
//! groups as one JSON object (one line of a JSONL file).
//!
//! ```json
//! {"version":1,"user":"alice",
//!  "conversations":[{"conversation":{"type":"c2c","userId":"bob"},"marks":"1001","customMark":"vip","groups":["Work"]}],
//!  "conversationGroups":["Work","Family"],
//!  "friendGroups":[{"name":"Colleagues","friends":["bob","carol"]}]}
//! ```
//!
//! - `marks` is the `StandardMark` bit string (what a mark set's `toJSON`
//!   writes; `""` = no mark); `groups` are conversation-group **names** (the
//!   ids of one app mean nothing in another); `customMark` `""` = none.
//! - An export ([`crate::bulk::export_user`]) writes every section and every
//!   field, in a deterministic order: conversations sorted by key (c2c by
//!   `userId`, then group by `groupId`), group names and friends sorted.
//! - As a desired state (the input of apply and verify) a line may be
//!   partial: a section that is absent (`conversations`,
//!   `conversationGroups`, `friendGroups`) is not managed; within a
//!   conversation, an absent `marks`, `customMark` or `groups` is not managed
//!   for that conversation. `customMark: ""` clears the custom mark.
//!
//! The JSON Schema of the format is `schema/snapshot.v1.json` (a test keeps
//! it equal to these types).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::limits::{MAX_CUSTOM_MARK_BYTES, MAX_GROUP_NAME_BYTES_CREATE};
use crate::model::{check_account, ConversationRef};

/// The version of the snapshot format these types read and write.
pub const SNAPSHOT_VERSION: u32 = 1;

/// One user's snapshot (export) or desired state (apply, verify).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Snapshot {
    /// The format version: `1`.
    #[serde(deserialize_with = "version::deserialize")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(type = "1"))]
    pub version: u32,
    /// The user (`From_Account`) the data belongs to.
    pub user: String,
    /// The user's conversations with their marks and groups; absent = not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub conversations: Option<Vec<SnapshotConversation>>,
    /// The names of the user's conversation groups; absent = not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub conversation_groups: Option<Vec<String>>,
    /// The user's friend groups with their members; absent = not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub friend_groups: Option<Vec<SnapshotFriendGroup>>,
}

/// One conversation of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotConversation {
    /// Which conversation.
    pub conversation: ConversationRef,
    /// The mark set as a `StandardMark` bit string (`""` = none); absent = not managed.
    /// Reserved bits 4..31 are never written, whatever this says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub marks: Option<String>,
    /// The custom mark (`""` = none, and clears it); absent = not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub custom_mark: Option<String>,
    /// The names of the conversation groups holding it; absent = not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub groups: Option<Vec<String>>,
}

/// One friend group of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotFriendGroup {
    /// The friend group's name.
    pub name: String,
    /// Its members' UserIDs.
    pub friends: Vec<String>,
}

mod version {
    use serde::de::{self, Deserializer, Visitor};

    struct V;

    impl Visitor<'_> for V {
        type Value = u32;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the snapshot format version 1")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u32, E> {
            if v == u64::from(super::SNAPSHOT_VERSION) {
                Ok(super::SNAPSHOT_VERSION)
            } else {
                Err(E::custom(format!(
                    "unsupported snapshot version {v}: this SDK reads version 1"
                )))
            }
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u32, E> {
            Err(E::custom(format!(
                "unsupported snapshot version {v}: this SDK reads version 1"
            )))
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        d.deserialize_u64(V)
    }
}

/// Reads one JSONL line as a snapshot and validates it
/// ([`validate_snapshot`]).
///
/// # Errors
/// [`Error::invalid`] naming the field (`conversations[3].marks`, `version`,
/// an unknown key).
pub fn parse_snapshot(json: &str) -> Result<Snapshot, Error> {
    let s: Snapshot = crate::codec::jsonpath::decode(json.as_bytes()).map_err(|e| {
        let field = if e.path.is_empty() {
            "snapshot"
        } else {
            &e.path
        };
        Error::invalid(field, e.message)
    })?;
    validate_snapshot(&s)?;
    Ok(s)
}

/// A conversation-group name as the service accepts it on create.
pub(crate) fn check_group_name(name: &str, field: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if name.len() > MAX_GROUP_NAME_BYTES_CREATE {
        return Err(Error::invalid(
            field,
            format!(
                "is {} bytes; conversation-group names are at most {MAX_GROUP_NAME_BYTES_CREATE} bytes",
                name.len()
            ),
        ));
    }
    Ok(())
}

/// The first index `j < i` with `list[j] == list[i]`, searching a sorted
/// copy (no hash table in the wasm).
fn first_duplicate<T: Ord>(list: &[T]) -> Option<(usize, usize)> {
    // Stable: equal entries keep their order.
    let order = super::sort::sort_with((0..list.len()).collect(), &|&a, &b| list[a].cmp(&list[b]));
    let mut found: Option<(usize, usize)> = None;
    let mut run_start = 0;
    for k in 1..order.len() {
        if list[order[k]] != list[order[k - 1]] {
            run_start = k;
            continue;
        }
        let candidate = (order[run_start], order[k]);
        let better = match found {
            None => true,
            Some((_, later)) => candidate.1 < later,
        };
        if better {
            found = Some(candidate);
        }
    }
    found
}

fn check_names(
    names: &[String],
    field: &str,
    each: fn(&str, &str) -> Result<(), Error>,
) -> Result<(), Error> {
    for (i, n) in names.iter().enumerate() {
        each(n, &format!("{field}[{i}]"))?;
    }
    if let Some((first, again)) = first_duplicate(names) {
        return Err(Error::invalid(
            &format!("{field}[{again}]"),
            format!(
                "{:?} is listed twice (first at {field}[{first}])",
                names[again]
            ),
        ));
    }
    Ok(())
}

/// Checks a snapshot (a desired state, typically): version 1, a non-empty
/// `user`, valid conversations (ids present, listed once), mark strings,
/// custom marks of at most 256 bytes, conversation-group names of 1 to 64
/// bytes listed once, friend groups and friends named and listed once.
///
/// # Errors
/// [`Error::invalid`] naming the field path of the first problem
/// (`conversations[3].marks`, `friendGroups[1].friends[0]`).
pub fn validate_snapshot(s: &Snapshot) -> Result<(), Error> {
    if s.version != SNAPSHOT_VERSION {
        return Err(Error::invalid(
            "version",
            format!(
                "unsupported snapshot version {}: this SDK reads version 1",
                s.version
            ),
        ));
    }
    check_account(&s.user, "user")?;
    if let Some(convs) = &s.conversations {
        for (i, c) in convs.iter().enumerate() {
            let at = format!("conversations[{i}]");
            c.conversation.validate(&format!("{at}.conversation"))?;
            if let Some(m) = &c.marks {
                crate::marks::parse_standard_mark(m, &format!("{at}.marks"))?;
            }
            if let Some(custom) = &c.custom_mark {
                if custom.len() > MAX_CUSTOM_MARK_BYTES {
                    return Err(Error::invalid(
                        &format!("{at}.customMark"),
                        format!("is {} bytes; at most {MAX_CUSTOM_MARK_BYTES}", custom.len()),
                    ));
                }
            }
            if let Some(groups) = &c.groups {
                check_names(groups, &format!("{at}.groups"), check_group_name)?;
            }
        }
        let refs: Vec<&ConversationRef> = convs.iter().map(|c| &c.conversation).collect();
        if let Some((first, again)) = first_duplicate(&refs) {
            return Err(Error::invalid(
                &format!("conversations[{again}].conversation"),
                format!("the conversation is listed twice (first at conversations[{first}])"),
            ));
        }
    }
    if let Some(groups) = &s.conversation_groups {
        check_names(groups, "conversationGroups", check_group_name)?;
    }
    if let Some(fgs) = &s.friend_groups {
        for (i, g) in fgs.iter().enumerate() {
            check_account(&g.name, &format!("friendGroups[{i}].name"))?;
            check_names(
                &g.friends,
                &format!("friendGroups[{i}].friends"),
                check_account,
            )?;
        }
        let names: Vec<&String> = fgs.iter().map(|g| &g.name).collect();
        if let Some((first, again)) = first_duplicate(&names) {
            return Err(Error::invalid(
                &format!("friendGroups[{again}].name"),
                format!(
                    "{:?} is listed twice (first at friendGroups[{first}])",
                    names[again]
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{"version":1,"user":"alice","conversations":[{"conversation":{"type":"c2c","userId":"bob"},"marks":"1001","customMark":"vip","groups":["Work"]}],"conversationGroups":["Work","Family"],"friendGroups":[{"name":"Colleagues","friends":["bob","carol"]}]}"#;

    #[test]
    fn the_documented_line_reads_and_writes_back_byte_for_byte() {
        let s = parse_snapshot(EXAMPLE).unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), EXAMPLE);
        let partial = parse_snapshot(r#"{"version":1,"user":"a"}"#).unwrap();
        assert!(partial.conversations.is_none() && partial.friend_groups.is_none());
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (r#"{"version":2,"user":"a"}"#, "version"),
            (r#"{"user":"a"}"#, "version"),
            (r#"{"version":1,"user":""}"#, "user"),
            (r#"{"version":1,"user":"a","extra":1}"#, "extra"),
            (
                r#"{"version":1,"user":"a","conversations":[{"conversation":{"type":"c2c","userId":"b"}},{"conversation":{"type":"c2c","userId":"c"},"marks":"12"}]}"#,
                "conversations[1].marks",
            ),
            (
                r#"{"version":1,"user":"a","conversations":[{"conversation":{"type":"c2c","userId":"b"}},{"conversation":{"type":"c2c","userId":"b"}}]}"#,
                "conversations[1].conversation",
            ),
            (
                r#"{"version":1,"user":"a","conversations":[{"conversation":{"type":"group","groupId":""}}]}"#,
                "conversations[0].conversation.groupId",
            ),
            (
                r#"{"version":1,"user":"a","conversationGroups":["W","F","W"]}"#,
                "conversationGroups[2]",
            ),
            (
                r#"{"version":1,"user":"a","friendGroups":[{"name":"x","friends":[]},{"name":"x","friends":[]}]}"#,
                "friendGroups[1].name",
            ),
            (
                r#"{"version":1,"user":"a","friendGroups":[{"name":"x","friends":["b",""]}]}"#,
                "friendGroups[0].friends[1]",
            ),
        ];
        for (line, field) in cases {
            let e = parse_snapshot(line).unwrap_err();
            assert_eq!(e.field(), Some(field), "{line}: {e}");
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        }
        let long = format!(
            r#"{{"version":1,"user":"a","conversationGroups":["{}"]}}"#,
            "x".repeat(65)
        );
        assert_eq!(
            parse_snapshot(&long).unwrap_err().field(),
            Some("conversationGroups[0]")
        );
    }
}
