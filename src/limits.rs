//! The one table of documented limits and error codes (spec §1.5, §3, §7).
//!
//! Each number is named here once, with its source. Where revisions of
//! Tencent's pages disagree, the newest documented limit is taken, so the SDK
//! never refuses locally what the current service accepts (past it, the
//! server's own error speaks): a group name was 32 bytes on create in older
//! revisions, 64 since the 2026 one.

/// Conversations per `search_contact_group` call.
pub const MAX_SEARCH_ITEMS: usize = 300;
/// Conversations per `mark_contact` call.
pub const MAX_MARK_ITEMS: usize = 100;
/// Conversation groups per user.
pub const MAX_CONTACT_GROUPS: usize = 20;
/// Conversations across a user's groups, and conversations with marks.
pub const MAX_GROUPED_CONVERSATIONS: usize = 1000;
/// Bytes in a new conversation-group name (`GroupName`, create_contact_group
/// page): 64 in the 2026 revision (tencentcloud.com 1047/53437); older
/// revisions said 32. Spec §3.3.
pub const MAX_GROUP_NAME_BYTES_CREATE: usize = 64;
/// Bytes in a renamed conversation-group name (`NewGroupName`,
/// update_contact_group page, 2026 en + zh). Spec §3.5.
pub const MAX_GROUP_NAME_BYTES_RENAME: usize = 64;
/// Bytes in a custom mark (mark_contact page).
pub const MAX_CUSTOM_MARK_BYTES: usize = 256;
/// Friend groups per user, and so per `group_add` call.
pub const MAX_FRIEND_GROUPS: usize = 32;
/// Friends per `group_add` call.
pub const MAX_GROUP_ADD_FRIENDS: usize = 1000;
/// Documented rate limit of every endpoint here, calls per second.
pub const CALLS_PER_SECOND: u32 = 200;
/// Conversation items in an update_contact_group call (no documented limit;
/// the 1000 cap on grouped conversations bounds it).
pub const MAX_UPDATE_ITEMS: usize = MAX_GROUPED_CONVERSATIONS;

/// `AssistFlags` bit 0: serve pinned conversations first, flagged.
pub const ASSIST_PINNED: u32 = 1 << 0;
/// `AssistFlags` bit 1: include conversations without messages.
pub const ASSIST_EMPTY: u32 = 1 << 1;
/// `AssistFlags` bit 2: page pinned conversations with the `Top*` cursors.
pub const ASSIST_PINNED_PAGING: u32 = 1 << 2;
/// `AssistFlags` the current docs say to send ("always fill 63"): bits 3-5
/// are undocumented and attach marks and groups to each item.
pub const ASSIST_RECOMMENDED: u32 = 63;
/// Bits 3-5 (marks and groups on items); kept whenever the caller narrows
/// the documented bits 0-2.
pub const ASSIST_DATA_BITS: u32 = 0b111 << 3;

/// True when a call that failed with `code` may succeed if sent again
/// unchanged (after a back-off). Spec §7.4.
pub fn is_retryable_code(code: i64) -> bool {
    matches!(
        code,
        50004
            | 50005
            | 30006
            | 30007
            | 60007
            | 60008
            | 60011
            | 60014
            | 60018
            | 60019
            | 70169
            | 70500
    )
}

/// True for rate-limit answers (back off before retrying).
pub fn is_throttling_code(code: i64) -> bool {
    matches!(code, 60007 | 60011 | 60018 | 60019)
}

/// True when a fresh UserSig may fix the call (70001 expired, 70052 invalidated).
pub fn needs_new_usersig(code: i64) -> bool {
    matches!(code, 70001 | 70052)
}

/// A short English description of a documented code, for errors whose
/// `ErrorInfo` is empty.
pub fn describe_code(code: i64) -> &'static str {
    match code {
        30001 => "bad request parameters",
        30003 => "account does not exist",
        30004 => "the identifier must be an app admin",
        30006 => "internal error, retry",
        30007 => "network timeout, retry later",
        30011 => "friend group count limit reached",
        32216 => "target is not a friend",
        50001 => "account not imported or does not exist",
        50002 => "bad request parameters",
        50003 => "the identifier must be an app admin",
        50004 => "internal error, retry",
        50005 => "network timeout, retry later",
        51006 => "a mark change carries 0 or more than 100 conversations",
        51007 => "group id conversion failed (group dismissed?)",
        51008 => "more than 1000 conversations in groups or with marks",
        51009 => "conversation group does not exist",
        51010 => "more than 20 conversation groups",
        51011 => "conversation group name too long",
        51012 => "pinned conversation limit exceeded",
        51013 => "the app's edition does not support marks or conversation groups",
        60003 => "request JSON parse error",
        60004 | 60005 => "identifier or UserSig wrong",
        60006 => "SDKAppID invalid",
        60007 | 60011 => "REST call frequency limit exceeded",
        60008 => "service timeout, retry",
        60010 => "the identifier must be an app admin",
        60018 | 60019 => "too many requests, retry later",
        70001 => "UserSig expired",
        70002 => "UserSig is empty",
        70003 | 70005 => "UserSig check failed",
        70009 => "UserSig was not made with this app's key",
        70013 => "identifier differs from the UserSig's",
        70014 => "SDKAppID differs from the UserSig's",
        70052 => "UserSig invalidated",
        _ => "see Tencent's error code list",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_is_disjoint() {
        for code in [60007, 60011, 60018, 60019] {
            assert!(is_throttling_code(code) && is_retryable_code(code));
        }
        for code in [60010, 70001, 50002, 30011, 51008, 70009] {
            assert!(!is_retryable_code(code), "{code}");
        }
        assert!(needs_new_usersig(70001) && !needs_new_usersig(70009));
    }

    #[test]
    fn assist_bits() {
        assert_eq!(
            ASSIST_PINNED | ASSIST_EMPTY | ASSIST_PINNED_PAGING | ASSIST_DATA_BITS,
            ASSIST_RECOMMENDED
        );
    }
}
