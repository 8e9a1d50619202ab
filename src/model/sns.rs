//! Requests and results of the `v4/sns` friend-group commands.

use serde::{Deserialize, Serialize};

use super::BatchResult;

/// `snsGroupGet`: a user's friend groups.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnsGroupGetRequest {
    /// The owner.
    pub from_account: String,
    /// Also list each group's friends (`NeedFriend` = `Need_Friend_Type_Yes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub need_friends: Option<bool>,
    /// Only these groups (default: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub group_names: Vec<String>,
    /// `LastSequence` of an older API version; omitted unless given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub last_sequence: Option<u32>,
}

/// A friend group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FriendGroup {
    /// The group's name.
    pub name: String,
    /// How many friends it holds.
    pub friend_count: u32,
    /// Its friends' UserIDs (only when `needFriends` was asked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub friends: Option<Vec<String>>,
}

/// Result of `snsGroupGet`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SnsGroupGetResult {
    /// The friend groups.
    pub groups: Vec<FriendGroup>,
    /// The friend-group sequence now.
    pub current_sequence: u32,
}

/// `snsGroupAdd`: create friend groups, optionally putting friends in them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnsGroupAddRequest {
    /// The owner.
    pub from_account: String,
    /// Groups to create (1..=32).
    pub group_names: Vec<String>,
    /// Friends to put into the new groups (at most 1000).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub friends: Vec<String>,
}

/// One friend's outcome in `snsGroupAdd`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FriendOutcome {
    /// The friend's UserID.
    pub user_id: String,
    /// True when `code` is 0.
    pub ok: bool,
    /// The per-item `ResultCode` (0 = applied; 32216 = not a friend).
    pub code: i64,
    /// The per-item `ResultInfo`.
    pub info: String,
}

/// Result of `snsGroupAdd`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SnsGroupAddResult {
    /// The friend-group sequence after the change.
    pub current_sequence: u32,
    /// Per-friend outcomes (empty when no friends were given).
    pub results: Vec<FriendOutcome>,
    /// `Fail_Account`: the friends that were not added.
    pub failed_accounts: Vec<String>,
}

impl BatchResult for SnsGroupAddResult {
    fn item_oks(&self) -> Vec<bool> {
        let mut oks: Vec<bool> = self.results.iter().map(|r| r.ok).collect();
        if !self.failed_accounts.is_empty() {
            oks.push(false);
        }
        oks
    }
}

/// `snsGroupDelete`: delete friend groups.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnsGroupDeleteRequest {
    /// The owner.
    pub from_account: String,
    /// Groups to delete (1..=32).
    pub group_names: Vec<String>,
}

/// Result of `snsGroupDelete`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SnsGroupDeleteResult {
    /// The friend-group sequence after the change.
    pub current_sequence: u32,
}

// ---------------------------------------------------------------- friend_get

/// `snsFriendGet`: one page of a user's friends (`v4/sns/friend_get`). To
/// walk them all, use `listFriends` (JS) / `Client::list_friends` (Rust).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnsFriendGetRequest {
    /// The owner.
    pub from_account: String,
    /// Offset to start at: 0 (default) or the previous page's `nextStartIndex`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub start_index: Option<u32>,
    /// The `standardSequence` of an earlier pull: when it is still current,
    /// the service leaves out the standard friend data (groups, remark, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub standard_sequence: Option<u32>,
    /// The `customSequence` of an earlier pull: when it is still current,
    /// the service leaves out the custom friend fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub custom_sequence: Option<u32>,
}

/// The value of a friend field: text, an integer, or a list of names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(untagged)]
pub enum FriendValue {
    /// A string value (`Tag_SNS_IM_Remark`, string custom fields).
    Text(String),
    /// An integer value (`Tag_SNS_IM_AddTime`, integer custom fields).
    Number(i64),
    /// A list (`Tag_SNS_IM_Group`).
    List(Vec<String>),
}

/// A friend field the client has no named property for: a custom field
/// (`Tag_SNS_Custom_*`) or a standard one newer than this version, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FriendField {
    /// The tag, e.g. `Tag_SNS_Custom_Test`.
    pub tag: String,
    /// Its value.
    pub value: FriendValue,
}

/// One friend of a `snsFriendGet` page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Friend {
    /// The friend's UserID (`To_Account`).
    pub user_id: String,
    /// The friend groups it is in (`Tag_SNS_IM_Group`; empty: ungrouped, or
    /// left out because `standardSequence` was current).
    pub groups: Vec<String>,
    /// `Tag_SNS_IM_Remark`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub remark: Option<String>,
    /// `Tag_SNS_IM_AddSource`, e.g. `AddSource_Type_Android`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub add_source: Option<String>,
    /// `Tag_SNS_IM_AddWording`: the friend request's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub add_wording: Option<String>,
    /// `Tag_SNS_IM_AddTime`, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub add_time: Option<i64>,
    /// Every other field, in the order sent (custom fields among them).
    pub fields: Vec<FriendField>,
}

impl Friend {
    /// A friend with no groups and no other data.
    pub fn new(user_id: impl Into<String>) -> Friend {
        Friend {
            user_id: user_id.into(),
            groups: Vec::new(),
            remark: None,
            add_source: None,
            add_wording: None,
            add_time: None,
            fields: Vec::new(),
        }
    }
}

/// A page of `snsFriendGet`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FriendPage {
    /// The friends of this page.
    pub friends: Vec<Friend>,
    /// `FriendNum`: how many friends the user has in all.
    pub friend_count: u32,
    /// True on the last page (`CompleteFlag` 1).
    pub complete: bool,
    /// `NextStartIndex`: where the next page starts (absent when not sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub next_start_index: Option<u32>,
    /// `StandardSequence` now (pass it back to skip unchanged standard data).
    pub standard_sequence: u32,
    /// `CustomSequence` now.
    pub custom_sequence: u32,
}
