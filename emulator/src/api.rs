//! The eleven REST commands, as pure functions over [`State`].
//!
//! Each handler returns the response's data fields; the caller adds the
//! envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`, `ErrorDisplay`).

use crate::state::{ConvKey, Conversation, MarkData, State, User};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Error returned as a FAIL envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// `ErrorCode`.
    pub code: i64,
    /// `ErrorInfo`.
    pub info: String,
}

impl ApiError {
    /// Build an error.
    pub fn new(code: i64, info: impl Into<String>) -> Self {
        ApiError {
            code,
            info: info.into(),
        }
    }
}

/// The API family of a command (selects parameter / unknown-user codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `v4/recentcontact/*`: 50002 bad parameter, 50001 unknown account.
    RecentContact,
    /// `v4/sns/*`: 30001 bad parameter, 30003 unknown account.
    Sns,
}

impl Family {
    /// Parameter-error code.
    pub fn param_code(self) -> i64 {
        match self {
            Family::RecentContact => 50002,
            Family::Sns => 30001,
        }
    }
    /// Unknown-account code.
    pub fn no_user_code(self) -> i64 {
        match self {
            Family::RecentContact => 50001,
            Family::Sns => 30003,
        }
    }
}

/// The supported commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// recentcontact/get_list
    GetList,
    /// recentcontact/delete
    Delete,
    /// recentcontact/create_contact_group
    CreateContactGroup,
    /// recentcontact/del_contact_group
    DelContactGroup,
    /// recentcontact/update_contact_group
    UpdateContactGroup,
    /// recentcontact/search_contact_group
    SearchContactGroup,
    /// recentcontact/mark_contact
    MarkContact,
    /// recentcontact/get_contact_group
    GetContactGroup,
    /// sns/group_get
    SnsGroupGet,
    /// sns/group_add
    SnsGroupAdd,
    /// sns/group_delete
    SnsGroupDelete,
}

impl Command {
    /// Look up `service/command`.
    pub fn parse(service: &str, command: &str) -> Option<Command> {
        Some(match (service, command) {
            ("recentcontact", "get_list") => Command::GetList,
            ("recentcontact", "delete") => Command::Delete,
            ("recentcontact", "create_contact_group") => Command::CreateContactGroup,
            ("recentcontact", "del_contact_group") => Command::DelContactGroup,
            ("recentcontact", "update_contact_group") => Command::UpdateContactGroup,
            ("recentcontact", "search_contact_group") => Command::SearchContactGroup,
            ("recentcontact", "mark_contact") => Command::MarkContact,
            ("recentcontact", "get_contact_group") => Command::GetContactGroup,
            ("sns", "group_get") => Command::SnsGroupGet,
            ("sns", "group_add") => Command::SnsGroupAdd,
            ("sns", "group_delete") => Command::SnsGroupDelete,
            _ => return None,
        })
    }

    /// Family of this command.
    pub fn family(self) -> Family {
        match self {
            Command::SnsGroupGet | Command::SnsGroupAdd | Command::SnsGroupDelete => Family::Sns,
            _ => Family::RecentContact,
        }
    }

    /// True for commands that change state.
    pub fn is_write(self) -> bool {
        !matches!(
            self,
            Command::GetList
                | Command::SearchContactGroup
                | Command::GetContactGroup
                | Command::SnsGroupGet
        )
    }
}

/// Limits enforced by the handlers (all configurable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Max conversation groups per user (51010).
    pub max_contact_groups: usize,
    /// Max conversations with marks or groups per user (51008).
    pub max_marked_conversations: usize,
    /// Max `GroupName` bytes on create (51011): 64 in the 2026 revision of
    /// the page (older revisions: 32).
    pub create_group_name_max: usize,
    /// Max `NewGroupName` bytes on rename (51011): 64.
    pub rename_group_name_max: usize,
    /// Max items in mark_contact (51006).
    pub max_mark_items: usize,
    /// Max items in search_contact_group (50002).
    pub max_search_items: usize,
    /// Max `CustomMark` bytes (per-item 50002).
    pub custom_mark_max: usize,
    /// Max friend groups per user (30011).
    pub max_friend_groups: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_contact_groups: 20,
            max_marked_conversations: 1000,
            create_group_name_max: 64,
            rename_group_name_max: 64,
            max_mark_items: 100,
            max_search_items: 300,
            custom_mark_max: 256,
            max_friend_groups: 32,
        }
    }
}

/// Per-request context.
#[derive(Debug, Clone)]
pub struct Ctx<'a> {
    /// Limits.
    pub limits: &'a Limits,
    /// Current time (s).
    pub now: u64,
    /// get_list page size.
    pub get_list_page_size: usize,
    /// get_contact_group page size.
    pub contact_group_page_size: usize,
}

type Obj = Map<String, Value>;
type R<T> = Result<T, ApiError>;

// ---------------------------------------------------------------------------
// parameter helpers
// ---------------------------------------------------------------------------

fn bad(pc: i64, msg: impl Into<String>) -> ApiError {
    ApiError::new(pc, msg)
}

fn req_str<'a>(o: &'a Obj, k: &str, pc: i64) -> R<&'a str> {
    match o.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::String(_)) => Err(bad(pc, format!("{k} must not be empty"))),
        Some(_) => Err(bad(pc, format!("{k} must be a string"))),
        None => Err(bad(pc, format!("{k} is required"))),
    }
}

fn opt_str<'a>(o: &'a Obj, k: &str, pc: i64) -> R<Option<&'a str>> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad(pc, format!("{k} must be a string"))),
    }
}

fn req_u64(o: &Obj, k: &str, pc: i64) -> R<u64> {
    match o.get(k) {
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or_else(|| bad(pc, format!("{k} must be a non-negative integer"))),
        Some(_) => Err(bad(pc, format!("{k} must be an integer"))),
        None => Err(bad(pc, format!("{k} is required"))),
    }
}

fn opt_u64(o: &Obj, k: &str, pc: i64) -> R<Option<u64>> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => req_u64(o, k, pc).map(Some),
    }
}

fn req_arr<'a>(o: &'a Obj, k: &str, pc: i64) -> R<&'a Vec<Value>> {
    match o.get(k) {
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(bad(pc, format!("{k} must be an array"))),
        None => Err(bad(pc, format!("{k} is required"))),
    }
}

fn opt_arr<'a>(o: &'a Obj, k: &str, pc: i64) -> R<Option<&'a Vec<Value>>> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => req_arr(o, k, pc).map(Some),
    }
}

fn as_obj<'a>(v: &'a Value, what: &str, pc: i64) -> R<&'a Obj> {
    v.as_object()
        .ok_or_else(|| bad(pc, format!("{what} must be an object")))
}

fn str_list(a: &[Value], what: &str, pc: i64) -> R<Vec<String>> {
    a.iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            _ => Err(bad(pc, format!("{what}[{i}] must be a non-empty string"))),
        })
        .collect()
}

fn u8_list(a: &[Value], what: &str, pc: i64) -> R<Vec<u64>> {
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
fn contact_key(o: &Obj, what: &str, pc: i64, lower_id: bool) -> R<ConvKey> {
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

fn contact_item_value(o: &Value, what: &str, pc: i64) -> R<ConvKey> {
    contact_key(as_obj(o, what, pc)?, what, pc, false)
}

/// Request-style ContactItem echo: `{Type, To_Account}` / `{Type, ToGroupId}`.
fn key_json(k: &ConvKey) -> Obj {
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
fn mark_item_json(k: &ConvKey, m: &MarkData) -> Value {
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

fn group_items(u: &User) -> Value {
    Value::Array(
        u.contact_groups
            .iter()
            .map(|(id, name)| json!({"GroupName": name, "GroupId": id}))
            .collect(),
    )
}

fn commit_marks(u: &mut User, mut marks: BTreeMap<ConvKey, MarkData>, limits: &Limits) -> R<()> {
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

// ---------------------------------------------------------------------------
// dispatch
// ---------------------------------------------------------------------------

/// Run a command on `state`. On error nothing was changed.
pub fn handle(cmd: Command, body: &Obj, state: &mut State, ctx: &Ctx<'_>) -> R<Obj> {
    let fam = cmd.family();
    let pc = fam.param_code();
    let from = req_str(body, "From_Account", pc)?;
    let user = state.users.get_mut(from).ok_or_else(|| {
        ApiError::new(
            fam.no_user_code(),
            format!("From_Account {from} does not exist"),
        )
    })?;
    match cmd {
        Command::GetList => get_list(body, user, ctx),
        Command::Delete => delete(body, user),
        Command::CreateContactGroup => create_contact_group(body, user, ctx),
        Command::DelContactGroup => del_contact_group(body, user, ctx),
        Command::UpdateContactGroup => update_contact_group(body, user, ctx),
        Command::SearchContactGroup => search_contact_group(body, user, ctx),
        Command::MarkContact => mark_contact(body, user, ctx),
        Command::GetContactGroup => get_contact_group(body, user, ctx),
        Command::SnsGroupGet => sns_group_get(body, user),
        Command::SnsGroupAdd => sns_group_add(body, user, ctx),
        Command::SnsGroupDelete => sns_group_delete(body, user),
    }
}

// ---------------------------------------------------------------------------
// recentcontact
// ---------------------------------------------------------------------------

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

fn get_list(o: &Obj, u: &User, ctx: &Ctx<'_>) -> R<Obj> {
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

fn delete(o: &Obj, u: &mut User) -> R<Obj> {
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

fn check_group_name(name: &str, max: usize) -> R<()> {
    if name.len() > max {
        return Err(ApiError::new(
            51011,
            format!("group name longer than {max} bytes"),
        ));
    }
    Ok(())
}

fn create_contact_group(o: &Obj, u: &mut User, ctx: &Ctx<'_>) -> R<Obj> {
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

fn del_contact_group(o: &Obj, u: &mut User, ctx: &Ctx<'_>) -> R<Obj> {
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

fn update_contact_group(o: &Obj, u: &mut User, ctx: &Ctx<'_>) -> R<Obj> {
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

fn search_contact_group(o: &Obj, u: &User, ctx: &Ctx<'_>) -> R<Obj> {
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

fn mark_contact(o: &Obj, u: &mut User, ctx: &Ctx<'_>) -> R<Obj> {
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

fn get_contact_group(o: &Obj, u: &User, ctx: &Ctx<'_>) -> R<Obj> {
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

// ---------------------------------------------------------------------------
// sns
// ---------------------------------------------------------------------------

fn sns_group_get(o: &Obj, u: &User) -> R<Obj> {
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

fn sns_group_add(o: &Obj, u: &mut User, ctx: &Ctx<'_>) -> R<Obj> {
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

fn sns_group_delete(o: &Obj, u: &mut User) -> R<Obj> {
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
