//! In-memory state of the emulated app and its seed-document format.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A conversation reference: C2C peer or group id. Ordering (C2C before
/// group, then by id) is the stable tie-break used for every listing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConvKey {
    /// One-to-one conversation with this peer UserID.
    C2c(String),
    /// Group conversation with this group id.
    Group(String),
}

impl ConvKey {
    /// Wire `Type`: 1 C2C, 2 group.
    pub fn type_num(&self) -> u64 {
        match self {
            ConvKey::C2c(_) => 1,
            ConvKey::Group(_) => 2,
        }
    }
}

/// A recent contact (get_list entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// Conversation time (s).
    pub msg_time: u64,
    /// Pinned ("top") conversation.
    pub pinned: bool,
    /// False for empty conversations (hidden unless AssistFlags bit 1).
    pub has_messages: bool,
}

/// Mark / group data of one conversation (independent of recent contacts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkData {
    /// 64-bit standard mark set.
    pub bits: u64,
    /// Custom mark ("" = none).
    pub custom: String,
    /// Conversation-group ids.
    pub groups: BTreeSet<u64>,
    /// Last update (s).
    pub timestamp: u64,
}

impl MarkData {
    /// True when the conversation carries any mark, custom mark or group.
    pub fn has_data(&self) -> bool {
        self.bits != 0 || !self.custom.is_empty() || !self.groups.is_empty()
    }
}

/// Everything the emulator knows about one user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct User {
    /// Recent contacts.
    pub conversations: BTreeMap<ConvKey, Conversation>,
    /// Marks and group membership; entries without data are removed.
    pub marks: BTreeMap<ConvKey, MarkData>,
    /// Conversation groups: id → name.
    pub contact_groups: BTreeMap<u64, String>,
    /// Friends.
    pub friends: BTreeSet<String>,
    /// Friend groups in creation order.
    pub friend_groups: Vec<(String, BTreeSet<String>)>,
    /// Friend-group sequence (`CurrentSequence`).
    pub friend_group_seq: u64,
}

impl User {
    /// Id of the conversation group called `name`.
    pub fn group_id(&self, name: &str) -> Option<u64> {
        self.contact_groups
            .iter()
            .find(|(_, n)| n.as_str() == name)
            .map(|(id, _)| *id)
    }

    /// Number of conversations with mark/group data.
    pub fn marked_count(&self) -> usize {
        self.marks.values().filter(|m| m.has_data()).count()
    }
}

/// Whole emulator state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// Users by UserID.
    pub users: BTreeMap<String, User>,
}

// ---------------------------------------------------------------------------
// Seed document
// ---------------------------------------------------------------------------

/// Seed / state document (see README "Seed format").
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedDoc {
    /// Informational; the server's configured SDKAppID governs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk_app_id: Option<u64>,
    /// Users by UserID.
    #[serde(default)]
    pub users: BTreeMap<String, SeedUser>,
}

/// One user in a seed document.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedUser {
    /// Recent contacts.
    #[serde(default)]
    pub conversations: Vec<SeedConversation>,
    /// Mark / group data.
    #[serde(default)]
    pub marks: Vec<SeedMark>,
    /// Conversation groups.
    #[serde(default)]
    pub contact_groups: Vec<SeedContactGroup>,
    /// Friends.
    #[serde(default)]
    pub friends: Vec<String>,
    /// Friend groups (ordered).
    #[serde(default)]
    pub friend_groups: Vec<SeedFriendGroup>,
    /// Friend-group sequence.
    #[serde(default)]
    pub friend_group_sequence: u64,
}

/// A recent contact in a seed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedConversation {
    /// "c2c" or "group".
    #[serde(rename = "type")]
    pub kind: String,
    /// Peer UserID (c2c).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    /// Group id (group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// Conversation time.
    #[serde(default)]
    pub msg_time: u64,
    /// Pinned.
    #[serde(default)]
    pub pinned: bool,
    /// Has messages (default true).
    #[serde(default = "yes")]
    pub has_messages: bool,
}

fn yes() -> bool {
    true
}

/// Mark / group data in a seed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedMark {
    /// "c2c" or "group".
    #[serde(rename = "type")]
    pub kind: String,
    /// Peer UserID (c2c).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    /// Group id (group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// Set bit numbers 0..=63.
    #[serde(default)]
    pub bits: Vec<u8>,
    /// Custom mark.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub custom_mark: String,
    /// Names of conversation groups containing the conversation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Last update time.
    #[serde(default)]
    pub timestamp: u64,
}

/// A conversation group in a seed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeedContactGroup {
    /// Group id (positive).
    pub id: u64,
    /// Group name.
    pub name: String,
}

/// A friend group in a seed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeedFriendGroup {
    /// Friend-group name.
    pub name: String,
    /// Friends in the group.
    #[serde(default)]
    pub members: Vec<String>,
}

fn key_from_seed(
    user: &str,
    kind: &str,
    peer: &Option<String>,
    group: &Option<String>,
) -> Result<ConvKey, String> {
    match (kind, peer, group) {
        ("c2c", Some(p), _) if !p.is_empty() => Ok(ConvKey::C2c(p.clone())),
        ("group", _, Some(g)) if !g.is_empty() => Ok(ConvKey::Group(g.clone())),
        _ => Err(format!(
            "user {user}: entry of type {kind:?} needs \"peer\" (c2c) or \"groupId\" (group)"
        )),
    }
}

fn key_to_seed(key: &ConvKey) -> (String, Option<String>, Option<String>) {
    match key {
        ConvKey::C2c(p) => ("c2c".into(), Some(p.clone()), None),
        ConvKey::Group(g) => ("group".into(), None, Some(g.clone())),
    }
}

impl State {
    /// Build a state from a seed document, validating references.
    pub fn from_seed(doc: &SeedDoc) -> Result<State, String> {
        let mut users = BTreeMap::new();
        for (name, su) in &doc.users {
            if name.is_empty() {
                return Err("empty user id in seed".into());
            }
            let mut u = User {
                friend_group_seq: su.friend_group_sequence,
                ..User::default()
            };
            for g in &su.contact_groups {
                if g.id == 0 {
                    return Err(format!("user {name}: contact group id must be > 0"));
                }
                if u.contact_groups.contains_key(&g.id) || u.group_id(&g.name).is_some() {
                    return Err(format!(
                        "user {name}: duplicate contact group {} / {:?}",
                        g.id, g.name
                    ));
                }
                u.contact_groups.insert(g.id, g.name.clone());
            }
            for c in &su.conversations {
                let key = key_from_seed(name, &c.kind, &c.peer, &c.group_id)?;
                u.conversations.insert(
                    key,
                    Conversation {
                        msg_time: c.msg_time,
                        pinned: c.pinned,
                        has_messages: c.has_messages,
                    },
                );
            }
            for m in &su.marks {
                let key = key_from_seed(name, &m.kind, &m.peer, &m.group_id)?;
                let mut md = MarkData {
                    custom: m.custom_mark.clone(),
                    timestamp: m.timestamp,
                    ..MarkData::default()
                };
                for b in &m.bits {
                    if *b > 63 {
                        return Err(format!("user {name}: mark bit {b} out of range 0..=63"));
                    }
                    md.bits |= 1u64 << b;
                }
                for gname in &m.groups {
                    let id = u.group_id(gname).ok_or_else(|| {
                        format!("user {name}: mark refers to unknown contact group {gname:?}")
                    })?;
                    md.groups.insert(id);
                }
                if md.has_data() {
                    u.marks.insert(key, md);
                }
            }
            u.friends = su.friends.iter().cloned().collect();
            for fg in &su.friend_groups {
                if u.friend_groups.iter().any(|(n, _)| n == &fg.name) {
                    return Err(format!("user {name}: duplicate friend group {:?}", fg.name));
                }
                for m in &fg.members {
                    if !u.friends.contains(m) {
                        return Err(format!(
                            "user {name}: friend group {:?} member {m:?} is not a friend",
                            fg.name
                        ));
                    }
                }
                u.friend_groups
                    .push((fg.name.clone(), fg.members.iter().cloned().collect()));
            }
            users.insert(name.clone(), u);
        }
        Ok(State { users })
    }

    /// Dump the state in the seed-document format.
    pub fn to_seed(&self, sdk_app_id: Option<u64>) -> SeedDoc {
        let mut users = BTreeMap::new();
        for (name, u) in &self.users {
            let conversations = u
                .conversations
                .iter()
                .map(|(k, c)| {
                    let (kind, peer, group_id) = key_to_seed(k);
                    SeedConversation {
                        kind,
                        peer,
                        group_id,
                        msg_time: c.msg_time,
                        pinned: c.pinned,
                        has_messages: c.has_messages,
                    }
                })
                .collect();
            let marks = u
                .marks
                .iter()
                .filter(|(_, m)| m.has_data())
                .map(|(k, m)| {
                    let (kind, peer, group_id) = key_to_seed(k);
                    SeedMark {
                        kind,
                        peer,
                        group_id,
                        bits: (0u8..64).filter(|b| m.bits & (1u64 << b) != 0).collect(),
                        custom_mark: m.custom.clone(),
                        groups: m
                            .groups
                            .iter()
                            .filter_map(|id| u.contact_groups.get(id).cloned())
                            .collect(),
                        timestamp: m.timestamp,
                    }
                })
                .collect();
            let su = SeedUser {
                conversations,
                marks,
                contact_groups: u
                    .contact_groups
                    .iter()
                    .map(|(id, name)| SeedContactGroup {
                        id: *id,
                        name: name.clone(),
                    })
                    .collect(),
                friends: u.friends.iter().cloned().collect(),
                friend_groups: u
                    .friend_groups
                    .iter()
                    .map(|(n, m)| SeedFriendGroup {
                        name: n.clone(),
                        members: m.iter().cloned().collect(),
                    })
                    .collect(),
                friend_group_sequence: u.friend_group_seq,
            };
            users.insert(name.clone(), su);
        }
        SeedDoc { sdk_app_id, users }
    }
}
