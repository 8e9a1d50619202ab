//! The wire shapes the commands share: reading fields of a request object
//! (each error names the field and carries the family's parameter code `pc`),
//! and writing the ContactItem / GroupItem shapes of the answers (spec §2).

use super::{ApiError, Obj, R};
use crate::state::{ConvKey, MarkData, User};
use serde_json::{json, Value};

pub(super) fn bad(pc: i64, msg: impl Into<String>) -> ApiError {
    ApiError::new(pc, msg)
}

pub(super) fn req_str<'a>(o: &'a Obj, k: &str, pc: i64) -> R<&'a str> {
    match o.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::String(_)) => Err(bad(pc, format!("{k} must not be empty"))),
        Some(_) => Err(bad(pc, format!("{k} must be a string"))),
        None => Err(bad(pc, format!("{k} is required"))),
    }
}

pub(super) fn opt_str<'a>(o: &'a Obj, k: &str, pc: i64) -> R<Option<&'a str>> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad(pc, format!("{k} must be a string"))),
    }
}

pub(super) fn req_u64(o: &Obj, k: &str, pc: i64) -> R<u64> {
    match o.get(k) {
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or_else(|| bad(pc, format!("{k} must be a non-negative integer"))),
        Some(_) => Err(bad(pc, format!("{k} must be an integer"))),
        None => Err(bad(pc, format!("{k} is required"))),
    }
}

pub(super) fn opt_u64(o: &Obj, k: &str, pc: i64) -> R<Option<u64>> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => req_u64(o, k, pc).map(Some),
    }
}

pub(super) fn req_arr<'a>(o: &'a Obj, k: &str, pc: i64) -> R<&'a Vec<Value>> {
    match o.get(k) {
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(bad(pc, format!("{k} must be an array"))),
        None => Err(bad(pc, format!("{k} is required"))),
    }
}

pub(super) fn opt_arr<'a>(o: &'a Obj, k: &str, pc: i64) -> R<Option<&'a Vec<Value>>> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => req_arr(o, k, pc).map(Some),
    }
}

pub(super) fn as_obj<'a>(v: &'a Value, what: &str, pc: i64) -> R<&'a Obj> {
    v.as_object()
        .ok_or_else(|| bad(pc, format!("{what} must be an object")))
}

pub(super) fn str_list(a: &[Value], what: &str, pc: i64) -> R<Vec<String>> {
    a.iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            _ => Err(bad(pc, format!("{what}[{i}] must be a non-empty string"))),
        })
        .collect()
}

pub(super) fn u8_list(a: &[Value], what: &str, pc: i64) -> R<Vec<u64>> {
    a.iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_u64()
                .ok_or_else(|| bad(pc, format!("{what}[{i}] must be a non-negative integer")))
        })
        .collect()
}

/// Parse a request-side ContactItem (§2.1). `lower_id` also accepts the
/// `ToGroupid` spelling of recentcontact/delete.
pub(super) fn contact_key(o: &Obj, what: &str, pc: i64, lower_id: bool) -> R<ConvKey> {
    let t = match o.get("Type") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        None => return Err(bad(pc, format!("{what}.Type is required"))),
        _ => None,
    };
    match t {
        Some(1) => Ok(ConvKey::C2c(
            req_str(o, "To_Account", pc)
                .map_err(|e| bad(pc, format!("{what}.{}", e.info)))?
                .to_string(),
        )),
        Some(2) => {
            let g = if lower_id && o.contains_key("ToGroupid") {
                req_str(o, "ToGroupid", pc)
            } else {
                req_str(o, "ToGroupId", pc)
            };
            Ok(ConvKey::Group(
                g.map_err(|e| bad(pc, format!("{what}.{}", e.info)))?
                    .to_string(),
            ))
        }
        _ => Err(bad(pc, format!("{what}.Type must be 1 (C2C) or 2 (group)"))),
    }
}

pub(super) fn contact_item_value(o: &Value, what: &str, pc: i64) -> R<ConvKey> {
    contact_key(as_obj(o, what, pc)?, what, pc, false)
}

/// Request-style ContactItem echo: `{Type, To_Account}` / `{Type, ToGroupId}`.
pub(super) fn key_json(k: &ConvKey) -> Obj {
    let mut m = Obj::new();
    m.insert("Type".into(), json!(k.type_num()));
    match k {
        ConvKey::C2c(p) => m.insert("To_Account".into(), json!(p)),
        ConvKey::Group(g) => m.insert("ToGroupId".into(), json!(g)),
    };
    m
}

/// `StandardMark`: MSB-first binary numeral, "" for 0 (§5.3).
pub fn standard_mark(bits: u64) -> String {
    if bits == 0 {
        String::new()
    } else {
        format!("{bits:b}")
    }
}

/// Response-side ContactItem with mark data (§2.2).
pub(super) fn mark_item_json(k: &ConvKey, m: &MarkData) -> Value {
    let mut o = key_json(k);
    o.insert("StandardMark".into(), json!(standard_mark(m.bits)));
    if !m.custom.is_empty() {
        o.insert("CustomMark".into(), json!(m.custom));
    }
    if !m.groups.is_empty() {
        o.insert("ContactGroupId".into(), json!(m.groups));
    }
    o.insert("Timestamp".into(), json!(m.timestamp));
    Value::Object(o)
}

pub(super) fn group_items(u: &User) -> Value {
    Value::Array(
        u.contact_groups
            .iter()
            .map(|(id, name)| json!({"GroupName": name, "GroupId": id}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_mark_is_msb_first() {
        assert_eq!(standard_mark(0), "");
        assert_eq!(standard_mark(1), "1");
        assert_eq!(standard_mark(0b10), "10");
        assert_eq!(standard_mark(1 << 33), format!("1{}", "0".repeat(33)));
    }
}
