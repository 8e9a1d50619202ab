//! Conversation groups: create_contact_group, del_contact_group,
//! update_contact_group (rename, or add / remove conversations).

use super::marks::commit_marks;
use super::wire::{
    as_obj, bad, contact_item_value, key_json, opt_arr, req_arr, req_str, req_u64, str_list,
};
use super::{ApiError, Ctx, Obj, R};
use crate::state::User;
use serde_json::{json, Value};

fn check_group_name(name: &str, max: usize) -> R<()> {
    if name.len() > max {
        return Err(ApiError::new(
            51011,
            format!("group name longer than {max} bytes"),
        ));
    }
    Ok(())
}

pub(super) fn create_contact_group(o: &Obj, u: &mut User, ctx: &Ctx<'_>) -> R<Obj> {
    let pc = 50002;
    let items = req_arr(o, "GroupContactItem", pc)?;
    if items.len() != 1 {
        return Err(bad(pc, "GroupContactItem must contain exactly one group"));
    }
    let gi = as_obj(&items[0], "GroupContactItem[0]", pc)?;
    let name = req_str(gi, "GroupName", pc)
        .map_err(|e| bad(pc, format!("GroupContactItem[0].{}", e.info)))?;
    // Optional since the 2026 revision (a group may start empty).
    let contacts = opt_arr(gi, "ContactItem", pc)
        .map_err(|e| bad(pc, format!("GroupContactItem[0].{}", e.info)))?
        .map_or(&[][..], Vec::as_slice);
    let keys = contacts
        .iter()
        .enumerate()
        .map(|(i, c)| contact_item_value(c, &format!("GroupContactItem[0].ContactItem[{i}]"), pc))
        .collect::<R<Vec<_>>>()?;
    check_group_name(name, ctx.limits.create_group_name_max)?;
    if u.group_id(name).is_some() {
        return Err(bad(pc, "group name exists"));
    }
    if u.contact_groups.len() >= ctx.limits.max_contact_groups {
        return Err(ApiError::new(
            51010,
            format!(
                "more than {} conversation groups",
                ctx.limits.max_contact_groups
            ),
        ));
    }
    let id = (1u64..)
        .find(|i| !u.contact_groups.contains_key(i))
        .unwrap_or(1);
    let mut marks = u.marks.clone();
    let mut results = Vec::new();
    for k in &keys {
        let m = marks.entry(k.clone()).or_default();
        m.groups.insert(id);
        m.timestamp = ctx.now;
        results.push(json!({"ContactItem": key_json(k), "ResultCode": 0, "ResultInfo": ""}));
    }
    commit_marks(u, marks, ctx.limits)?;
    u.contact_groups.insert(id, name.to_string());
    let mut r = Obj::new();
    r.insert(
        "GroupResultItem".into(),
        json!([{"GroupItem": {"GroupName": name, "GroupId": id}, "ResultItem": results}]),
    );
    Ok(r)
}

fn remove_group_id(u: &mut User, id: u64, now: u64) {
    for m in u.marks.values_mut() {
        if m.groups.remove(&id) {
            m.timestamp = now;
        }
    }
    u.marks.retain(|_, m| m.has_data());
}

pub(super) fn del_contact_group(o: &Obj, u: &mut User, ctx: &Ctx<'_>) -> R<Obj> {
    let pc = 50002;
    let names = str_list(req_arr(o, "GroupName", pc)?, "GroupName", pc)?;
    if names.len() != 1 {
        return Err(bad(pc, "GroupName must contain exactly one name"));
    }
    let name = &names[0];
    let id = u
        .group_id(name)
        .ok_or_else(|| ApiError::new(51009, format!("conversation group {name} does not exist")))?;
    u.contact_groups.remove(&id);
    remove_group_id(u, id, ctx.now);
    let mut r = Obj::new();
    r.insert(
        "GroupItem".into(),
        json!([{"GroupName": name, "GroupId": id}]),
    );
    Ok(r)
}

pub(super) fn update_contact_group(o: &Obj, u: &mut User, ctx: &Ctx<'_>) -> R<Obj> {
    let pc = 50002;
    let ut = req_u64(o, "UpdateType", pc)?;
    if ut != 1 {
        return Err(bad(pc, "UpdateType must be 1"));
    }
    let ug = match o.get("UpdateGroup") {
        Some(v) => as_obj(v, "UpdateGroup", pc)?,
        None => return Err(bad(pc, "UpdateGroup is required")),
    };
    let ugt = req_u64(ug, "UpdateGroupType", pc)
        .map_err(|e| bad(pc, format!("UpdateGroup.{}", e.info)))?;
    let old =
        req_str(ug, "OldGroupName", pc).map_err(|e| bad(pc, format!("UpdateGroup.{}", e.info)))?;
    let mut res = Obj::new();
    match ugt {
        1 => {
            let new = req_str(ug, "NewGroupName", pc)
                .map_err(|e| bad(pc, format!("UpdateGroup.{}", e.info)))?;
            check_group_name(new, ctx.limits.rename_group_name_max)?;
            let id = u.group_id(old).ok_or_else(|| {
                ApiError::new(51009, format!("conversation group {old} does not exist"))
            })?;
            if new != old && u.group_id(new).is_some() {
                return Err(bad(pc, "group name exists"));
            }
            u.contact_groups.insert(id, new.to_string());
            res.insert("UpdateGroupType".into(), json!(1));
            res.insert("GroupName".into(), json!(new));
            res.insert("GroupId".into(), json!(id));
            res.insert("OldGroupName".into(), json!(old));
        }
        2 => {
            let items = req_arr(ug, "ContactUpdateItem", pc)
                .map_err(|e| bad(pc, format!("UpdateGroup.{}", e.info)))?;
            let mut parsed = Vec::new();
            for (i, it) in items.iter().enumerate() {
                let what = format!("UpdateGroup.ContactUpdateItem[{i}]");
                let io = as_obj(it, &what, pc)?;
                let opt = req_u64(io, "ContactOptType", pc)
                    .map_err(|e| bad(pc, format!("{what}.{}", e.info)))?;
                let ci = io
                    .get("ContactItem")
                    .ok_or_else(|| bad(pc, format!("{what}.ContactItem is required")))?;
                let key = contact_item_value(ci, &format!("{what}.ContactItem"), pc)?;
                parsed.push((opt, key));
            }
            let id = u.group_id(old).ok_or_else(|| {
                ApiError::new(51009, format!("conversation group {old} does not exist"))
            })?;
            let mut marks = u.marks.clone();
            let mut results = Vec::new();
            for (opt, key) in &parsed {
                let (code, info) = match opt {
                    1 => {
                        let m = marks.entry(key.clone()).or_default();
                        m.groups.insert(id);
                        m.timestamp = ctx.now;
                        (0, String::new())
                    }
                    2 => {
                        if let Some(m) = marks.get_mut(key) {
                            if m.groups.remove(&id) {
                                m.timestamp = ctx.now;
                            }
                        }
                        (0, String::new())
                    }
                    _ => (50002, "ContactOptType must be 1 or 2".to_string()),
                };
                results.push(json!({
                    "ContactOptType": opt,
                    "ContactItem": key_json(key),
                    "ResultCode": code,
                    "ResultInfo": info,
                }));
            }
            commit_marks(u, marks, ctx.limits)?;
            res.insert("UpdateGroupType".into(), json!(2));
            res.insert("GroupName".into(), json!(old));
            res.insert("GroupId".into(), json!(id));
            res.insert("OldGroupName".into(), json!(old));
            res.insert("ContactResultItem".into(), Value::Array(results));
        }
        _ => return Err(bad(pc, "UpdateGroup.UpdateGroupType must be 1 or 2")),
    }
    let mut r = Obj::new();
    r.insert("UpdateType".into(), json!(1));
    r.insert("UpdateGroupResult".into(), Value::Object(res));
    Ok(r)
}
