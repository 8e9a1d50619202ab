//! The REST commands, as pure functions over [`State`], grouped by
//! command family: what a handler is given (a parsed JSON object, the user it
//! names, a [`Ctx`]) and what it returns (the answer's data fields; the core adds
//! the envelope `ActionStatus`, `ErrorCode`, `ErrorInfo`, `ErrorDisplay`).
//!
//! | file | commands |
//! |---|---|
//! | `recentcontact.rs` | get_list, delete, get_contact_group, search_contact_group |
//! | `groups.rs` | create_contact_group, del_contact_group, update_contact_group |
//! | `marks.rs` | mark_contact (and the 1000-conversation cap every mark write checks) |
//! | `sns.rs` | sns/group_add, sns/group_delete, sns/group_get, sns/friend_get |
//! | `wire.rs` | reading request fields, writing the item shapes they share |
//!
//! A new command is one row in [`emulator_commands!`] (its variant, path,
//! family, whether it writes, its handler) and its handler in the family's file.

mod groups;
mod marks;
mod recentcontact;
mod sns;
mod wire;

use crate::state::{State, User};
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

/// The one table of the emulator's commands: variant, `service/command`
/// path, family, whether it writes, and its handler (`body, user, ctx`).
/// The enum, its lookup and the dispatch in [`handle`] come from it.
macro_rules! emulator_commands {
    ($m:ident) => {
        $m! {
            GetList, "recentcontact", "get_list", RecentContact, read, |b, u, c| recentcontact::get_list(b, u, c);
            Delete, "recentcontact", "delete", RecentContact, write, |b, u, _c| recentcontact::delete(b, u);
            CreateContactGroup, "recentcontact", "create_contact_group", RecentContact, write, |b, u, c| groups::create_contact_group(b, u, c);
            DelContactGroup, "recentcontact", "del_contact_group", RecentContact, write, |b, u, c| groups::del_contact_group(b, u, c);
            UpdateContactGroup, "recentcontact", "update_contact_group", RecentContact, write, |b, u, c| groups::update_contact_group(b, u, c);
            SearchContactGroup, "recentcontact", "search_contact_group", RecentContact, read, |b, u, c| recentcontact::search_contact_group(b, u, c);
            MarkContact, "recentcontact", "mark_contact", RecentContact, write, |b, u, c| marks::mark_contact(b, u, c);
            GetContactGroup, "recentcontact", "get_contact_group", RecentContact, read, |b, u, c| recentcontact::get_contact_group(b, u, c);
            SnsGroupGet, "sns", "group_get", Sns, read, |b, u, _c| sns::group_get(b, u);
            SnsGroupAdd, "sns", "group_add", Sns, write, |b, u, c| sns::group_add(b, u, c);
            SnsGroupDelete, "sns", "group_delete", Sns, write, |b, u, _c| sns::group_delete(b, u);
            SnsFriendGet, "sns", "friend_get", Sns, read, |b, u, c| sns::friend_get(b, u, c);
        }
    };
}

macro_rules! command_enum {
    ($($variant:ident, $service:literal, $command:literal, $family:ident, $rw:ident, |$b:ident, $u:ident, $c:ident| $handler:expr;)*) => {
        /// The supported commands (from the table in [`emulator_commands!`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Command {
            $(
                #[doc = concat!("`v4/", $service, "/", $command, "`")]
                $variant,
            )*
        }

        impl Command {
            /// Every command, in the table's order.
            pub const ALL: &'static [Command] = &[$(Command::$variant),*];

            /// Look up `service/command`.
            pub fn parse(service: &str, command: &str) -> Option<Command> {
                match (service, command) {
                    $(($service, $command) => Some(Command::$variant),)*
                    _ => None,
                }
            }

            /// The `service/command` path.
            pub fn path(self) -> &'static str {
                match self {
                    $(Command::$variant => concat!($service, "/", $command),)*
                }
            }

            /// Family of this command.
            pub fn family(self) -> Family {
                match self {
                    $(Command::$variant => Family::$family,)*
                }
            }

            /// True for commands that change state.
            pub fn is_write(self) -> bool {
                match self {
                    $(Command::$variant => command_enum!(@writes $rw),)*
                }
            }

        }

        /// Runs `cmd`'s handler for the user the request names.
        fn dispatch(cmd: Command, body: &Obj, user: &mut User, ctx: &Ctx<'_>) -> R<Obj> {
            match cmd {
                $(Command::$variant => {
                    let ($b, $u, $c) = (body, user, ctx);
                    $handler
                })*
            }
        }
    };
    (@writes read) => { false };
    (@writes write) => { true };
}
emulator_commands!(command_enum);

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
    /// sns/friend_get page size.
    pub friend_page_size: usize,
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
    dispatch(cmd, body, user, ctx)
}
