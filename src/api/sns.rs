//! `v4/sns/group_*`: friend groups; `v4/sns/friend_get`: the friend list.

use serde::{Deserialize, Serialize};

use super::{decode_answer, encode_json, Command};
use crate::error::Error;
use crate::limits::{MAX_FRIEND_GROUPS, MAX_GROUP_ADD_FRIENDS};
use crate::model::{
    check_account, Friend, FriendField, FriendGroup, FriendOutcome, FriendPage, FriendValue,
    SnsFriendGetRequest, SnsGroupAddRequest, SnsGroupAddResult, SnsGroupDeleteRequest,
    SnsGroupDeleteResult, SnsGroupGetRequest, SnsGroupGetResult,
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

#[derive(Serialize)]
struct FriendGetWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "StartIndex")]
    start_index: u32,
    #[serde(rename = "StandardSequence", skip_serializing_if = "Option::is_none")]
    standard_sequence: Option<u32>,
    #[serde(rename = "CustomSequence", skip_serializing_if = "Option::is_none")]
    custom_sequence: Option<u32>,
}

#[derive(Deserialize)]
struct FriendGetAnswer {
    #[serde(rename = "UserDataItem", default)]
    items: Vec<FriendItem>,
    #[serde(rename = "FriendNum", default)]
    friend_num: u32,
    #[serde(rename = "CompleteFlag", default)]
    complete: Option<i64>,
    #[serde(rename = "NextStartIndex", default)]
    next_start_index: Option<u32>,
    #[serde(rename = "StandardSequence", default)]
    standard_sequence: u32,
    #[serde(rename = "CustomSequence", default)]
    custom_sequence: u32,
}

#[derive(Deserialize)]
struct FriendItem {
    #[serde(rename = "To_Account")]
    user_id: String,
    #[serde(rename = "ValueItem", default)]
    values: Vec<FriendTag>,
}

#[derive(Deserialize)]
struct FriendTag {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: FriendValue,
}

/// A friend field's `Value`: a string, an integer or a list of strings
/// (read by hand: an untagged derive would buffer every value first).
impl<'de> Deserialize<'de> for FriendValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = FriendValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, an integer or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<FriendValue, E> {
                Ok(FriendValue::Text(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<FriendValue, E> {
                Ok(FriendValue::Text(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<FriendValue, E> {
                Ok(FriendValue::Number(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<FriendValue, E> {
                i64::try_from(v)
                    .map(FriendValue::Number)
                    .map_err(|_| E::custom("an integer beyond 2^63"))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<FriendValue, E> {
                Err(E::custom(
                    "a number that is not an integer, expected a string, an integer or a list of strings",
                ))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<FriendValue, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = a.next_element::<String>()? {
                    out.push(s);
                }
                Ok(FriendValue::List(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// One friend from its tags: the standard ones of the documented type go to
/// their properties; anything else (custom fields, a standard tag of an
/// unexpected type or newer than this version) is kept in `fields` as sent.
fn friend_of(item: FriendItem) -> Friend {
    let mut f = Friend::new(item.user_id);
    for FriendTag { tag, value } in item.values {
        match (tag.as_str(), value) {
            ("Tag_SNS_IM_Group", FriendValue::List(g)) => f.groups = g,
            ("Tag_SNS_IM_Remark", FriendValue::Text(t)) => f.remark = Some(t),
            ("Tag_SNS_IM_AddSource", FriendValue::Text(t)) => f.add_source = Some(t),
            ("Tag_SNS_IM_AddWording", FriendValue::Text(t)) => f.add_wording = Some(t),
            ("Tag_SNS_IM_AddTime", FriendValue::Number(n)) => f.add_time = Some(n),
            (_, value) => f.fields.push(FriendField { tag, value }),
        }
    }
    f
}

impl Command for SnsFriendGetRequest {
    const ENDPOINT: &'static str = "v4/sns/friend_get";
    const IDEMPOTENT: bool = true;
    type Output = FriendPage;

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        encode_json(&FriendGetWire {
            from_account: &self.from_account,
            start_index: self.start_index.unwrap_or(0),
            standard_sequence: self.standard_sequence,
            custom_sequence: self.custom_sequence,
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<FriendPage, Error> {
        let a: FriendGetAnswer = decode_answer(body)?;
        Ok(FriendPage {
            friends: a.items.into_iter().map(friend_of).collect(),
            friend_count: a.friend_num,
            complete: super::recentcontact::contact_group_complete(a.complete, a.next_start_index),
            next_start_index: a.next_start_index,
            standard_sequence: a.standard_sequence,
            custom_sequence: a.custom_sequence,
        })
    }
}
