//! `v4/sns/group_*`: friend groups.

use serde::{Deserialize, Serialize};

use super::{decode_answer, encode_json, Command};
use crate::error::Error;
use crate::limits::{MAX_FRIEND_GROUPS, MAX_GROUP_ADD_FRIENDS};
use crate::model::{
    check_account, FriendGroup, FriendOutcome, SnsGroupAddRequest, SnsGroupAddResult,
    SnsGroupDeleteRequest, SnsGroupDeleteResult, SnsGroupGetRequest, SnsGroupGetResult,
};

/// `NeedFriend` value asking for each group's friends.
const NEED_FRIEND_YES: &str = "Need_Friend_Type_Yes";

fn check_names(names: &[String], field: &str, min: usize, max: usize) -> Result<(), Error> {
    if names.len() < min || names.len() > max {
        return Err(Error::invalid(
            field,
            format!("needs {min} to {max} names, got {}", names.len()),
        ));
    }
    names
        .iter()
        .enumerate()
        .try_for_each(|(i, n)| check_account(n, &format!("{field}[{i}]")))
}

#[derive(Serialize)]
struct GroupGetWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "NeedFriend", skip_serializing_if = "Option::is_none")]
    need_friend: Option<&'static str>,
    #[serde(rename = "LastSequence", skip_serializing_if = "Option::is_none")]
    last_sequence: Option<u32>,
    #[serde(rename = "GroupName", skip_serializing_if = "<[_]>::is_empty")]
    names: &'a [String],
}

#[derive(Deserialize)]
struct GroupGetAnswer {
    #[serde(rename = "ResultItem", default)]
    items: Vec<GroupGetItem>,
    #[serde(rename = "CurrentSequence", default)]
    current_sequence: u32,
}

#[derive(Deserialize)]
struct GroupGetItem {
    #[serde(rename = "GroupName")]
    name: String,
    #[serde(rename = "FriendNumber", default)]
    friend_number: Option<u32>,
    #[serde(rename = "To_Account", default)]
    friends: Option<Vec<String>>,
}

impl Command for SnsGroupGetRequest {
    const ENDPOINT: &'static str = "v4/sns/group_get";
    const IDEMPOTENT: bool = true;
    type Output = SnsGroupGetResult;

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        check_names(&self.group_names, "groupNames", 0, MAX_FRIEND_GROUPS)?;
        encode_json(&GroupGetWire {
            from_account: &self.from_account,
            need_friend: (self.need_friends == Some(true)).then_some(NEED_FRIEND_YES),
            last_sequence: self.last_sequence,
            names: &self.group_names,
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<SnsGroupGetResult, Error> {
        let a: GroupGetAnswer = decode_answer(body)?;
        Ok(SnsGroupGetResult {
            groups: a
                .items
                .into_iter()
                .map(|g| FriendGroup {
                    friend_count: g
                        .friend_number
                        .or_else(|| g.friends.as_ref().and_then(|f| u32::try_from(f.len()).ok()))
                        .unwrap_or(0),
                    name: g.name,
                    // Asked for friends, an empty group may come without the
                    // list: it is an empty list then (the types promise one).
                    friends: g
                        .friends
                        .or_else(|| (self.need_friends == Some(true)).then(Vec::new)),
                })
                .collect(),
            current_sequence: a.current_sequence,
        })
    }
}

#[derive(Serialize)]
struct GroupAddWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "GroupName")]
    names: &'a [String],
    #[serde(rename = "To_Account", skip_serializing_if = "<[_]>::is_empty")]
    friends: &'a [String],
}

#[derive(Deserialize)]
struct GroupAddAnswer {
    #[serde(rename = "CurrentSequence", default)]
    current_sequence: u32,
    #[serde(rename = "ResultItem", default)]
    items: Vec<GroupAddItem>,
    #[serde(rename = "Fail_Account", default)]
    failed: Vec<String>,
}

#[derive(Deserialize)]
struct GroupAddItem {
    #[serde(rename = "To_Account")]
    user_id: String,
    #[serde(rename = "ResultCode")]
    code: i64,
    #[serde(
        rename = "ResultInfo",
        default,
        deserialize_with = "super::lenient_string"
    )]
    info: Option<String>,
}

impl Command for SnsGroupAddRequest {
    const ENDPOINT: &'static str = "v4/sns/group_add";
    // A second add of the same names fails (groups exist).
    const IDEMPOTENT: bool = false;
    type Output = SnsGroupAddResult;

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        check_names(&self.group_names, "groupNames", 1, MAX_FRIEND_GROUPS)?;
        check_names(&self.friends, "friends", 0, MAX_GROUP_ADD_FRIENDS)?;
        encode_json(&GroupAddWire {
            from_account: &self.from_account,
            names: &self.group_names,
            friends: &self.friends,
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<SnsGroupAddResult, Error> {
        let a: GroupAddAnswer = decode_answer(body)?;
        Ok(SnsGroupAddResult {
            current_sequence: a.current_sequence,
            results: a
                .items
                .into_iter()
                .map(|r| FriendOutcome {
                    user_id: r.user_id,
                    ok: r.code == 0,
                    code: r.code,
                    info: r.info.unwrap_or_default(),
                })
                .collect(),
            failed_accounts: a.failed,
        })
    }
}

#[derive(Serialize)]
struct GroupDeleteWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "GroupName")]
    names: &'a [String],
}

#[derive(Deserialize)]
struct GroupDeleteAnswer {
    #[serde(rename = "CurrentSequence", default)]
    current_sequence: u32,
}

impl Command for SnsGroupDeleteRequest {
    const ENDPOINT: &'static str = "v4/sns/group_delete";
    const IDEMPOTENT: bool = false;
    type Output = SnsGroupDeleteResult;

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        check_names(&self.group_names, "groupNames", 1, MAX_FRIEND_GROUPS)?;
        encode_json(&GroupDeleteWire {
            from_account: &self.from_account,
            names: &self.group_names,
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<SnsGroupDeleteResult, Error> {
        let a: GroupDeleteAnswer = decode_answer(body)?;
        Ok(SnsGroupDeleteResult {
            current_sequence: a.current_sequence,
        })
    }
}
