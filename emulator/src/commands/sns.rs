//! Friend groups (`v4/sns/group_*`): group_get, group_add, group_delete;
//! and the friend list (`v4/sns/friend_get`).
//! `CurrentSequence` is bumped once per successful write.

use super::wire::{bad, opt_arr, opt_str, opt_u64, req_arr, req_u64, str_list};
use super::{ApiError, Ctx, Obj, R};
use crate::state::User;
use serde_json::{json, Value};
use std::collections::BTreeSet;

pub(super) fn group_get(o: &Obj, u: &User) -> R<Obj> {
    let pc = 30001;
    let need = opt_str(o, "NeedFriend", pc)?;
    let need_friend = match need {
        None | Some("") => false,
        Some("Need_Friend_Type_Yes") => true,
        Some(_) => {
            return Err(bad(
                pc,
                "NeedFriend must be \"Need_Friend_Type_Yes\" or empty",
            ))
        }
    };
    // LastSequence is accepted and ignored (the full list is always returned).
    let _ = opt_u64(o, "LastSequence", pc)?;
    let filter = match opt_arr(o, "GroupName", pc)? {
        Some(a) => Some(str_list(a, "GroupName", pc)?),
        None => None,
    };
    let groups: Vec<&(String, BTreeSet<String>)> = match &filter {
        Some(names) => names
            .iter()
            .filter_map(|n| u.friend_groups.iter().find(|(g, _)| g == n))
            .collect(),
        None => u.friend_groups.iter().collect(),
    };
    let items: Vec<Value> = groups
        .into_iter()
        .map(|(name, members)| {
            let mut m = Obj::new();
            m.insert("GroupName".into(), json!(name));
            m.insert("FriendNumber".into(), json!(members.len()));
            if need_friend {
                m.insert("To_Account".into(), json!(members));
            }
            Value::Object(m)
        })
        .collect();
    let mut r = Obj::new();
    r.insert("ResultItem".into(), Value::Array(items));
    r.insert("CurrentSequence".into(), json!(u.friend_group_seq));
    Ok(r)
}

pub(super) fn group_add(o: &Obj, u: &mut User, ctx: &Ctx<'_>) -> R<Obj> {
    let pc = 30001;
    let names = str_list(req_arr(o, "GroupName", pc)?, "GroupName", pc)?;
    if names.is_empty() {
        return Err(bad(pc, "GroupName must not be empty"));
    }
    let accounts = match opt_arr(o, "To_Account", pc)? {
        Some(a) => Some(str_list(a, "To_Account", pc)?),
        None => None,
    };
    let mut uniq = BTreeSet::new();
    for n in &names {
        if !uniq.insert(n) {
            return Err(bad(pc, format!("duplicate GroupName {n}")));
        }
        if u.friend_groups.iter().any(|(g, _)| g == n) {
            return Err(bad(pc, format!("group name exists: {n}")));
        }
    }
    if u.friend_groups.len() + names.len() > ctx.limits.max_friend_groups {
        return Err(ApiError::new(
            30011,
            format!(
                "friend group count would exceed {}",
                ctx.limits.max_friend_groups
            ),
        ));
    }
    let mut members = BTreeSet::new();
    let mut results = Vec::new();
    let mut failed = Vec::new();
    for a in accounts.iter().flatten() {
        if u.friends.contains(a) {
            members.insert(a.clone());
            results.push(json!({"To_Account": a, "ResultCode": 0, "ResultInfo": ""}));
        } else {
            failed.push(a.clone());
            results.push(json!({
                "To_Account": a,
                "ResultCode": 32216,
                "ResultInfo": "Err_SNS_GroupAdd_ToTinyId_Not_Friend",
            }));
        }
    }
    for n in names {
        u.friend_groups.push((n, members.clone()));
    }
    u.friend_group_seq = u.friend_group_seq.saturating_add(1);
    let mut r = Obj::new();
    if accounts.is_some() {
        r.insert("ResultItem".into(), Value::Array(results));
        r.insert("Fail_Account".into(), json!(failed));
    }
    r.insert("CurrentSequence".into(), json!(u.friend_group_seq));
    Ok(r)
}

pub(super) fn group_delete(o: &Obj, u: &mut User) -> R<Obj> {
    let pc = 30001;
    let names = str_list(req_arr(o, "GroupName", pc)?, "GroupName", pc)?;
    if names.is_empty() {
        return Err(bad(pc, "GroupName must not be empty"));
    }
    for n in &names {
        if !u.friend_groups.iter().any(|(g, _)| g == n) {
            return Err(bad(pc, format!("friend group {n} does not exist")));
        }
    }
    u.friend_groups.retain(|(g, _)| !names.contains(g));
    u.friend_group_seq = u.friend_group_seq.saturating_add(1);
    let mut r = Obj::new();
    r.insert("CurrentSequence".into(), json!(u.friend_group_seq));
    Ok(r)
}

/// `sns/friend_get`: one page of the user's friends, in UserID order, each
/// with its friend groups (`Tag_SNS_IM_Group`, in the groups' order; omitted
/// when it is in none). The emulator keeps no other friend data (remark, add
/// source, add time, custom fields), so it sends no other tag.
/// `StandardSequence` is the friend-group sequence (the emulator's only
/// standard friend data that changes); `CustomSequence` is always 0. A
/// request whose `StandardSequence` equals it still gets the friends' IDs,
/// without their tags (the documented "no standard friend data").
pub(super) fn friend_get(o: &Obj, u: &User, ctx: &Ctx<'_>) -> R<Obj> {
    let pc = 30001;
    let start = req_u64(o, "StartIndex", pc)?;
    let standard = opt_u64(o, "StandardSequence", pc)?;
    let _ = opt_u64(o, "CustomSequence", pc)?;
    let unchanged = standard == Some(u.friend_group_seq) && standard != Some(0);
    let size = ctx.friend_page_size.max(1);
    let total = u.friends.len();
    let from = usize::try_from(start).unwrap_or(usize::MAX).min(total);
    let to = from.saturating_add(size).min(total);
    let complete = to >= total;
    let items: Vec<Value> = u
        .friends
        .iter()
        .skip(from)
        .take(to - from)
        .map(|f| {
            let groups: Vec<&String> = u
                .friend_groups
                .iter()
                .filter(|(_, m)| m.contains(f))
                .map(|(g, _)| g)
                .collect();
            let mut tags = Vec::new();
            if !unchanged && !groups.is_empty() {
                tags.push(json!({"Tag": "Tag_SNS_IM_Group", "Value": groups}));
            }
            json!({"To_Account": f, "ValueItem": tags})
        })
        .collect();
    let mut r = Obj::new();
    r.insert("UserDataItem".into(), Value::Array(items));
    r.insert("StandardSequence".into(), json!(u.friend_group_seq));
    r.insert("CustomSequence".into(), json!(0));
    r.insert("FriendNum".into(), json!(total));
    r.insert("CompleteFlag".into(), json!(u8::from(complete)));
    r.insert(
        "NextStartIndex".into(),
        json!(if complete { 0 } else { to as u64 }),
    );
    Ok(r)
}
