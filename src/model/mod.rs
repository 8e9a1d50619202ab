//! The public, camelCase types users see.
//!
//! # Terminology
//! - **conversation**: a user's chat with another user (`c2c`) or in a group
//!   (`group`), named by a [`ConversationRef`] whatever the wire spells.
//! - **conversation group**: a user-defined folder of conversations
//!   ([`ContactGroup`]), at most 20 per user.
//! - **mark**: a bit in a conversation's 64-bit mark set ([`crate::Marks`]).
//! - **friend group**: a named set of the user's friends (the `sns` family).

mod recentcontact;
mod sns;

pub use recentcontact::*;
pub use sns::*;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::marks::Marks;

// Read by a hand-written `Deserialize` (`refs_de` below), not serde's
// internally-tagged one: that one buffers the object first, which loses the
// position of an error (so the field path) and costs kilobytes of wasm.
/// A conversation: with a user (`c2c`) or in a group (`group`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(tag = "type", deny_unknown_fields)]
pub enum ConversationRef {
    /// One-to-one conversation with `userId`.
    #[serde(rename = "c2c", rename_all = "camelCase")]
    C2c {
        /// The peer's UserID.
        user_id: String,
    },
    /// Group conversation in `groupId`.
    #[serde(rename = "group", rename_all = "camelCase")]
    Group {
        /// The group's ID.
        group_id: String,
    },
}

impl ConversationRef {
    /// A C2C conversation with `user_id`.
    pub fn c2c(user_id: impl Into<String>) -> Self {
        ConversationRef::C2c {
            user_id: user_id.into(),
        }
    }

    /// A group conversation in `group_id`.
    pub fn group(group_id: impl Into<String>) -> Self {
        ConversationRef::Group {
            group_id: group_id.into(),
        }
    }

    /// Checks the id is present; `field` is this ref's path in the request.
    ///
    /// # Errors
    /// [`Error::invalid`] naming `{field}.userId` or `{field}.groupId`.
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        match self {
            ConversationRef::C2c { user_id } if user_id.is_empty() => Err(Error::invalid(
                &format!("{field}.userId"),
                "a c2c conversation needs a non-empty userId",
            )),
            ConversationRef::Group { group_id } if group_id.is_empty() => Err(Error::invalid(
                &format!("{field}.groupId"),
                "a group conversation needs a non-empty groupId",
            )),
            _ => Ok(()),
        }
    }
}

mod refs_de {
    use super::ConversationRef;
    use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

    const FIELDS: &[&str] = &["type", "userId", "groupId"];

    enum Kind {
        C2c,
        Group,
    }

    impl<'de> Deserialize<'de> for ConversationRef {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(RefVisitor)
        }
    }

    struct RefVisitor;

    impl<'de> Visitor<'de> for RefVisitor {
        type Value = ConversationRef;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(r#"a conversation ({ type: "c2c", userId } or { type: "group", groupId })"#)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ConversationRef, A::Error> {
            let mut kind = None;
            let mut user_id: Option<String> = None;
            let mut group_id: Option<String> = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                match &*key {
                    "type" => {
                        let v = map.next_value::<std::borrow::Cow<'de, str>>()?;
                        kind = Some(match &*v {
                            "c2c" => Kind::C2c,
                            "group" => Kind::Group,
                            other => {
                                return Err(de::Error::unknown_variant(other, &["c2c", "group"]))
                            }
                        });
                    }
                    "userId" => user_id = Some(map.next_value()?),
                    "groupId" => group_id = Some(map.next_value()?),
                    other => return Err(de::Error::unknown_field(other, FIELDS)),
                }
            }
            match kind {
                None => Err(de::Error::missing_field("type")),
                Some(Kind::C2c) if group_id.is_some() => {
                    Err(de::Error::unknown_field("groupId", &["type", "userId"]))
                }
                Some(Kind::Group) if user_id.is_some() => {
                    Err(de::Error::unknown_field("userId", &["type", "groupId"]))
                }
                Some(Kind::C2c) => user_id
                    .map(|user_id| ConversationRef::C2c { user_id })
                    .ok_or_else(|| de::Error::missing_field("userId")),
                Some(Kind::Group) => group_id
                    .map(|group_id| ConversationRef::Group { group_id })
                    .ok_or_else(|| de::Error::missing_field("groupId")),
            }
        }
    }
}

/// A conversation group (a folder of conversations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ContactGroup {
    /// The group's name.
    pub name: String,
    /// The group's numeric id (as listed in `groupIds` of a conversation).
    pub id: u32,
}

/// A conversation's group and mark data (`get_contact_group`, `search_contact_group`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ContactData {
    /// Which conversation.
    pub conversation: ConversationRef,
    /// The raw `StandardMark` string as received (`""` when none).
    pub standard_mark: String,
    /// The decoded marks.
    pub marks: Marks,
    /// The app's custom mark, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub custom_mark: Option<String>,
    /// Ids of the conversation groups holding this conversation.
    pub group_ids: Vec<u32>,
    /// Last change of this data, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub timestamp: Option<u32>,
}

/// One conversation's outcome in a batch call: applied, or refused with a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ConversationOutcome {
    /// Which conversation.
    pub conversation: ConversationRef,
    /// True when `code` is 0.
    pub ok: bool,
    /// The per-item `ResultCode` (0 = applied).
    pub code: i64,
    /// The per-item `ResultInfo`.
    pub info: String,
}

/// Batch results that can say whether every item was applied.
pub trait BatchResult {
    /// `ok` of each item, in request order.
    fn item_oks(&self) -> Vec<bool>;

    /// True when every item was applied.
    fn all_succeeded(&self) -> bool {
        self.item_oks().into_iter().all(|ok| ok)
    }
}

pub(crate) fn check_account(value: &str, field: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(())
}
