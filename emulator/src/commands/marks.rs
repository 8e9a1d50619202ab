//! mark_contact, and the cap on conversations with marks or groups that
//! every mark write (marks and conversation groups) checks before it commits.

use super::wire::{
    as_obj, bad, contact_item_value, key_json, opt_arr, opt_str, req_arr, req_u64, u8_list,
};
use super::{ApiError, Ctx, Limits, Obj, R};
use crate::state::{ConvKey, MarkData, User};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub(super) fn commit_marks(
    u: &mut User,
    mut marks: BTreeMap<ConvKey, MarkData>,
    limits: &Limits,
) -> R<()> {
    marks.retain(|_, m| m.has_data());
    let before = u.marked_count();
    let after = marks.len();
    if after > limits.max_marked_conversations && after > before {
        return Err(ApiError::new(
            51008,
            format!(
                "more than {} conversations with marks or groups",
                limits.max_marked_conversations
            ),
        ));
    }
    u.marks = marks;
    Ok(())
}

pub(super) fn mark_contact(o: &Obj, u: &mut User, ctx: &Ctx<'_>) -> R<Obj> {
    let pc = 50002;
    let items = req_arr(o, "MarkItem", pc)?;
    if items.is_empty() || items.len() > ctx.limits.max_mark_items {
        return Err(ApiError::new(
            51006,
            format!(
                "MarkItem must contain 1..={} items",
                ctx.limits.max_mark_items
            ),
        ));
    }
    struct Item {
        opt: u64,
        key: ConvKey,
        set: Vec<u64>,
        clear: Vec<u64>,
        custom: Option<String>,
    }
    let mut parsed = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let what = format!("MarkItem[{i}]");
        let io = as_obj(it, &what, pc)?;
        let wrap = |e: ApiError| bad(pc, format!("{what}.{}", e.info));
        let opt = req_u64(io, "OptType", pc).map_err(wrap)?;
        let ci = io
            .get("ContactItem")
            .ok_or_else(|| bad(pc, format!("{what}.ContactItem is required")))?;
        let key = contact_item_value(ci, &format!("{what}.ContactItem"), pc)?;
        let set = match opt_arr(io, "SetMark", pc).map_err(wrap)? {
            Some(a) => u8_list(a, &format!("{what}.SetMark"), pc)?,
            None => Vec::new(),
        };
        let clear = match opt_arr(io, "ClearMark", pc).map_err(wrap)? {
            Some(a) => u8_list(a, &format!("{what}.ClearMark"), pc)?,
            None => Vec::new(),
        };
        let custom = opt_str(io, "CustomMark", pc)
            .map_err(wrap)?
            .map(str::to_string);
        parsed.push(Item {
            opt,
            key,
            set,
            clear,
            custom,
        });
    }
    let mut marks = u.marks.clone();
    let mut results = Vec::new();
    for it in &parsed {
        let check = || -> Result<(), String> {
            if !(1..=3).contains(&it.opt) {
                return Err("OptType must be 1, 2 or 3".into());
            }
            if it.opt & 1 != 0 {
                if let Some(b) = it.set.iter().chain(&it.clear).find(|b| **b > 63) {
                    return Err(format!("mark bit {b} out of range 0..=63"));
                }
            }
            if it.opt & 2 != 0 {
                match &it.custom {
                    None => return Err("CustomMark is required for OptType 2/3".into()),
                    Some(c) if c.len() > ctx.limits.custom_mark_max => {
                        return Err(format!(
                            "CustomMark longer than {} bytes",
                            ctx.limits.custom_mark_max
                        ))
                    }
                    _ => {}
                }
            }
            Ok(())
        };
        let (code, info) = match check() {
            Ok(()) => {
                let m = marks.entry(it.key.clone()).or_default();
                if it.opt & 1 != 0 {
                    for b in &it.clear {
                        m.bits &= !(1u64 << b);
                    }
                    for b in &it.set {
                        m.bits |= 1u64 << b;
                    }
                }
                if it.opt & 2 != 0 {
                    m.custom = it.custom.clone().unwrap_or_default();
                }
                m.timestamp = ctx.now;
                (0, String::new())
            }
            Err(e) => (50002, e),
        };
        results.push(json!({
            "OptType": it.opt,
            "ContactItem": key_json(&it.key),
            "ResultCode": code,
            "ResultInfo": info,
        }));
    }
    commit_marks(u, marks, ctx.limits)?;
    let mut r = Obj::new();
    r.insert("ResultItem".into(), Value::Array(results));
    Ok(r)
}
