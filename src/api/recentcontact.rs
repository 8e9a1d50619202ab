//! `v4/recentcontact/*`: conversation list, conversation groups and marks.

use serde::{Deserialize, Serialize};

use super::{
    decode_answer, decode_mark, encode_json, lenient_string, Command, WireContactIn,
    WireContactOut, WireGroupItem, WireResult,
};
use crate::error::Error;
use crate::limits::{
    ASSIST_EMPTY, ASSIST_PINNED, ASSIST_PINNED_PAGING, ASSIST_RECOMMENDED, MAX_CUSTOM_MARK_BYTES,
    MAX_GROUPED_CONVERSATIONS, MAX_GROUP_NAME_BYTES_CREATE, MAX_GROUP_NAME_BYTES_RENAME,
    MAX_MARK_ITEMS, MAX_SEARCH_ITEMS, MAX_UPDATE_ITEMS,
};
use crate::marks::{check_custom_bit, FOLD_BIT, HIDE_BIT, STAR_BIT, UNREAD_BIT};
use crate::model::{
    check_account, BuiltinMark, ContactGroupPage, Conversation, ConversationOutcome,
    ConversationRef, CreateContactGroupRequest, CreateContactGroupResult, DelContactGroupRequest,
    DelContactGroupResult, DeleteContactRequest, GetContactGroupRequest, GetListCursor,
    GetListPage, GetListRequest, GroupChange, GroupChangeOutcome, MarkContactRequest,
    MarkContactResult, MarkName, SearchContactGroupRequest, SearchContactGroupResult,
    UpdateContactGroupRequest, UpdateContactGroupResult, UpdateKind,
};

/// What a too-long list is told when the client splits such lists itself.
const CHUNKED_SEARCH: &str =
    " per search_contact_group request (the client's searchContactGroup sends more in chunks)";

fn check_conversations(
    items: &[ConversationRef],
    field: &str,
    min: usize,
    max: usize,
    over_max_hint: &str,
) -> Result<(), Error> {
    if items.len() < min {
        return Err(Error::invalid(
            field,
            format!("needs at least {min} conversation(s), got {}", items.len()),
        ));
    }
    if items.len() > max {
        return Err(Error::invalid(
            field,
            format!(
                "has {} conversations; at most {max}{over_max_hint}",
                items.len()
            ),
        ));
    }
    items
        .iter()
        .enumerate()
        .try_for_each(|(i, c)| c.validate(&format!("{field}[{i}]")))
}

fn check_group_name(name: &str, field: &str, max_bytes: usize) -> Result<(), Error> {
    if name.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if name.len() > max_bytes {
        return Err(Error::invalid(
            field,
            format!(
                "is {} bytes; conversation-group names are at most {max_bytes} bytes",
                name.len()
            ),
        ));
    }
    Ok(())
}

fn contacts_out(items: &[ConversationRef]) -> Vec<WireContactOut<'_>> {
    items.iter().map(WireContactOut::new).collect()
}

/// Pairs per-item results with the requested items, in request order.
/// `matches(want, result)` says whether a result answers a requested item;
/// `missing(want)` is the outcome of an item the server did not answer for
/// (reported as not applied, code -1). Results for items that were not
/// requested are appended, so nothing the server said is dropped.
fn pair_results<W, R>(
    requested: impl IntoIterator<Item = W>,
    mut returned: Vec<R>,
    matches: impl Fn(&W, &R) -> bool,
    missing: impl Fn(W) -> R,
) -> Vec<R> {
    let mut out = Vec::with_capacity(returned.len());
    for want in requested {
        match returned.iter().position(|r| matches(&want, r)) {
            Some(i) => out.push(returned.remove(i)),
            None => out.push(missing(want)),
        }
    }
    out.extend(returned);
    out
}

/// Info of an item the server returned no result for.
const NO_RESULT: &str = "the server returned no result for this conversation";

/// [`pair_results`] for outcomes keyed by conversation.
fn pair_outcomes(
    requested: &[&ConversationRef],
    returned: Vec<ConversationOutcome>,
) -> Vec<ConversationOutcome> {
    pair_results(
        requested.iter().copied(),
        returned,
        |want, r| &r.conversation == *want,
        |want| ConversationOutcome {
            conversation: want.clone(),
            ok: false,
            code: -1,
            info: NO_RESULT.into(),
        },
    )
}

fn outcome(item: &WireContactIn, res: WireResult) -> Result<ConversationOutcome, Error> {
    Ok(ConversationOutcome {
        conversation: item.conversation()?,
        ok: res.code == 0,
        code: res.code,
        info: res.info.unwrap_or_default(),
    })
}

// ---------------------------------------------------------------- get_list

#[derive(Serialize)]
struct GetListWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "TimeStamp")]
    time_stamp: u32,
    #[serde(rename = "StartIndex")]
    start_index: u32,
    #[serde(rename = "TopTimeStamp")]
    top_time_stamp: u32,
    #[serde(rename = "TopStartIndex")]
    top_start_index: u32,
    #[serde(rename = "AssistFlags")]
    assist_flags: u32,
}

#[derive(Deserialize)]
struct GetListAnswer {
    #[serde(rename = "SessionItem", default)]
    items: Vec<WireContactIn>,
    #[serde(rename = "CompleteFlag")]
    complete: i64,
    #[serde(rename = "TimeStamp", default)]
    time_stamp: u32,
    #[serde(rename = "StartIndex", default)]
    start_index: u32,
    #[serde(rename = "TopTimeStamp", default)]
    top_time_stamp: u32,
    #[serde(rename = "TopStartIndex", default)]
    top_start_index: u32,
}

impl GetListRequest {
    /// The `AssistFlags` this request sends.
    pub fn effective_assist_flags(&self) -> u32 {
        if let Some(raw) = self.assist_flags {
            return raw;
        }
        let mut flags = ASSIST_RECOMMENDED;
        if self.pinned == Some(false) {
            flags &= !(ASSIST_PINNED | ASSIST_PINNED_PAGING);
        }
        if self.empty == Some(false) {
            flags &= !ASSIST_EMPTY;
        }
        if self.pinned_paging == Some(false) {
            flags &= !ASSIST_PINNED_PAGING;
        }
        flags
    }
}

impl Command for GetListRequest {
    const ENDPOINT: &'static str = "v4/recentcontact/get_list";
    const IDEMPOTENT: bool = true;
    type Output = GetListPage;

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        let c = self.cursor.unwrap_or_default();
        encode_json(&GetListWire {
            from_account: &self.from_account,
            time_stamp: c.time_stamp,
            start_index: c.start_index,
            top_time_stamp: c.top_time_stamp,
            top_start_index: c.top_start_index,
            assist_flags: self.effective_assist_flags(),
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<GetListPage, Error> {
        let a: GetListAnswer = decode_answer(body)?;
        let items = a
            .items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let under = |e: Error| e.under(&format!("SessionItem[{i}]"));
                let conversation = item.conversation().map_err(under)?;
                // No `StandardMark` (no marks, or AssistFlags without bits
                // 3-5) is an empty mark set, as in `ContactData`.
                let marks =
                    decode_mark(item.standard_mark.as_deref().unwrap_or("")).map_err(under)?;
                Ok(Conversation {
                    conversation,
                    msg_time: item.msg_time.unwrap_or(0),
                    pinned: item.top_flag == Some(1),
                    standard_mark: item.standard_mark,
                    marks,
                    custom_mark: item.custom_mark,
                    group_ids: item.contact_group_id.unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(GetListPage {
            items,
            complete: a.complete == 1,
            next_cursor: GetListCursor {
                time_stamp: a.time_stamp,
                start_index: a.start_index,
                top_time_stamp: a.top_time_stamp,
                top_start_index: a.top_start_index,
            },
        })
    }
}

// ------------------------------------------------------- get_contact_group

#[derive(Serialize)]
struct GetContactGroupWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "StartIndex")]
    start_index: u32,
}

#[derive(Deserialize)]
struct GetContactGroupAnswer {
    #[serde(rename = "ContactItem", default)]
    items: Vec<WireContactIn>,
    #[serde(rename = "GroupItem", default)]
    groups: Vec<WireGroupItem>,
    #[serde(rename = "CompleteFlag", default)]
    complete: Option<i64>,
    #[serde(rename = "NextStartIndex", default)]
    next_start_index: Option<u32>,
    /// Undocumented (a real last page carried it, spec §3.8): read when it is
    /// Unix seconds, ignored in any other shape rather than failing the page.
    #[serde(rename = "CompleteTime", default, deserialize_with = "lenient_seconds")]
    complete_time: Option<u32>,
}

/// A number of seconds that fits `u32`; anything else (another type, a
/// negative or larger number, `null`) is `None`.
fn lenient_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::de::{self, IgnoredAny, Visitor};
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Unix seconds")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(u32::try_from(v).ok())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(u32::try_from(v).ok())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// Whether a `get_contact_group` (or `sns/friend_get`) page is the last. The
/// docs always send `CompleteFlag`; should it be missing, a page without a
/// next index is the last (spec §9.7 leaves the combination open).
pub(super) fn contact_group_complete(flag: Option<i64>, next: Option<u32>) -> bool {
    match flag {
        Some(f) => f == 1,
        None => next.unwrap_or(0) == 0,
    }
}

impl Command for GetContactGroupRequest {
    const ENDPOINT: &'static str = "v4/recentcontact/get_contact_group";
    const IDEMPOTENT: bool = true;
    type Output = ContactGroupPage;

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        encode_json(&GetContactGroupWire {
            from_account: &self.from_account,
            start_index: self.start_index.unwrap_or(0),
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<ContactGroupPage, Error> {
        let a: GetContactGroupAnswer = decode_answer(body)?;
        Ok(ContactGroupPage {
            complete: contact_group_complete(a.complete, a.next_start_index),
            next_start_index: a.next_start_index,
            complete_time: a.complete_time,
            items: a
                .items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    item.into_contact_data()
                        .map_err(|e| e.under(&format!("ContactItem[{i}]")))
                })
                .collect::<Result<_, _>>()?,
            groups: a.groups.into_iter().map(Into::into).collect(),
        })
    }
}

// ---------------------------------------------------- search_contact_group

#[derive(Serialize)]
struct SearchWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "ContactItem")]
    items: Vec<WireContactOut<'a>>,
}

#[derive(Deserialize)]
struct SearchAnswer {
    #[serde(rename = "ContactResultItem", default)]
    items: Vec<WireContactIn>,
    #[serde(rename = "GroupItem", default)]
    groups: Vec<WireGroupItem>,
}

impl Command for SearchContactGroupRequest {
    const ENDPOINT: &'static str = "v4/recentcontact/search_contact_group";
    const IDEMPOTENT: bool = true;
    type Output = SearchContactGroupResult;

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        check_conversations(
            &self.conversations,
            "conversations",
            1,
            MAX_SEARCH_ITEMS,
            CHUNKED_SEARCH,
        )?;
        encode_json(&SearchWire {
            from_account: &self.from_account,
            items: contacts_out(&self.conversations),
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<SearchContactGroupResult, Error> {
        let a: SearchAnswer = decode_answer(body)?;
        Ok(SearchContactGroupResult {
            items: a
                .items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    item.into_contact_data()
                        .map_err(|e| e.under(&format!("ContactResultItem[{i}]")))
                })
                .collect::<Result<_, _>>()?,
            groups: a.groups.into_iter().map(Into::into).collect(),
        })
    }
}

// ---------------------------------------------------- update_contact_group

#[derive(Serialize)]
struct UpdateWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "UpdateType")]
    update_type: u8,
    #[serde(rename = "UpdateGroup")]
    group: UpdateGroupWire<'a>,
}

#[derive(Serialize)]
struct UpdateGroupWire<'a> {
    #[serde(rename = "UpdateGroupType")]
    update_group_type: u8,
    #[serde(rename = "OldGroupName")]
    old_group_name: &'a str,
    #[serde(rename = "NewGroupName", skip_serializing_if = "Option::is_none")]
    new_group_name: Option<&'a str>,
    #[serde(rename = "ContactUpdateItem", skip_serializing_if = "Vec::is_empty")]
    items: Vec<ContactUpdateWire<'a>>,
}

#[derive(Serialize)]
struct ContactUpdateWire<'a> {
    #[serde(rename = "ContactOptType")]
    opt: u8,
    #[serde(rename = "ContactItem")]
    item: WireContactOut<'a>,
}

#[derive(Deserialize)]
struct UpdateAnswer {
    #[serde(rename = "UpdateGroupResult")]
    result: UpdateGroupResultWire,
}

#[derive(Deserialize)]
struct UpdateGroupResultWire {
    #[serde(rename = "UpdateGroupType", default)]
    update_group_type: Option<i64>,
    #[serde(rename = "GroupName", default)]
    group_name: Option<String>,
    #[serde(rename = "GroupId", default)]
    group_id: u32,
    #[serde(rename = "OldGroupName", default)]
    old_group_name: Option<String>,
    #[serde(rename = "ContactResultItem", default)]
    items: Vec<ContactUpdateResultWire>,
}

#[derive(Deserialize)]
struct ContactUpdateResultWire {
    #[serde(rename = "ContactOptType")]
    opt: i64,
    #[serde(rename = "ContactItem")]
    item: WireContactIn,
    #[serde(rename = "ResultCode")]
    code: i64,
    #[serde(rename = "ResultInfo", default, deserialize_with = "lenient_string")]
    info: Option<String>,
}

impl UpdateContactGroupRequest {
    fn kind(&self) -> UpdateKind {
        if self.new_name.is_some() {
            UpdateKind::Rename
        } else {
            UpdateKind::Conversations
        }
    }
}

impl Command for UpdateContactGroupRequest {
    const ENDPOINT: &'static str = "v4/recentcontact/update_contact_group";
    // Re-adding or re-removing converges; a repeated rename fails with 51009 (old name gone).
    const IDEMPOTENT: bool = false;
    type Output = UpdateContactGroupResult;

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        check_group_name(&self.group_name, "groupName", MAX_GROUP_NAME_BYTES_RENAME)?;
        let has_changes = !self.add.is_empty() || !self.remove.is_empty();
        let group = match (&self.new_name, has_changes) {
            (Some(_), true) => {
                return Err(Error::invalid(
                    "newName",
                    "rename and add/remove need separate calls (the API does one per call)",
                ))
            }
            (None, false) => {
                return Err(Error::invalid(
                    "newName",
                    "give newName, or add / remove conversations",
                ))
            }
            (Some(new_name), false) => {
                check_group_name(new_name, "newName", MAX_GROUP_NAME_BYTES_RENAME)?;
                UpdateGroupWire {
                    update_group_type: 1,
                    old_group_name: &self.group_name,
                    new_group_name: Some(new_name),
                    items: Vec::new(),
                }
            }
            (None, true) => {
                check_conversations(&self.add, "add", 0, MAX_UPDATE_ITEMS, "")?;
                check_conversations(&self.remove, "remove", 0, MAX_UPDATE_ITEMS, "")?;
                let items = self
                    .add
                    .iter()
                    .map(|c| (1, c))
                    .chain(self.remove.iter().map(|c| (2, c)))
                    .map(|(opt, c)| ContactUpdateWire {
                        opt,
                        item: WireContactOut::new(c),
                    })
                    .collect();
                UpdateGroupWire {
                    update_group_type: 2,
                    old_group_name: &self.group_name,
                    new_group_name: None,
                    items,
                }
            }
        };
        encode_json(&UpdateWire {
            from_account: &self.from_account,
            update_type: 1,
            group,
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<UpdateContactGroupResult, Error> {
        let a: UpdateAnswer = decode_answer(body)?;
        let r = a.result;
        let kind = match r.update_group_type {
            Some(1) => UpdateKind::Rename,
            Some(2) => UpdateKind::Conversations,
            _ => self.kind(),
        };
        let mut returned = Vec::with_capacity(r.items.len());
        for (i, item) in r.items.into_iter().enumerate() {
            let path = || format!("UpdateGroupResult.ContactResultItem[{i}]");
            let change = match item.opt {
                1 => GroupChange::Add,
                2 => GroupChange::Remove,
                other => {
                    return Err(Error::decode(
                        &format!("{}.ContactOptType", path()),
                        format!("unknown ContactOptType {other}"),
                    ))
                }
            };
            returned.push(GroupChangeOutcome {
                change,
                conversation: item
                    .item
                    .conversation()
                    .map_err(|e| e.under(&format!("{}.ContactItem", path())))?,
                ok: item.code == 0,
                code: item.code,
                info: item.info.unwrap_or_default(),
            });
        }
        let requested = self
            .add
            .iter()
            .map(|c| (GroupChange::Add, c))
            .chain(self.remove.iter().map(|c| (GroupChange::Remove, c)));
        let results = pair_results(
            requested,
            returned,
            |(change, want), r| r.change == *change && &r.conversation == *want,
            |(change, want)| GroupChangeOutcome {
                change,
                conversation: want.clone(),
                ok: false,
                code: -1,
                info: NO_RESULT.into(),
            },
        );
        let old_group_name = r.old_group_name.unwrap_or_else(|| self.group_name.clone());
        Ok(UpdateContactGroupResult {
            kind,
            group_name: r.group_name.unwrap_or_else(|| match kind {
                UpdateKind::Rename => self.new_name.clone().unwrap_or_default(),
                UpdateKind::Conversations => self.group_name.clone(),
            }),
            group_id: r.group_id,
            old_group_name,
            results,
        })
    }
}

// ---------------------------------------------------- create_contact_group

#[derive(Serialize)]
struct CreateWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "GroupContactItem")]
    groups: [CreateGroupWire<'a>; 1],
}

#[derive(Serialize)]
struct CreateGroupWire<'a> {
    #[serde(rename = "GroupName")]
    name: &'a str,
    #[serde(rename = "ContactItem")]
    items: Vec<WireContactOut<'a>>,
}

#[derive(Deserialize)]
struct CreateAnswer {
    #[serde(rename = "GroupResultItem")]
    groups: Vec<CreateGroupResultWire>,
}

#[derive(Deserialize)]
struct CreateGroupResultWire {
    #[serde(rename = "GroupItem")]
    group: WireGroupItem,
    #[serde(rename = "ResultItem", default)]
    items: Vec<ItemResultWire>,
}

#[derive(Deserialize)]
struct ItemResultWire {
    #[serde(rename = "ContactItem")]
    item: WireContactIn,
    #[serde(rename = "ResultCode")]
    code: i64,
    #[serde(rename = "ResultInfo", default, deserialize_with = "lenient_string")]
    info: Option<String>,
}

impl ItemResultWire {
    /// The item and its per-item result (kept as plain fields above: serde's
    /// `flatten` would buffer every item).
    fn parts(self) -> (WireContactIn, WireResult) {
        let result = WireResult {
            code: self.code,
            info: self.info,
        };
        (self.item, result)
    }
}

impl Command for CreateContactGroupRequest {
    const ENDPOINT: &'static str = "v4/recentcontact/create_contact_group";
    // A second create of the same name fails or makes a duplicate.
    const IDEMPOTENT: bool = false;
    type Output = CreateContactGroupResult;

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        check_group_name(&self.group_name, "groupName", MAX_GROUP_NAME_BYTES_CREATE)?;
        check_conversations(
            &self.conversations,
            "conversations",
            0,
            MAX_GROUPED_CONVERSATIONS,
            "",
        )?;
        encode_json(&CreateWire {
            from_account: &self.from_account,
            groups: [CreateGroupWire {
                name: &self.group_name,
                items: contacts_out(&self.conversations),
            }],
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<CreateContactGroupResult, Error> {
        let a: CreateAnswer = decode_answer(body)?;
        let Some(g) = a.groups.into_iter().next() else {
            return Err(Error::decode(
                "GroupResultItem",
                "expected one created group, got none",
            ));
        };
        let returned = g
            .items
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let (item, result) = r.parts();
                outcome(&item, result).map_err(|e| {
                    e.under(&format!("GroupResultItem[0].ResultItem[{i}].ContactItem"))
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let requested: Vec<&ConversationRef> = self.conversations.iter().collect();
        Ok(CreateContactGroupResult {
            group: g.group.into(),
            results: pair_outcomes(&requested, returned),
        })
    }
}

// ------------------------------------------------------- del_contact_group

#[derive(Serialize)]
struct DelWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "GroupName")]
    names: [&'a str; 1],
}

#[derive(Deserialize)]
struct DelAnswer {
    #[serde(rename = "GroupItem", default)]
    groups: Vec<WireGroupItem>,
}

impl Command for DelContactGroupRequest {
    const ENDPOINT: &'static str = "v4/recentcontact/del_contact_group";
    // A repeated delete answers 51009 (group does not exist).
    const IDEMPOTENT: bool = false;
    type Output = DelContactGroupResult;

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        check_group_name(&self.group_name, "groupName", MAX_GROUP_NAME_BYTES_RENAME)?;
        encode_json(&DelWire {
            from_account: &self.from_account,
            names: [&self.group_name],
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<DelContactGroupResult, Error> {
        let a: DelAnswer = decode_answer(body)?;
        Ok(DelContactGroupResult {
            deleted: a.groups.into_iter().map(Into::into).collect(),
        })
    }
}

// ------------------------------------------------------------ mark_contact

#[derive(Serialize)]
struct MarkWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "MarkItem")]
    items: Vec<MarkItemWire<'a>>,
}

#[derive(Serialize)]
struct MarkItemWire<'a> {
    #[serde(rename = "OptType")]
    opt: u8,
    #[serde(rename = "ContactItem")]
    item: WireContactOut<'a>,
    #[serde(rename = "ClearMark", skip_serializing_if = "Vec::is_empty")]
    clear: Vec<u8>,
    #[serde(rename = "SetMark", skip_serializing_if = "Vec::is_empty")]
    set: Vec<u8>,
    #[serde(rename = "CustomMark", skip_serializing_if = "Option::is_none")]
    custom: Option<&'a str>,
}

#[derive(Deserialize)]
struct MarkAnswer {
    #[serde(rename = "ResultItem", default)]
    items: Vec<ItemResultWire>,
}

impl MarkName {
    /// The name of a writable bit: built-in for 0..=3, custom otherwise.
    pub fn from_bit(bit: u8) -> MarkName {
        match bit {
            STAR_BIT => MarkName::Builtin(BuiltinMark::Star),
            UNREAD_BIT => MarkName::Builtin(BuiltinMark::Unread),
            FOLD_BIT => MarkName::Builtin(BuiltinMark::Fold),
            HIDE_BIT => MarkName::Builtin(BuiltinMark::Hide),
            other => MarkName::Custom(other),
        }
    }

    /// The bit this mark names.
    ///
    /// # Errors
    /// [`Error::invalid`] naming `field` for a custom bit outside 32..=63.
    pub fn bit(self, field: &str) -> Result<u8, Error> {
        match self {
            MarkName::Builtin(BuiltinMark::Star) => Ok(STAR_BIT),
            MarkName::Builtin(BuiltinMark::Unread) => Ok(UNREAD_BIT),
            MarkName::Builtin(BuiltinMark::Fold) => Ok(FOLD_BIT),
            MarkName::Builtin(BuiltinMark::Hide) => Ok(HIDE_BIT),
            MarkName::Custom(bit) => check_custom_bit(bit, field).map(|()| bit),
        }
    }
}

/// The distinct bits of `names`, ascending (a bit set, not a sort: mark bits
/// are 0..=63).
fn mark_bits(names: &[MarkName], field: &str) -> Result<Vec<u8>, Error> {
    let mut set = 0u64;
    for (i, n) in names.iter().enumerate() {
        set |= 1u64 << (n.bit(&format!("{field}[{i}]"))? & 63);
    }
    Ok((0..64u8).filter(|b| set >> b & 1 == 1).collect())
}

impl Command for MarkContactRequest {
    const ENDPOINT: &'static str = "v4/recentcontact/mark_contact";
    // Setting and clearing the same bits again converges.
    const IDEMPOTENT: bool = true;
    type Output = MarkContactResult;

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        if self.items.is_empty() {
            return Err(Error::invalid("items", "needs at least 1 change, got 0"));
        }
        if self.items.len() > MAX_MARK_ITEMS {
            return Err(Error::invalid(
                "items",
                format!(
                    "has {} changes; at most {MAX_MARK_ITEMS} per mark_contact request \
                     (the client's markContact sends more in chunks)",
                    self.items.len()
                ),
            ));
        }
        let mut items = Vec::with_capacity(self.items.len());
        for (i, change) in self.items.iter().enumerate() {
            let field = format!("items[{i}]");
            change
                .conversation
                .validate(&format!("{field}.conversation"))?;
            if change.target.is_some() {
                return Err(Error::invalid(
                    &format!("{field}.target"),
                    "a target needs the current marks: send it through Client::mark_contact, \
                     which reads them and sends the difference",
                ));
            }
            let set = mark_bits(&change.set, &format!("{field}.set"))?;
            let clear = mark_bits(&change.clear, &format!("{field}.clear"))?;
            if let Some(bit) = set.iter().find(|b| clear.contains(b)) {
                return Err(Error::invalid(
                    &format!("{field}.clear"),
                    format!("bit {bit} is both set and cleared"),
                ));
            }
            if let Some(custom) = &change.custom_mark {
                if custom.len() > MAX_CUSTOM_MARK_BYTES {
                    return Err(Error::invalid(
                        &format!("{field}.customMark"),
                        format!("is {} bytes; at most {MAX_CUSTOM_MARK_BYTES}", custom.len()),
                    ));
                }
            }
            let standard = !set.is_empty() || !clear.is_empty();
            let opt = match (standard, change.custom_mark.is_some()) {
                (true, false) => 1,
                (false, true) => 2,
                (true, true) => 3,
                (false, false) => {
                    return Err(Error::invalid(
                        &field,
                        "change nothing: give set, clear or customMark",
                    ))
                }
            };
            items.push(MarkItemWire {
                opt,
                item: WireContactOut::new(&change.conversation),
                clear,
                set,
                custom: change.custom_mark.as_deref(),
            });
        }
        encode_json(&MarkWire {
            from_account: &self.from_account,
            items,
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<MarkContactResult, Error> {
        let a: MarkAnswer = decode_answer(body)?;
        let returned = a
            .items
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let (item, result) = r.parts();
                outcome(&item, result).map_err(|e| e.under(&format!("ResultItem[{i}].ContactItem")))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let requested: Vec<&ConversationRef> = self.items.iter().map(|c| &c.conversation).collect();
        Ok(MarkContactResult {
            results: pair_outcomes(&requested, returned),
        })
    }
}

// ------------------------------------------------------------------ delete

#[derive(Serialize)]
struct DeleteWire<'a> {
    #[serde(rename = "From_Account")]
    from_account: &'a str,
    #[serde(rename = "Type")]
    ty: u8,
    #[serde(rename = "To_Account", skip_serializing_if = "Option::is_none")]
    to_account: Option<&'a str>,
    /// Note the lower-case `id`: this command alone spells it so.
    #[serde(rename = "ToGroupid", skip_serializing_if = "Option::is_none")]
    to_group_id: Option<&'a str>,
    #[serde(rename = "ClearRamble", skip_serializing_if = "Option::is_none")]
    clear_ramble: Option<u8>,
}

impl Command for DeleteContactRequest {
    const ENDPOINT: &'static str = "v4/recentcontact/delete";
    const IDEMPOTENT: bool = true;
    type Output = ();

    fn to_body(&self) -> Result<String, Error> {
        check_account(&self.from_account, "fromAccount")?;
        self.conversation.validate("conversation")?;
        let (ty, to_account, to_group_id) = match &self.conversation {
            ConversationRef::C2c { user_id } => (1, Some(user_id.as_str()), None),
            ConversationRef::Group { group_id } => (2, None, Some(group_id.as_str())),
        };
        encode_json(&DeleteWire {
            from_account: &self.from_account,
            ty,
            to_account,
            to_group_id,
            clear_ramble: self.clear_ramble.map(u8::from),
        })
    }

    fn parse_body(&self, body: &[u8]) -> Result<(), Error> {
        decode_answer::<serde::de::IgnoredAny>(body).map(|_| ())
    }
}
