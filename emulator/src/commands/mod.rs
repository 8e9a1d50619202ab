//! The eleven REST commands, as pure functions over [`State`], grouped by
//! command family: what a handler is given (a parsed JSON object, the user it
//! names, a [`Ctx`]) and what it returns (the answer's data fields; the core adds
//! the envelope `ActionStatus`, `ErrorCode`, `ErrorInfo`, `ErrorDisplay`).
//!
//! | file | commands |
//! |---|---|
//! | `recentcontact.rs` | get_list, delete, get_contact_group, search_contact_group |
//! | `groups.rs` | create_contact_group, del_contact_group, update_contact_group |
//! | `marks.rs` | mark_contact (and the 1000-conversation cap every mark write checks) |
//! | `sns.rs` | sns/group_add, sns/group_delete, sns/group_get |
//! | `wire.rs` | reading request fields, writing the item shapes they share |
//!
//! A 12th command is a variant of [`Command`] (its path, family and whether it
//! writes), one arm in [`handle`] and its handler in the family's file.

mod groups;
mod marks;
mod recentcontact;
mod sns;
mod wire;

use crate::state::State;
use serde_json::{Map, Value};

pub use wire::standard_mark;

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

pub(crate) type Obj = Map<String, Value>;
pub(crate) type R<T> = Result<T, ApiError>;

/// Run a command on `state`. On error nothing was changed.
///
/// # Errors
/// The FAIL envelope's code and info: a bad or missing field (50002 / 30001),
/// an unknown `From_Account` (50001 / 30003), or the command's own codes.
pub fn handle(cmd: Command, body: &Obj, state: &mut State, ctx: &Ctx<'_>) -> R<Obj> {
    let fam = cmd.family();
    let pc = fam.param_code();
    let from = wire::req_str(body, "From_Account", pc)?;
    let user = state.users.get_mut(from).ok_or_else(|| {
        ApiError::new(
            fam.no_user_code(),
            format!("From_Account {from} does not exist"),
        )
    })?;
    match cmd {
        Command::GetList => recentcontact::get_list(body, user, ctx),
        Command::Delete => recentcontact::delete(body, user),
        Command::CreateContactGroup => groups::create_contact_group(body, user, ctx),
        Command::DelContactGroup => groups::del_contact_group(body, user, ctx),
        Command::UpdateContactGroup => groups::update_contact_group(body, user, ctx),
        Command::SearchContactGroup => recentcontact::search_contact_group(body, user, ctx),
        Command::MarkContact => marks::mark_contact(body, user, ctx),
        Command::GetContactGroup => recentcontact::get_contact_group(body, user, ctx),
        Command::SnsGroupGet => sns::group_get(body, user),
        Command::SnsGroupAdd => sns::group_add(body, user, ctx),
        Command::SnsGroupDelete => sns::group_delete(body, user),
    }
}
