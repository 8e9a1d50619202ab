//! From a desired snapshot and the live one to the writes between them:
//! pure, no I/O ([`plan`]), and a simulator of what the writes do
//! ([`simulate`]) to check plans against.
//!
//! # Rules
//! - **Only what desired names is managed.** An absent section
//!   (`conversations`, `conversationGroups`, `friendGroups`) is left alone,
//!   and so is an absent `marks`, `customMark` or `groups` of a conversation.
//! - **Marks**: the bits 0..3 and 32..63 of a managed `marks` are set or
//!   cleared to match; reserved bits 4..31 are never set or cleared, whatever
//!   either side says (they are not compared either).
//! - **Groups by name.** Names are the identity across apps, so no rename is
//!   ever inferred: a group that is only in desired is created, one only in
//!   live is kept (or, with `prune`, deleted). A group named in a
//!   conversation's `groups` but absent from `conversationGroups` is created.
//! - **Friend groups**: the sns commands have no "move friend" and no "add
//!   friend to an existing group", so a friend group whose members differ
//!   from desired is deleted and created again with the desired members.
//!   Groups to create with the same members share one `group_add` call.
//! - **`prune`**: live conversation groups and friend groups absent from a
//!   managed section are deleted; live conversations carrying marks, a
//!   custom mark or groups that a managed `conversations` section does not
//!   name get their (non-reserved) marks cleared, their custom mark cleared
//!   and are removed from their groups.
//! - **Order**: friend-group deletes, friend-group creates (deletes before
//!   re-creates), removals from groups, group deletes (a conversation is not
//!   removed from a group that is deleted anyway), marks (items that only
//!   clear first), custom marks (clears first), group creates, additions to
//!   groups (creates before adds). What takes data away goes first, so the
//!   service's caps (20 groups, 1000 conversations with marks or groups) are
//!   not crossed on the way.
//! - **Each step is one REST call**, batched to the per-call limits
//!   ([`crate::limits`]): 100 items per `mark_contact`, 1000 conversations
//!   per `create_contact_group` / `update_contact_group` (the rest of a new
//!   group's conversations follow in `addToGroup` steps), 32 friend groups
//!   and 1000 friends per `group_add`, 32 per `group_delete`. So
//!   [`Plan::writes`] is the number of steps.

use serde::{Deserialize, Serialize};

use super::snapshot::{validate_snapshot, Snapshot};
use super::sort::sort_with;
use super::state::{holds, sorted, ConvData, State};
use crate::error::Error;
use crate::limits::{
    MAX_FRIEND_GROUPS, MAX_GROUPED_CONVERSATIONS, MAX_GROUP_ADD_FRIENDS, MAX_MARK_ITEMS,
    MAX_UPDATE_ITEMS,
};
use crate::marks::diff_marks;
use crate::model::{ConversationRef, MarkName};

/// Conversations per `create_contact_group` call.
const MAX_CREATE_ITEMS: usize = MAX_GROUPED_CONVERSATIONS;

/// The writes that take a user from its live state to the desired one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Plan {
    /// The user.
    pub user: String,
    /// The steps, in the order they are executed; empty when live matches desired.
    pub steps: Vec<Step>,
    /// REST calls executing the plan takes (each step is one call).
    pub writes: u32,
}

impl Plan {
    /// True when nothing needs to change.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

/// One write of a plan: one REST call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
pub enum Step {
    /// `create_contact_group`: a new conversation group with its conversations.
    CreateGroup {
        /// The group's name.
        name: String,
        /// Conversations to put in it (at most 1000).
        conversations: Vec<ConversationRef>,
    },
    /// `del_contact_group`.
    DeleteGroup {
        /// The group's name.
        name: String,
    },
    /// `update_contact_group`, adding conversations (at most 1000).
    AddToGroup {
        /// The group's name.
        group: String,
        /// The conversations to add.
        conversations: Vec<ConversationRef>,
    },
    /// `update_contact_group`, removing conversations (at most 1000).
    RemoveFromGroup {
        /// The group's name.
        group: String,
        /// The conversations to remove.
        conversations: Vec<ConversationRef>,
    },
    /// `mark_contact`, setting and clearing standard marks (at most 100 items).
    Mark {
        /// One change per conversation.
        items: Vec<MarkStepItem>,
    },
    /// `mark_contact`, setting custom marks (at most 100 items; `""` clears).
    CustomMark {
        /// One change per conversation.
        items: Vec<CustomMarkStepItem>,
    },
    /// `sns/group_add`: new friend groups, all with the same friends.
    CreateFriendGroups {
        /// The groups' names (at most 32).
        names: Vec<String>,
        /// The friends to put in each of them (at most 1000).
        friends: Vec<String>,
    },
    /// `sns/group_delete` (at most 32).
    DeleteFriendGroups {
        /// The groups' names.
        names: Vec<String>,
    },
}

impl Step {
    /// The step's `op`: `"createGroup"`, `"mark"`, ...
    pub fn op(&self) -> &'static str {
        match self {
            Step::CreateGroup { .. } => "createGroup",
            Step::DeleteGroup { .. } => "deleteGroup",
            Step::AddToGroup { .. } => "addToGroup",
            Step::RemoveFromGroup { .. } => "removeFromGroup",
            Step::Mark { .. } => "mark",
            Step::CustomMark { .. } => "customMark",
            Step::CreateFriendGroups { .. } => "createFriendGroups",
            Step::DeleteFriendGroups { .. } => "deleteFriendGroups",
        }
    }

    /// REST calls the step takes: 1 when it is within the per-call limits
    /// (as [`plan`] makes every step), more when a hand-made step is larger
    /// (the client's batching then splits it, where a command allows).
    pub fn calls(&self) -> u32 {
        let n =
            |len: usize, max: usize| u32::try_from(len.div_ceil(max).max(1)).unwrap_or(u32::MAX);
        match self {
            Step::CreateGroup { .. } | Step::DeleteGroup { .. } => 1,
            Step::AddToGroup { conversations, .. }
            | Step::RemoveFromGroup { conversations, .. } => {
                n(conversations.len(), MAX_UPDATE_ITEMS)
            }
            Step::Mark { items } => n(items.len(), MAX_MARK_ITEMS),
            Step::CustomMark { items } => n(items.len(), MAX_MARK_ITEMS),
            Step::CreateFriendGroups { names, .. } | Step::DeleteFriendGroups { names } => {
                n(names.len(), MAX_FRIEND_GROUPS)
            }
        }
    }
}

/// One conversation's standard-mark change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarkStepItem {
    /// Which conversation.
    pub conversation: ConversationRef,
    /// Marks to set.
    pub set: Vec<MarkName>,
    /// Marks to clear.
    pub clear: Vec<MarkName>,
}

/// One conversation's custom-mark change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomMarkStepItem {
    /// Which conversation.
    pub conversation: ConversationRef,
    /// The new custom mark (`""` clears it).
    pub custom_mark: String,
}

/// What desired wants of one conversation (`None` = not managed).
struct Want {
    marks: Option<u64>,
    custom: Option<String>,
    groups: Option<Vec<String>>,
}

/// Sorted `a - b` of sorted lists.
fn minus<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    a.iter().filter(|x| !holds(b, x)).cloned().collect()
}

/// The plan from `live` (a full export of the user) to `desired` (whole or
/// partial; see the module's rules). `prune` also deletes or clears what a
/// managed section of desired does not name.
///
/// # Errors
/// [`Error::invalid`]: desired is not valid ([`validate_snapshot`]; the
/// field as named there), `live.user` is another user, a mark string of
/// live is bad (`live.conversations[i].marks`), or a friend group to create
/// has more than 1000 friends (`friendGroups[i].friends`: `group_add` takes
/// 1000 per call and no command adds friends to an existing group).
pub fn plan(desired: &Snapshot, live: &Snapshot, prune: bool) -> Result<Plan, Error> {
    validate_snapshot(desired)?;
    if live.user != desired.user {
        return Err(Error::invalid(
            "live.user",
            format!(
                "is {:?}; the desired state is of {:?}",
                live.user, desired.user
            ),
        ));
    }
    let live = State::of(live, "live.")?;
    let mut steps = friend_group_steps(desired, &live, prune)?;
    steps.extend(conversation_steps(desired, &live, prune));
    Ok(Plan {
        user: desired.user.clone(),
        writes: steps.iter().map(Step::calls).sum(),
        steps,
    })
}

fn friend_group_steps(desired: &Snapshot, live: &State, prune: bool) -> Result<Vec<Step>, Error> {
    let Some(wanted) = &desired.friend_groups else {
        return Ok(Vec::new());
    };
    let mut deletes: Vec<String> = Vec::new();
    // (friends, name) of each group to create.
    let mut creates: Vec<(Vec<String>, String)> = Vec::new();
    for (i, g) in wanted.iter().enumerate() {
        let friends = sorted(g.friends.clone());
        match live.friend_group(&g.name) {
            Some(now) if *now == friends => continue,
            Some(_) => deletes.push(g.name.clone()),
            None => {}
        }
        if friends.len() > MAX_GROUP_ADD_FRIENDS {
            return Err(Error::invalid(
                &format!("friendGroups[{i}].friends"),
                format!(
                    "has {} friends; a friend group is created with at most {MAX_GROUP_ADD_FRIENDS} \
                     (one group_add call; no command adds friends to an existing group)",
                    friends.len()
                ),
            ));
        }
        creates.push((friends, g.name.clone()));
    }
    if prune {
        let names = sorted(wanted.iter().map(|g| g.name.clone()).collect());
        for (name, _) in &live.friend_groups {
            if !holds(&names, name) {
                deletes.push(name.clone());
            }
        }
    }
    let mut steps = Vec::new();
    for chunk in sorted(deletes).chunks(MAX_FRIEND_GROUPS) {
        steps.push(Step::DeleteFriendGroups {
            names: chunk.to_vec(),
        });
    }
    let creates = sorted(creates);
    for same in creates.chunk_by(|a, b| a.0 == b.0) {
        let names: Vec<String> = same.iter().map(|(_, n)| n.clone()).collect();
        for chunk in names.chunks(MAX_FRIEND_GROUPS) {
            steps.push(Step::CreateFriendGroups {
                names: chunk.to_vec(),
                friends: same[0].0.clone(),
            });
        }
    }
    Ok(steps)
}

fn conversation_steps(desired: &Snapshot, live: &State, prune: bool) -> Vec<Step> {
    // Groups that must exist, to create, to delete.
    let mut wanted: Vec<String> = desired.conversation_groups.clone().unwrap_or_default();
    for c in desired.conversations.iter().flatten() {
        wanted.extend(c.groups.iter().flatten().cloned());
    }
    let wanted = sorted(wanted);
    let to_create = minus(&wanted, &live.groups);
    let to_delete = if prune && desired.conversation_groups.is_some() {
        minus(&live.groups, &wanted)
    } else {
        Vec::new()
    };

    // What is wanted of each conversation (validated: marks parse).
    let mut wants: Vec<(ConversationRef, Want)> = Vec::new();
    if let Some(convs) = &desired.conversations {
        for c in convs {
            let marks = c
                .marks
                .as_deref()
                .map(|m| crate::marks::parse_standard_mark(m, "").unwrap_or(0));
            wants.push((
                c.conversation.clone(),
                Want {
                    marks,
                    custom: c.custom_mark.clone(),
                    groups: c.groups.clone().map(sorted),
                },
            ));
        }
        if prune {
            let named = sorted(convs.iter().map(|c| &c.conversation).collect());
            for (c, d) in &live.convs {
                if d.has_data() && !holds(&named, &c) {
                    wants.push((
                        c.clone(),
                        Want {
                            marks: Some(0),
                            custom: Some(String::new()),
                            groups: Some(Vec::new()),
                        },
                    ));
                }
            }
        }
    }
    let wants = sort_with(wants, &|a, b| a.0.cmp(&b.0));

    let none = ConvData::default();
    let mut marks: Vec<MarkStepItem> = Vec::new();
    let mut customs: Vec<CustomMarkStepItem> = Vec::new();
    // (group, conversation)
    let mut adds: Vec<(String, ConversationRef)> = Vec::new();
    let mut removes: Vec<(String, ConversationRef)> = Vec::new();
    for (c, want) in &wants {
        let now = live.conv(c).unwrap_or(&none);
        if let Some(target) = want.marks {
            let (set, clear) = diff_marks(now.marks, target);
            if !set.is_empty() || !clear.is_empty() {
                marks.push(MarkStepItem {
                    conversation: c.clone(),
                    set: set.into_iter().map(MarkName::from_bit).collect(),
                    clear: clear.into_iter().map(MarkName::from_bit).collect(),
                });
            }
        }
        if let Some(custom) = &want.custom {
            if *custom != now.custom {
                customs.push(CustomMarkStepItem {
                    conversation: c.clone(),
                    custom_mark: custom.clone(),
                });
            }
        }
        if let Some(groups) = &want.groups {
            for g in minus(groups, &now.groups) {
                adds.push((g, c.clone()));
            }
            for g in minus(&now.groups, groups) {
                if !holds(&to_delete, &g) {
                    removes.push((g, c.clone()));
                }
            }
        }
    }
    // Items that only take marks away first (stable: by conversation within).
    let marks = sort_with(marks, &|a, b| {
        a.set.is_empty().cmp(&b.set.is_empty()).reverse()
    });
    let customs = sort_with(customs, &|a, b| {
        a.custom_mark
            .is_empty()
            .cmp(&b.custom_mark.is_empty())
            .reverse()
    });
    let adds = sorted(adds);
    let removes = sorted(removes);

    let mut steps = Vec::new();
    for same in removes.chunk_by(|a, b| a.0 == b.0) {
        for chunk in same.chunks(MAX_UPDATE_ITEMS) {
            steps.push(Step::RemoveFromGroup {
                group: chunk[0].0.clone(),
                conversations: chunk.iter().map(|(_, c)| c.clone()).collect(),
            });
        }
    }
    for name in &to_delete {
        steps.push(Step::DeleteGroup { name: name.clone() });
    }
    for chunk in marks.chunks(MAX_MARK_ITEMS) {
        steps.push(Step::Mark {
            items: chunk.to_vec(),
        });
    }
    for chunk in customs.chunks(MAX_MARK_ITEMS) {
        steps.push(Step::CustomMark {
            items: chunk.to_vec(),
        });
    }
    // Creates carry their first 1000 conversations; the rest, and additions
    // to existing groups, follow as addToGroup steps.
    let mut later: Vec<Step> = Vec::new();
    for name in &to_create {
        let members: Vec<ConversationRef> = adds
            .iter()
            .filter(|(g, _)| g == name)
            .map(|(_, c)| c.clone())
            .collect();
        let (first, rest) = members.split_at(members.len().min(MAX_CREATE_ITEMS));
        steps.push(Step::CreateGroup {
            name: name.clone(),
            conversations: first.to_vec(),
        });
        for chunk in rest.chunks(MAX_UPDATE_ITEMS) {
            later.push(Step::AddToGroup {
                group: name.clone(),
                conversations: chunk.to_vec(),
            });
        }
    }
    for same in adds.chunk_by(|a, b| a.0 == b.0) {
        if holds(&to_create, &same[0].0) {
            continue;
        }
        for chunk in same.chunks(MAX_UPDATE_ITEMS) {
            later.push(Step::AddToGroup {
                group: chunk[0].0.clone(),
                conversations: chunk.iter().map(|(_, c)| c.clone()).collect(),
            });
        }
    }
    steps.extend(later);
    steps
}

/// What executing `plan` does to `live`, by the documented effect of each
/// command (every item succeeding; deleting a group takes its conversations
/// out of it): the state after, as a full snapshot in the export's order.
///
/// # Errors
/// [`Error::invalid`] naming `steps[i]` for a step the service would refuse
/// (a group that exists created again, a missing group updated or deleted,
/// a bad mark bit), or `live.conversations[i].marks` for a bad mark string.
pub fn simulate(plan: &Plan, live: &Snapshot) -> Result<Snapshot, Error> {
    let mut s = State::of(live, "live.")?;
    for (i, step) in plan.steps.iter().enumerate() {
        let fail = |why: String| Err(Error::invalid(&format!("steps[{i}]"), why));
        let has_group = |s: &State, g: &String| holds(&s.groups, g);
        match step {
            Step::CreateGroup {
                name,
                conversations,
            } => {
                if has_group(&s, name) {
                    return fail(format!("group {name:?} exists"));
                }
                s.groups = sorted([s.groups.clone(), vec![name.clone()]].concat());
                for c in conversations {
                    let d = s.conv_mut(c);
                    d.groups = sorted([d.groups.clone(), vec![name.clone()]].concat());
                }
            }
            Step::DeleteGroup { name } => {
                if !has_group(&s, name) {
                    return fail(format!("group {name:?} does not exist"));
                }
                s.groups.retain(|g| g != name);
                for (_, d) in &mut s.convs {
                    d.groups.retain(|g| g != name);
                }
            }
            Step::AddToGroup {
                group,
                conversations,
            }
            | Step::RemoveFromGroup {
                group,
                conversations,
            } => {
                if !has_group(&s, group) {
                    return fail(format!("group {group:?} does not exist"));
                }
                let add = matches!(step, Step::AddToGroup { .. });
                for c in conversations {
                    let d = s.conv_mut(c);
                    if add {
                        d.groups = sorted([d.groups.clone(), vec![group.clone()]].concat());
                    } else {
                        d.groups.retain(|g| g != group);
                    }
                }
            }
            Step::Mark { items } => {
                for item in items {
                    let field = format!("steps[{i}]");
                    let d = s.conv_mut(&item.conversation);
                    for m in &item.clear {
                        d.marks &= !(1u64 << m.bit(&field)?);
                    }
                    for m in &item.set {
                        d.marks |= 1u64 << m.bit(&field)?;
                    }
                }
            }
            Step::CustomMark { items } => {
                for item in items {
                    s.conv_mut(&item.conversation).custom = item.custom_mark.clone();
                }
            }
            Step::CreateFriendGroups { names, friends } => {
                for name in names {
                    if s.friend_group(name).is_some() {
                        return fail(format!("friend group {name:?} exists"));
                    }
                    s.friend_groups
                        .push((name.clone(), sorted(friends.clone())));
                }
                s.friend_groups =
                    sort_with(std::mem::take(&mut s.friend_groups), &|a, b| a.0.cmp(&b.0));
            }
            Step::DeleteFriendGroups { names } => {
                for name in names {
                    if s.friend_group(name).is_none() {
                        return fail(format!("friend group {name:?} does not exist"));
                    }
                }
                s.friend_groups.retain(|(n, _)| !names.contains(n));
            }
        }
    }
    Ok(s.to_snapshot(&plan.user))
}
