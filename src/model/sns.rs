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
