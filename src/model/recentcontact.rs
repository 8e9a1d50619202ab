//! Requests and results of the `v4/recentcontact` family.

use serde::{Deserialize, Serialize};

use super::{BatchResult, ContactData, ContactGroup, ConversationOutcome, ConversationRef};
use crate::marks::{Marks, MarksInput};

// ---------------------------------------------------------------- get_list

/// Where a `getList` page starts: the four cursors of the previous page.
///
/// Opaque: pass back what a page returned in `nextCursor`. Save it to resume
/// later. All zero (or absent) = the first page.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetListCursor {
    /// `TimeStamp`: time cursor of normal conversations.
    #[serde(default)]
    pub time_stamp: u32,
    /// `StartIndex`: position cursor of normal conversations.
    #[serde(default)]
    pub start_index: u32,
    /// `TopTimeStamp`: time cursor of pinned conversations.
    #[serde(default)]
    pub top_time_stamp: u32,
    /// `TopStartIndex`: position cursor of pinned conversations.
    #[serde(default)]
    pub top_start_index: u32,
}

/// `getList`: one page of a user's conversation list.
///
/// By default the SDK sends `AssistFlags` 63, what the current docs say to
/// send: pinned conversations first and paged, empty conversations included,
/// marks and groups attached. Set `pinned`, `empty` or `pinnedPaging` to
/// `false` to narrow that, or `assistFlags` to send a raw value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetListRequest {
    /// The user whose conversations are listed.
    pub from_account: String,
    /// Where to start; absent = first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub cursor: Option<GetListCursor>,
    /// Serve pinned conversations first and flag them (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub pinned: Option<bool>,
    /// Include conversations without messages (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub empty: Option<bool>,
    /// Page pinned conversations too (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub pinned_paging: Option<bool>,
    /// Raw `AssistFlags`, overriding the three options above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub assist_flags: Option<u32>,
}

/// One conversation of a `getList` page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// Which conversation.
    pub conversation: ConversationRef,
    /// Time of the conversation's last message (Unix seconds).
    pub msg_time: u32,
    /// Pinned (`TopFlag` 1).
    pub pinned: bool,
    /// The raw `StandardMark`, when the server attached one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub standard_mark: Option<String>,
    /// The decoded marks; an empty mark set (`value` 0) when the server
    /// attached none (no marks, or `AssistFlags` without bits 3-5), as in
    /// `ContactData.marks`.
    pub marks: Marks,
    /// The custom mark, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub custom_mark: Option<String>,
    /// Ids of the conversation groups holding it (empty when none or not asked).
    pub group_ids: Vec<u32>,
}

/// A page of `getList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct GetListPage {
    /// The conversations of this page, in server order.
    pub items: Vec<Conversation>,
    /// True on the last page (`CompleteFlag` 1).
    pub complete: bool,
    /// The cursor for the next page (as returned, even on the last page).
    pub next_cursor: GetListCursor,
}

// ------------------------------------------------------- get_contact_group

/// `getContactGroup`: one page of all conversations with group or mark data.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetContactGroupRequest {
    /// The user whose data is read.
    pub from_account: String,
    /// Offset to start at: 0 (default) or the previous page's `nextStartIndex`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub start_index: Option<u32>,
}

/// A page of `getContactGroup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ContactGroupPage {
    /// Conversations with group or mark data.
    pub items: Vec<ContactData>,
    /// The user's conversation groups.
    pub groups: Vec<ContactGroup>,
    /// True on the last page (`CompleteFlag` 1): stop here, whatever
    /// `nextStartIndex` says.
    pub complete: bool,
    /// `NextStartIndex` as returned: where the next page starts. On the last
    /// page it is `0` in the documented sample (and from the emulator), while
    /// a real server answer carried none (absent); go by `complete`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub next_start_index: Option<u32>,
    /// `CompleteTime`, Unix seconds, as returned on the last page (the real
    /// service sends it; Tencent does not document it). Absent when not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub complete_time: Option<u32>,
}

// ---------------------------------------------------- search_contact_group

/// `searchContactGroup`: group and mark data of given conversations (300 per
/// request; the client splits more into chunks).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchContactGroupRequest {
    /// The user whose data is read.
    pub from_account: String,
    /// The conversations to look up (at least 1; more than 300 are sent in
    /// chunks of 300 by the client's `searchContactGroup`).
    pub conversations: Vec<ConversationRef>,
}

/// Result of `searchContactGroup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SearchContactGroupResult {
    /// Data of the requested conversations that have any (others are absent).
    pub items: Vec<ContactData>,
    /// The user's conversation groups.
    pub groups: Vec<ContactGroup>,
}

// ---------------------------------------------------- update_contact_group

/// `updateContactGroup`: rename a conversation group, or add and remove conversations.
///
/// Give either `newName`, or `add` and/or `remove` (not both kinds in one call:
/// the API does one or the other). Adds are sent before removes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateContactGroupRequest {
    /// The owner.
    pub from_account: String,
    /// The group's current name.
    pub group_name: String,
    /// Rename the group to this (at most 64 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub new_name: Option<String>,
    /// Conversations to add to the group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub add: Vec<ConversationRef>,
    /// Conversations to remove from the group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub remove: Vec<ConversationRef>,
}

/// Whether a conversation was added to or removed from a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum GroupChange {
    /// `ContactOptType` 1.
    Add,
    /// `ContactOptType` 2.
    Remove,
}

/// One conversation's outcome in `updateContactGroup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct GroupChangeOutcome {
    /// Added or removed.
    pub change: GroupChange,
    /// Which conversation.
    pub conversation: ConversationRef,
    /// True when `code` is 0.
    pub ok: bool,
    /// The per-item `ResultCode` (0 = applied).
    pub code: i64,
    /// The per-item `ResultInfo`.
    pub info: String,
}

/// Result of `updateContactGroup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct UpdateContactGroupResult {
    /// `"rename"` or `"conversations"`.
    pub kind: UpdateKind,
    /// The group's name now.
    pub group_name: String,
    /// The group's id.
    pub group_id: u32,
    /// The group's name before the call.
    pub old_group_name: String,
    /// Per-conversation outcomes, in request order (empty for a rename).
    pub results: Vec<GroupChangeOutcome>,
}

impl BatchResult for UpdateContactGroupResult {
    fn item_oks(&self) -> Vec<bool> {
        self.results.iter().map(|r| r.ok).collect()
    }
}

/// What an `updateContactGroup` call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum UpdateKind {
    /// `UpdateGroupType` 1.
    Rename,
    /// `UpdateGroupType` 2.
    Conversations,
}

// ---------------------------------------------------- create_contact_group

/// `createContactGroup`: create one conversation group, optionally with conversations.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateContactGroupRequest {
    /// The owner.
    pub from_account: String,
    /// The new group's name (at most 64 bytes).
    pub group_name: String,
    /// Conversations to put in it.
    #[serde(default)]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub conversations: Vec<ConversationRef>,
}

/// Result of `createContactGroup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CreateContactGroupResult {
    /// The new group.
    pub group: ContactGroup,
    /// Per-conversation outcomes, in request order.
    pub results: Vec<ConversationOutcome>,
}

impl BatchResult for CreateContactGroupResult {
    fn item_oks(&self) -> Vec<bool> {
        self.results.iter().map(|r| r.ok).collect()
    }
}

// ------------------------------------------------------- del_contact_group

/// `delContactGroup`: delete one conversation group.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DelContactGroupRequest {
    /// The owner.
    pub from_account: String,
    /// The group to delete.
    pub group_name: String,
}

/// Result of `delContactGroup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct DelContactGroupResult {
    /// The deleted groups.
    pub deleted: Vec<ContactGroup>,
}

// ------------------------------------------------------------ mark_contact

// Read by a hand-written `Deserialize` (a string or a number), not serde's
// untagged one, which buffers the value and loses the error's position.
/// A mark to set or clear: a built-in name or a custom bit 32..=63.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(untagged)]
pub enum MarkName {
    /// `"star"`, `"unread"`, `"fold"` or `"hide"`.
    Builtin(BuiltinMark),
    /// A custom bit, 32..=63.
    Custom(u8),
}

impl<'de> Deserialize<'de> for MarkName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, Visitor};
        struct V;
        impl Visitor<'_> for V {
            type Value = MarkName;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(r#""star", "unread", "fold", "hide" or a custom bit 32..63"#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MarkName, E> {
                Ok(MarkName::Builtin(match v {
                    "star" => BuiltinMark::Star,
                    "unread" => BuiltinMark::Unread,
                    "fold" => BuiltinMark::Fold,
                    "hide" => BuiltinMark::Hide,
                    _ => return Err(E::unknown_variant(v, &["star", "unread", "fold", "hide"])),
                }))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MarkName, E> {
                u8::try_from(v)
                    .map(MarkName::Custom)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MarkName, E> {
                Err(E::invalid_value(de::Unexpected::Signed(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

/// The four built-in marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum BuiltinMark {
    /// Bit 0.
    Star,
    /// Bit 1.
    Unread,
    /// Bit 2.
    Fold,
    /// Bit 3.
    Hide,
}

/// One conversation's mark change in `markContact`.
///
/// `set` and `clear` change standard marks; or `target` names the whole mark
/// set wanted, and the client reads the current marks and sends the
/// difference (reserved bits 4..31 are never written). `customMark` replaces
/// the custom mark (`""` clears it). The SDK derives `OptType` from what is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarkChange {
    /// Which conversation.
    pub conversation: ConversationRef,
    /// Marks to set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub set: Vec<MarkName>,
    /// Marks to clear.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub clear: Vec<MarkName>,
    /// New custom mark (at most 256 bytes; `""` clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub custom_mark: Option<String>,
    /// The mark set wanted (instead of `set` / `clear`): a mark set, or its
    /// `StandardMark` bit string (what a mark set's `toJSON` writes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        all(feature = "js", target_arch = "wasm32"),
        tsify(optional, type = "MarksInput | string")
    )]
    pub target: Option<MarksInput>,
}

/// `markContact`: change marks of conversations (100 per request; the client
/// splits more into chunks).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarkContactRequest {
    /// The owner.
    pub from_account: String,
    /// The changes, one per conversation (at least 1; more than 100 are sent
    /// in chunks of 100 by the client's `markContact`).
    pub items: Vec<MarkChange>,
}

/// Result of `markContact`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MarkContactResult {
    /// Per-conversation outcomes, in request order.
    pub results: Vec<ConversationOutcome>,
}

impl BatchResult for MarkContactResult {
    fn item_oks(&self) -> Vec<bool> {
        self.results.iter().map(|r| r.ok).collect()
    }
}

// ------------------------------------------------------------------ delete

/// `deleteContact`: remove a conversation from a user's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteContactRequest {
    /// The owner.
    pub from_account: String,
    /// The conversation to delete.
    pub conversation: ConversationRef,
    /// Also clear the cloud message history (`ClearRamble` 1). Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub clear_ramble: Option<bool>,
}
