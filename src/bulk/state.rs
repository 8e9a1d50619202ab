//! A snapshot in normal form, for planning and simulating: sorted lists
//! (binary search, no hash table in the wasm), mark sets as numbers, and
//! an absent field read as "none".

use super::snapshot::{Snapshot, SnapshotConversation, SnapshotFriendGroup, SNAPSHOT_VERSION};
use super::sort::sort_with;
use crate::error::Error;
use crate::marks::{format_standard_mark, parse_standard_mark};
use crate::model::ConversationRef;

/// One conversation's data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ConvData {
    /// The whole 64-bit mark set.
    pub(crate) marks: u64,
    /// The custom mark, `""` = none.
    pub(crate) custom: String,
    /// Conversation-group names, sorted, each once.
    pub(crate) groups: Vec<String>,
}

impl ConvData {
    /// True when the conversation carries any mark, custom mark or group.
    pub(crate) fn has_data(&self) -> bool {
        self.marks != 0 || !self.custom.is_empty() || !self.groups.is_empty()
    }
}

/// A user's state in normal form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct State {
    /// Conversations sorted by key, each once.
    pub(crate) convs: Vec<(ConversationRef, ConvData)>,
    /// Conversation-group names, sorted, each once.
    pub(crate) groups: Vec<String>,
    /// Friend groups sorted by name, each with its friends sorted, each once.
    pub(crate) friend_groups: Vec<(String, Vec<String>)>,
}

/// Sorts and removes repeats.
pub(crate) fn sorted<T: Ord>(v: Vec<T>) -> Vec<T> {
    let mut v = sort_with(v, &|a, b| a.cmp(b));
    v.dedup();
    v
}

/// Sorts by the key `key` and keeps the **last** entry of each key.
pub(crate) fn last_by_key<T, K: Ord + ?Sized>(v: Vec<T>, key: fn(&T) -> &K) -> Vec<T> {
    let mut v = sort_with(v.into_iter().rev().collect(), &|a, b| key(a).cmp(key(b)));
    v.dedup_by(|a, b| key(a) == key(b));
    v
}

/// True when the sorted list `v` holds `x`.
pub(crate) fn holds<T: Ord>(v: &[T], x: &T) -> bool {
    v.binary_search(x).is_ok()
}

impl State {
    /// Reads a (full or partial) snapshot; absent fields count as none,
    /// a conversation listed twice keeps its last entry. `prefix` goes in
    /// front of the field of a bad mark string (`live.`).
    ///
    /// # Errors
    /// [`Error::invalid`] naming `{prefix}conversations[i].marks`.
    pub(crate) fn of(s: &Snapshot, prefix: &str) -> Result<State, Error> {
        let mut convs = Vec::new();
        for (i, c) in s.conversations.iter().flatten().enumerate() {
            let marks = match &c.marks {
                Some(m) => parse_standard_mark(m, &format!("{prefix}conversations[{i}].marks"))?,
                None => 0,
            };
            convs.push((
                c.conversation.clone(),
                ConvData {
                    marks,
                    custom: c.custom_mark.clone().unwrap_or_default(),
                    groups: sorted(c.groups.clone().unwrap_or_default()),
                },
            ));
        }
        let friend_groups = s
            .friend_groups
            .iter()
            .flatten()
            .map(|g| (g.name.clone(), sorted(g.friends.clone())))
            .collect();
        Ok(State {
            convs: last_by_key(convs, |c| &c.0),
            groups: sorted(s.conversation_groups.clone().unwrap_or_default()),
            friend_groups: last_by_key(friend_groups, |g| &g.0),
        })
    }

    /// The data of `c` (none when it is not listed).
    pub(crate) fn conv(&self, c: &ConversationRef) -> Option<&ConvData> {
        self.convs
            .binary_search_by(|(k, _)| k.cmp(c))
            .ok()
            .map(|i| &self.convs[i].1)
    }

    /// The data of `c`, added (with none) when it is not listed.
    pub(crate) fn conv_mut(&mut self, c: &ConversationRef) -> &mut ConvData {
        let i = match self.convs.binary_search_by(|(k, _)| k.cmp(c)) {
            Ok(i) => i,
            Err(i) => {
                self.convs.insert(i, (c.clone(), ConvData::default()));
                i
            }
        };
        &mut self.convs[i].1
    }

    /// The friends of friend group `name`, if it exists.
    pub(crate) fn friend_group(&self, name: &str) -> Option<&Vec<String>> {
        self.friend_groups
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .map(|i| &self.friend_groups[i].1)
    }

    /// The full snapshot of this state (every section and field written, in
    /// the export's order).
    pub(crate) fn to_snapshot(&self, user: &str) -> Snapshot {
        Snapshot {
            version: SNAPSHOT_VERSION,
            user: user.to_owned(),
            conversations: Some(
                self.convs
                    .iter()
                    .map(|(c, d)| SnapshotConversation {
                        conversation: c.clone(),
                        marks: Some(format_standard_mark(d.marks)),
                        custom_mark: Some(d.custom.clone()),
                        groups: Some(d.groups.clone()),
                    })
                    .collect(),
            ),
            conversation_groups: Some(self.groups.clone()),
            friend_groups: Some(
                self.friend_groups
                    .iter()
                    .map(|(name, friends)| SnapshotFriendGroup {
                        name: name.clone(),
                        friends: friends.clone(),
                    })
                    .collect(),
            ),
        }
    }
}
