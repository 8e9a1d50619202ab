//! recentcontact reads and delete: get_list (cursor paging, pinned paging),
//! delete, get_contact_group (offset paging over marked conversations) and
//! search_contact_group.

use super::wire::{
    bad, contact_item_value, contact_key, group_items, mark_item_json, req_arr, req_u64,
    standard_mark,
};
use super::{Ctx, Obj, R};
use crate::state::{ConvKey, Conversation, User};
use serde_json::{json, Value};
use std::collections::BTreeSet;

type Entry<'a> = (&'a ConvKey, &'a Conversation);

fn cursor_pos(list: &[Entry<'_>], ts: u64, idx: u64) -> usize {
    if ts == 0 && idx == 0 {
        return 0;
    }
    let a = list.partition_point(|(_, c)| c.msg_time > ts);
    let b = list.partition_point(|(_, c)| c.msg_time >= ts);
    let skip = usize::try_from(idx).unwrap_or(usize::MAX);
    a.saturating_add(skip).min(b)
}

fn cursor_after(list: &[Entry<'_>], end: usize) -> (u64, u64) {
    let t = list[end - 1].1.msg_time;
    let run_start = list.partition_point(|(_, c)| c.msg_time > t);
    (t, (end - run_start) as u64)
}

pub(super) fn get_list(o: &Obj, u: &User, ctx: &Ctx<'_>) -> R<Obj> {
    let pc = 50002;
    let ts = req_u64(o, "TimeStamp", pc)?;
    let si = req_u64(o, "StartIndex", pc)?;
    let tts = req_u64(o, "TopTimeStamp", pc)?;
    let tsi = req_u64(o, "TopStartIndex", pc)?;
    let flags = req_u64(o, "AssistFlags", pc)?;
    let pinned_support = flags & 1 != 0;
    let include_empty = flags & 2 != 0;
    let page_pinned = flags & 4 != 0;
    let attach = flags & 0b11_1000 != 0;

    let mut pinned: Vec<Entry<'_>> = Vec::new();
    let mut normal: Vec<Entry<'_>> = Vec::new();
    for e in &u.conversations {
        if !e.1.has_messages && !include_empty {
            continue;
        }
        if pinned_support && e.1.pinned {
            pinned.push(e);
        } else {
            normal.push(e);
        }
    }
    // BTreeMap order is the key order; a stable sort keeps it as tie-break.
    pinned.sort_by_key(|e| std::cmp::Reverse(e.1.msg_time));
    normal.sort_by_key(|e| std::cmp::Reverse(e.1.msg_time));

    let size = ctx.get_list_page_size.max(1);
    let mut items: Vec<Value> = Vec::new();
    let item = |(k, c): Entry<'_>, top: bool| -> Value {
        let mut m = Obj::new();
        m.insert("Type".into(), json!(k.type_num()));
        match k {
            ConvKey::C2c(p) => m.insert("To_Account".into(), json!(p)),
            ConvKey::Group(g) => m.insert("GroupId".into(), json!(g)),
        };
        m.insert("MsgTime".into(), json!(c.msg_time));
        m.insert("TopFlag".into(), json!(u8::from(top)));
        if attach {
            if let Some(md) = u.marks.get(k) {
                if md.bits != 0 {
                    m.insert("StandardMark".into(), json!(standard_mark(md.bits)));
                }
                if !md.custom.is_empty() {
                    m.insert("CustomMark".into(), json!(md.custom));
                }
                if !md.groups.is_empty() {
                    m.insert("ContactGroupId".into(), json!(md.groups));
                }
            }
        }
        Value::Object(m)
    };

    let normal_start = ts == 0 && si == 0;
    let (p_from, p_to) = if !pinned_support {
        (0, 0)
    } else if page_pinned {
        let from = cursor_pos(&pinned, tts, tsi);
        (from, from.saturating_add(size).min(pinned.len()))
    } else if normal_start {
        (0, pinned.len())
    } else {
        (pinned.len(), pinned.len())
    };
    for e in &pinned[p_from..p_to] {
        items.push(item(*e, true));
    }
    let room = if pinned_support && page_pinned {
        size - (p_to - p_from)
    } else {
        size
    };
    let n_from = cursor_pos(&normal, ts, si);
    let n_to = n_from.saturating_add(room).min(normal.len());
    for e in &normal[n_from..n_to] {
        items.push(item(*e, false));
    }
    let complete = p_to >= pinned.len() && n_to >= normal.len();
    let (nts, nsi) = if n_to > n_from {
        cursor_after(&normal, n_to)
    } else {
        (ts, si)
    };
    let (ptts, ptsi) = if p_to > p_from {
        cursor_after(&pinned, p_to)
    } else {
        (tts, tsi)
    };
    let mut r = Obj::new();
    r.insert("SessionItem".into(), Value::Array(items));
    r.insert("CompleteFlag".into(), json!(u8::from(complete)));
    r.insert("TimeStamp".into(), json!(nts));
    r.insert("StartIndex".into(), json!(nsi));
    r.insert("TopTimeStamp".into(), json!(ptts));
    r.insert("TopStartIndex".into(), json!(ptsi));
    Ok(r)
}

pub(super) fn delete(o: &Obj, u: &mut User) -> R<Obj> {
    let pc = 50002;
    let key = contact_key(o, "request", pc, true)?;
    if let Some(v) = o.get("ClearRamble") {
        if !v.is_u64() {
            return Err(bad(pc, "ClearRamble must be 0 or 1"));
        }
    }
    // Deleting a conversation that is not in the list is a no-op success.
    u.conversations.remove(&key);
    Ok(Obj::new())
}

pub(super) fn get_contact_group(o: &Obj, u: &User, ctx: &Ctx<'_>) -> R<Obj> {
    let pc = 50002;
    let start = req_u64(o, "StartIndex", pc)?;
    let entries: Vec<_> = u.marks.iter().filter(|(_, m)| m.has_data()).collect();
    let size = ctx.contact_group_page_size.max(1);
    let from = usize::try_from(start)
        .unwrap_or(usize::MAX)
        .min(entries.len());
    let to = from.saturating_add(size).min(entries.len());
    let complete = to >= entries.len();
    let mut r = Obj::new();
    r.insert(
        "ContactItem".into(),
        Value::Array(
            entries[from..to]
                .iter()
                .map(|(k, m)| mark_item_json(k, m))
                .collect(),
        ),
    );
    r.insert("GroupItem".into(), group_items(u));
    r.insert("CompleteFlag".into(), json!(u8::from(complete)));
    r.insert(
        "NextStartIndex".into(),
        json!(if complete { 0 } else { to as u64 }),
    );
    if complete {
        // Undocumented, but the real last page carries it (spec §3.8): Unix
        // seconds; here the latest `Timestamp` of the data listed, 0 if none.
        let latest = entries.iter().map(|(_, m)| m.timestamp).max().unwrap_or(0);
        r.insert("CompleteTime".into(), json!(latest));
    }
    Ok(r)
}

pub(super) fn search_contact_group(o: &Obj, u: &User, ctx: &Ctx<'_>) -> R<Obj> {
    let pc = 50002;
    let items = req_arr(o, "ContactItem", pc)?;
    if items.len() > ctx.limits.max_search_items {
        return Err(bad(
            pc,
            format!(
                "ContactItem has more than {} items",
                ctx.limits.max_search_items
            ),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let key = contact_item_value(it, &format!("ContactItem[{i}]"), pc)?;
        if !seen.insert(key.clone()) {
            continue;
        }
        if let Some(m) = u.marks.get(&key).filter(|m| m.has_data()) {
            out.push(mark_item_json(&key, m));
        }
    }
    let mut r = Obj::new();
    r.insert("ContactResultItem".into(), Value::Array(out));
    r.insert("GroupItem".into(), group_items(u));
    Ok(r)
}
