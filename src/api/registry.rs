//! The one table of commands.
//!
//! A REST command is its model types (`crate::model`), its `impl Command`
//! (this module tree), its emulator handler and fixtures, and **one row** in
//! [`for_each_command!`]. Everything else follows from that row: the Rust
//! forwarders on [`crate::client::Client`] (`client.get_list(&req)`), the
//! JavaScript methods of `TimClient` (`tim.getList(req)`), [`COMMANDS`]
//! (what the every-command tests and the fuzz target walk), and the
//! documentation of each method.
//!
//! A row reads
//!
//! ```text
//! /// docs of the method (Rust and JS alike)
//! rust_name "jsName" RequestType "RequestType" => OutputType, "TS return type", how,
//!     example = "{..}";
//! ```
//!
//! (the request type twice: as a type, and as the name of its TypeScript
//! interface for the JS method's signature), where `how` is `plain` (one call: [`crate::client::Client::execute_with`])
//! or `chunked(method)` (the client's own batching method, which splits a
//! request larger than one call allows), and then `example = "{..}"`: a
//! valid request in JSON, for the tests that run every command.
//! Idempotency and the endpoint come from the `impl Command` itself
//! ([`Command::IDEMPOTENT`], [`Command::ENDPOINT`]).

use super::Command;
use crate::error::Error;
use crate::transport::HttpResponse;

/// Calls the macro `$m` with every row of the command table.
macro_rules! for_each_command {
    ($m:ident) => {
        $m! {
            /// `v4/recentcontact/get_list`: one page of a user's conversations,
            /// pinned first. Pass the page's `nextCursor` as `cursor` until `complete`.
            ///
            /// @example
            /// ```js
            /// let cursor;
            /// for (;;) {
            ///   const page = await tim.getList({ fromAccount: "alice", cursor });
            ///   for (const c of page.items) console.log(c.conversation, c.marks.star);
            ///   if (page.complete) break;
            ///   cursor = page.nextCursor;
            /// }
            /// ```
            get_list "getList" GetListRequest "GetListRequest" => GetListPage,
                "Promise<GetListPage & TimCallInfo>", plain,
                example = r#"{"fromAccount":"a"}"#;

            /// `v4/recentcontact/get_contact_group`: one page of all conversations that
            /// have marks or groups, plus the user's conversation groups.
            get_contact_group "getContactGroup" GetContactGroupRequest "GetContactGroupRequest" => ContactGroupPage,
                "Promise<ContactGroupPage & TimCallInfo>", plain,
                example = r#"{"fromAccount":"a"}"#;

            /// `v4/recentcontact/search_contact_group`: marks and groups of given
            /// conversations. More than 300 are split into calls of 300 (one after
            /// the other, or `concurrency` at a time) and merged in input order.
            search_contact_group "searchContactGroup" SearchContactGroupRequest "SearchContactGroupRequest" => SearchContactGroupResult,
                "Promise<SearchContactGroupResult & TimCallInfo>", chunked(search_contact_group_with),
                example = r#"{"fromAccount":"a","conversations":[{"type":"c2c","userId":"u"}]}"#;

            /// `v4/recentcontact/update_contact_group`: rename a conversation group
            /// (`newName`), or add / remove conversations (per-item results).
            update_contact_group "updateContactGroup" UpdateContactGroupRequest "UpdateContactGroupRequest" => UpdateContactGroupResult,
                "Promise<UpdateContactGroupResult & TimCallInfo>", plain,
                example = r#"{"fromAccount":"a","groupName":"g","add":[{"type":"c2c","userId":"u"}],"remove":[]}"#;

            /// `v4/recentcontact/create_contact_group`: create one conversation group.
            create_contact_group "createContactGroup" CreateContactGroupRequest "CreateContactGroupRequest" => CreateContactGroupResult,
                "Promise<CreateContactGroupResult & TimCallInfo>", plain,
                example = r#"{"fromAccount":"a","groupName":"g","conversations":[{"type":"c2c","userId":"u"}]}"#;

            /// `v4/recentcontact/del_contact_group`: delete one conversation group.
            del_contact_group "delContactGroup" DelContactGroupRequest "DelContactGroupRequest" => DelContactGroupResult,
                "Promise<DelContactGroupResult & TimCallInfo>", plain,
                example = r#"{"fromAccount":"a","groupName":"g"}"#;

            /// `v4/recentcontact/mark_contact`: set / clear marks of conversations.
            /// With `target` instead of `set` / `clear`, the client reads the current
            /// marks and sends only the difference. More than 100 changes are split
            /// into calls of 100 (one after the other, or `concurrency` at a time);
            /// outcomes come back in request order, one per item. Items of a chunk
            /// that failed get `ok: false` and an `info` saying they are not
            /// confirmed; the call rejects only when every chunk failed.
            ///
            /// @example
            /// ```js
            /// await tim.markContact({ fromAccount: "alice", items: [
            ///   { conversation: { type: "c2c", userId: "bob" }, set: ["star", 40], clear: ["unread"] },
            /// ]});
            /// ```
            mark_contact "markContact" MarkContactRequest "MarkContactRequest" => MarkContactResult,
                "Promise<MarkContactResult & TimCallInfo>", chunked(mark_contact_with),
                example = r#"{"fromAccount":"a","items":[{"conversation":{"type":"c2c","userId":"u"},"set":["star"]}]}"#;

            /// `v4/recentcontact/delete`: remove a conversation from a user's list.
            delete_contact "deleteContact" DeleteContactRequest "DeleteContactRequest" => (),
                "Promise<void>", plain,
                example = r#"{"fromAccount":"a","conversation":{"type":"c2c","userId":"u"}}"#;

            /// `v4/sns/group_get`: a user's friend groups (with friends if `needFriends`).
            sns_group_get "snsGroupGet" SnsGroupGetRequest "SnsGroupGetRequest" => SnsGroupGetResult,
                "Promise<SnsGroupGetResult & TimCallInfo>", plain,
                example = r#"{"fromAccount":"a","groupNames":["g"]}"#;

            /// `v4/sns/group_add`: create friend groups, optionally with friends (per-friend results).
            sns_group_add "snsGroupAdd" SnsGroupAddRequest "SnsGroupAddRequest" => SnsGroupAddResult,
                "Promise<SnsGroupAddResult & TimCallInfo>", plain,
                example = r#"{"fromAccount":"a","groupNames":["g"],"friends":[]}"#;

            /// `v4/sns/group_delete`: delete friend groups.
            sns_group_delete "snsGroupDelete" SnsGroupDeleteRequest "SnsGroupDeleteRequest" => SnsGroupDeleteResult,
                "Promise<SnsGroupDeleteResult & TimCallInfo>", plain,
                example = r#"{"fromAccount":"a","groupNames":["g"]}"#;

            /// `v4/sns/friend_get`: one page of a user's friends, each with its
            /// friend groups (none: ungrouped), remark and fields. Pass the
            /// page's `nextStartIndex` as `startIndex` until `complete`, or
            /// walk them all with `listFriends`.
            sns_friend_get "snsFriendGet" SnsFriendGetRequest "SnsFriendGetRequest" => FriendPage,
                "Promise<FriendPage & TimCallInfo>", plain,
                example = r#"{"fromAccount":"a"}"#;
        }
    };
}
pub(crate) use for_each_command;

/// What the table says of one command, for code that walks every command.
#[derive(Debug, Clone, Copy)]
pub struct CommandInfo {
    /// The endpoint path, e.g. `v4/recentcontact/get_list`.
    pub endpoint: &'static str,
    /// True when sending it twice has the effect of once ([`Command::IDEMPOTENT`]).
    pub idempotent: bool,
    /// The Rust method on [`crate::client::Client`], e.g. `get_list`.
    pub rust_name: &'static str,
    /// The JavaScript method on `TimClient`, e.g. `getList`.
    pub js_name: &'static str,
    /// True when the client splits a request larger than one call allows.
    pub chunked: bool,
    /// A valid request, as the JSON the JavaScript method takes.
    pub example: &'static str,
    /// Reads `answer` as this command's answer to [`CommandInfo::example`]
    /// ([`super::parse_response`]), keeping only whether it succeeded: for
    /// tests and the fuzz target, which run every command on the same bodies.
    pub parse_example: fn(&HttpResponse) -> Result<(), Error>,
}

/// Parses `answer` for the request `example` (JSON) of command `C`.
fn parse_for<C: Command + serde::de::DeserializeOwned>(
    example: &str,
    answer: &HttpResponse,
) -> Result<(), Error> {
    let cmd: C = serde_json::from_str(example)
        .map_err(|e| Error::invalid("example", format!("the table's example is not valid: {e}")))?;
    super::parse_response(&cmd, answer).map(|_| ())
}

macro_rules! command_infos {
    ($(
        $(#[doc = $doc:tt])*
        $rust:ident $js:tt $req:ident $req_ts:tt => $out:ty, $ts:tt, $how:ident $(($with:ident))?,
        example = $example:tt;
    )*) => {
        /// Every command of the crate, in the table's order.
        pub const COMMANDS: &[CommandInfo] = &[$(
            CommandInfo {
                endpoint: <crate::model::$req as Command>::ENDPOINT,
                idempotent: <crate::model::$req as Command>::IDEMPOTENT,
                rust_name: stringify!($rust),
                js_name: $js,
                chunked: command_infos!(@chunked $how),
                example: $example,
                parse_example: |answer| parse_for::<crate::model::$req>($example, answer),
            }
        ),*];
    };
    (@chunked plain) => { false };
    (@chunked chunked) => { true };
}
for_each_command!(command_infos);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_each_command_once_and_its_examples_are_valid() {
        for (i, c) in COMMANDS.iter().enumerate() {
            assert!(c.endpoint.starts_with("v4/"), "{}", c.endpoint);
            for d in &COMMANDS[..i] {
                assert_ne!(d.endpoint, c.endpoint);
                assert_ne!(d.js_name, c.js_name);
                assert_ne!(d.rust_name, c.rust_name);
            }
            // The example is a valid request: an OK answer with no body is
            // read without an input error (a decode error at most).
            let ok = HttpResponse {
                status: 200,
                body: br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#.to_vec(),
            };
            if let Err(e) = (c.parse_example)(&ok) {
                assert_ne!(e.field(), Some("example"), "{}: {e}", c.endpoint);
            }
        }
        assert!(!COMMANDS.is_empty());
    }
}
