//! Plans checked against the simulator, for arbitrary desired and live
//! snapshots of a small universe (5 conversations, 3 group names, 3 friends,
//! 3 friend-group names, mark bits across the built-in, reserved and custom
//! ranges), plus batching and ordering cases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::state::State;
use super::*;
use crate::limits::{MAX_FRIEND_GROUPS, MAX_GROUP_ADD_FRIENDS, MAX_MARK_ITEMS, MAX_UPDATE_ITEMS};
use crate::marks::{format_standard_mark, parse_standard_mark, WRITABLE_BITS};
use crate::model::ConversationRef;

const BITS: [u8; 9] = [0, 1, 3, 4, 5, 31, 32, 40, 63];
const GROUPS: [&str; 3] = ["A", "B", "C"];
const FRIENDS: [&str; 3] = ["f1", "f2", "f3"];
const FGROUPS: [&str; 3] = ["X", "Y", "Z"];
const CUSTOM: [&str; 3] = ["", "vip", "x"];

fn conv(i: usize) -> ConversationRef {
    match i {
        0 => ConversationRef::c2c("a"),
        1 => ConversationRef::c2c("b"),
        2 => ConversationRef::c2c("c"),
        3 => ConversationRef::group("g1"),
        _ => ConversationRef::group("g2"),
    }
}

fn bits_of(sel: u16) -> u64 {
    BITS.iter()
        .enumerate()
        .filter(|(i, _)| sel & (1 << i) != 0)
        .fold(0, |v, (_, b)| v | 1u64 << b)
}

fn pick(names: &[&str], mask: u8) -> Vec<String> {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, n)| (*n).to_owned())
        .collect()
}

type ConvSeed = (usize, u16, usize, u8);

fn live_of(groups: u8, convs: &[ConvSeed], fgs: &[(usize, u8)]) -> Snapshot {
    let groups = pick(&GROUPS, groups);
    let mut seen = BTreeSet::new();
    let conversations = convs
        .iter()
        .filter(|c| seen.insert(c.0))
        .map(|&(i, marks, custom, gmask)| SnapshotConversation {
            conversation: conv(i),
            marks: Some(format_standard_mark(bits_of(marks))),
            custom_mark: Some(CUSTOM[custom].to_owned()),
            groups: Some(
                pick(&GROUPS, gmask)
                    .into_iter()
                    .filter(|g| groups.contains(g))
                    .collect(),
            ),
        })
        .collect();
    let mut seen = BTreeSet::new();
    let friend_groups = fgs
        .iter()
        .filter(|f| seen.insert(f.0))
        .map(|&(i, fm)| SnapshotFriendGroup {
            name: FGROUPS[i].to_owned(),
            friends: pick(&FRIENDS, fm),
        })
        .collect();
    let raw = Snapshot {
        version: 1,
        user: "u".into(),
        conversations: Some(conversations),
        conversation_groups: Some(groups),
        friend_groups: Some(friend_groups),
    };
    // The export's normal form.
    State::of(&raw, "").unwrap().to_snapshot("u")
}

type DesiredConvSeed = (usize, Option<u16>, Option<usize>, Option<u8>);

fn desired_of(
    groups: Option<u8>,
    convs: Option<Vec<DesiredConvSeed>>,
    fgs: Option<Vec<(usize, u8)>>,
) -> Snapshot {
    Snapshot {
        version: 1,
        user: "u".into(),
        conversation_groups: groups.map(|g| pick(&GROUPS, g)),
        conversations: convs.map(|cs| {
            let mut seen = BTreeSet::new();
            cs.into_iter()
                .filter(|c| seen.insert(c.0))
                .map(|(i, marks, custom, gmask)| SnapshotConversation {
                    conversation: conv(i),
                    marks: marks.map(|m| format_standard_mark(bits_of(m))),
                    custom_mark: custom.map(|c| CUSTOM[c].to_owned()),
                    groups: gmask.map(|g| pick(&GROUPS, g)),
                })
                .collect()
        }),
        friend_groups: fgs.map(|fs| {
            let mut seen = BTreeSet::new();
            fs.into_iter()
                .filter(|f| seen.insert(f.0))
                .map(|(i, fm)| SnapshotFriendGroup {
                    name: FGROUPS[i].to_owned(),
                    friends: pick(&FRIENDS, fm),
                })
                .collect()
        }),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Data {
    marks: u64,
    custom: String,
    groups: BTreeSet<String>,
}

#[derive(Debug, PartialEq, Eq)]
struct Model {
    convs: BTreeMap<ConversationRef, Data>,
    groups: BTreeSet<String>,
    friend_groups: BTreeMap<String, BTreeSet<String>>,
}

/// A full snapshot as maps; conversations without data left out (absent = none).
fn model(s: &Snapshot) -> Model {
    let convs = s
        .conversations
        .iter()
        .flatten()
        .map(|c| {
            (
                c.conversation.clone(),
                Data {
                    marks: parse_standard_mark(c.marks.as_deref().unwrap_or(""), "").unwrap(),
                    custom: c.custom_mark.clone().unwrap_or_default(),
                    groups: c.groups.iter().flatten().cloned().collect(),
                },
            )
        })
        .filter(|(_, d)| *d != Data::default())
        .collect();
    Model {
        convs,
        groups: s.conversation_groups.iter().flatten().cloned().collect(),
        friend_groups: s
            .friend_groups
            .iter()
            .flatten()
            .map(|g| (g.name.clone(), g.friends.iter().cloned().collect()))
            .collect(),
    }
}

/// What the state after applying `desired` to `live` must be, written from
/// the rules directly (not from the planner).
fn expected(desired: &Snapshot, live: &Snapshot, prune: bool) -> Model {
    let l = model(live);
    let mut wanted: BTreeSet<String> = desired
        .conversation_groups
        .iter()
        .flatten()
        .cloned()
        .collect();
    for c in desired.conversations.iter().flatten() {
        wanted.extend(c.groups.iter().flatten().cloned());
    }
    let groups: BTreeSet<String> = if prune && desired.conversation_groups.is_some() {
        wanted.clone()
    } else {
        l.groups.union(&wanted).cloned().collect()
    };
    let deleted: BTreeSet<String> = l.groups.difference(&groups).cloned().collect();
    let mut convs = l.convs.clone();
    for d in convs.values_mut() {
        d.groups = d.groups.difference(&deleted).cloned().collect();
    }
    if let Some(dc) = &desired.conversations {
        if prune {
            let named: BTreeSet<&ConversationRef> = dc.iter().map(|c| &c.conversation).collect();
            for (c, d) in &mut convs {
                if !named.contains(c) {
                    d.marks &= !WRITABLE_BITS;
                    d.custom.clear();
                    d.groups.clear();
                }
            }
        }
        for c in dc {
            let d = convs.entry(c.conversation.clone()).or_default();
            if let Some(m) = &c.marks {
                let want = parse_standard_mark(m, "").unwrap();
                d.marks = (d.marks & !WRITABLE_BITS) | (want & WRITABLE_BITS);
            }
            if let Some(cm) = &c.custom_mark {
                d.custom = cm.clone();
            }
            if let Some(g) = &c.groups {
                d.groups = g.iter().cloned().collect();
            }
        }
    }
    convs.retain(|_, d| *d != Data::default());
    let mut friend_groups = l.friend_groups.clone();
    if let Some(df) = &desired.friend_groups {
        if prune {
            friend_groups.clear();
        }
        for g in df {
            friend_groups.insert(g.name.clone(), g.friends.iter().cloned().collect());
        }
    }
    Model {
        convs,
        groups,
        friend_groups,
    }
}

fn check_limits(p: &Plan) {
    assert_eq!(p.writes as usize, p.steps.len());
    for s in &p.steps {
        assert_eq!(s.calls(), 1, "{s:?}");
        match s {
            Step::CreateGroup { conversations, .. } => {
                assert!(conversations.len() <= MAX_UPDATE_ITEMS)
            }
            Step::AddToGroup { conversations, .. }
            | Step::RemoveFromGroup { conversations, .. } => {
                assert!(!conversations.is_empty() && conversations.len() <= MAX_UPDATE_ITEMS)
            }
            Step::Mark { items } => {
                assert!(!items.is_empty() && items.len() <= MAX_MARK_ITEMS);
                for i in items {
                    assert!(!i.set.is_empty() || !i.clear.is_empty());
                    for m in i.set.iter().chain(&i.clear) {
                        let b = m.bit("").unwrap();
                        assert!(!(4..32).contains(&b), "reserved bit {b} in a step");
                    }
                }
            }
            Step::CustomMark { items } => {
                assert!(!items.is_empty() && items.len() <= MAX_MARK_ITEMS)
            }
            Step::CreateFriendGroups { names, friends } => {
                assert!(!names.is_empty() && names.len() <= MAX_FRIEND_GROUPS);
                assert!(friends.len() <= MAX_GROUP_ADD_FRIENDS);
            }
            Step::DeleteFriendGroups { names } => {
                assert!(!names.is_empty() && names.len() <= MAX_FRIEND_GROUPS)
            }
            Step::DeleteGroup { .. } => {}
        }
    }
}

fn ops(p: &Plan) -> Vec<&'static str> {
    p.steps.iter().map(Step::op).collect()
}

fn live_strategy() -> impl Strategy<Value = Snapshot> {
    (
        any::<u8>(),
        prop::collection::vec((0usize..5, any::<u16>(), 0usize..3, any::<u8>()), 0..6),
        prop::collection::vec((0usize..3, any::<u8>()), 0..4),
    )
        .prop_map(|(g, c, f)| live_of(g, &c, &f))
}

fn desired_strategy() -> impl Strategy<Value = Snapshot> {
    (
        prop::option::of(any::<u8>()),
        prop::option::of(prop::collection::vec(
            (
                0usize..5,
                prop::option::of(any::<u16>()),
                prop::option::of(0usize..3),
                prop::option::of(any::<u8>()),
            ),
            0..6,
        )),
        prop::option::of(prop::collection::vec((0usize..3, any::<u8>()), 0..4)),
    )
        .prop_map(|(g, c, f)| desired_of(g, c, f))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn applying_the_plan_gives_desired_and_a_second_plan_is_empty(
        desired in desired_strategy(),
        live in live_strategy(),
        prune in any::<bool>(),
    ) {
        validate_snapshot(&desired).unwrap();
        let p = plan(&desired, &live, prune).unwrap();
        check_limits(&p);
        let after = simulate(&p, &live).unwrap();
        prop_assert_eq!(model(&after), expected(&desired, &live, prune));
        // Re-running an apply that completed sends no write.
        let again = plan(&desired, &after, prune).unwrap();
        prop_assert!(again.steps.is_empty(), "{:?}", again.steps);
        // Reserved bits 4..31 of live are preserved, whatever desired says.
        let (l, a) = (model(&live), model(&after));
        for (c, d) in &l.convs {
            let now = a.convs.get(c).map_or(0, |d| d.marks);
            prop_assert_eq!(now & !WRITABLE_BITS, d.marks & !WRITABLE_BITS);
        }
        // A partial desired never touches what it does not manage.
        let o = ops(&p);
        if desired.conversations.is_none() {
            prop_assert!(!o.iter().any(|op| ["mark", "customMark", "addToGroup", "removeFromGroup"].contains(op)));
            for s in &p.steps {
                if let Step::CreateGroup { conversations, .. } = s {
                    prop_assert!(conversations.is_empty());
                }
            }
        }
        if desired.conversation_groups.is_none() {
            prop_assert!(!o.contains(&"deleteGroup"));
        }
        if desired.friend_groups.is_none() {
            prop_assert!(!o.iter().any(|op| op.contains("Friend")));
        }
        if !prune {
            prop_assert!(!o.contains(&"deleteGroup"));
        }
        // The plan is JSON-safe and reads back.
        let json = serde_json::to_string(&p).unwrap();
        prop_assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), p);
    }

    #[test]
    fn a_state_planned_against_itself_has_no_steps(live in live_strategy(), prune in any::<bool>()) {
        let p = plan(&live, &live, prune).unwrap();
        prop_assert!(p.steps.is_empty() && p.writes == 0, "{:?}", p.steps);
    }
}

fn c2c_many(n: usize) -> Vec<ConversationRef> {
    (0..n)
        .map(|i| ConversationRef::c2c(format!("u{i:05}")))
        .collect()
}

fn empty_live() -> Snapshot {
    State::default().to_snapshot("u")
}

#[test]
fn marks_are_batched_by_100_and_a_big_new_group_by_1000() {
    let convs: Vec<SnapshotConversation> = c2c_many(2500)
        .into_iter()
        .map(|c| SnapshotConversation {
            conversation: c,
            marks: Some("1".into()),
            custom_mark: None,
            groups: Some(vec!["Big".into()]),
        })
        .collect();
    let desired = Snapshot {
        version: 1,
        user: "u".into(),
        conversations: Some(convs),
        conversation_groups: None,
        friend_groups: None,
    };
    let p = plan(&desired, &empty_live(), false).unwrap();
    check_limits(&p);
    let o = ops(&p);
    assert_eq!(o.iter().filter(|&&x| x == "mark").count(), 25);
    assert_eq!(o.iter().filter(|&&x| x == "createGroup").count(), 1);
    assert_eq!(o.iter().filter(|&&x| x == "addToGroup").count(), 2);
    assert_eq!(p.writes, 28);
    // Creates before adds.
    let create = o.iter().position(|&x| x == "createGroup").unwrap();
    assert!(o
        .iter()
        .enumerate()
        .all(|(i, &x)| x != "addToGroup" || i > create));
    let after = simulate(&p, &empty_live()).unwrap();
    assert!(plan(&desired, &after, false).unwrap().steps.is_empty());
}

#[test]
fn friend_groups_with_other_members_are_deleted_then_created_and_equal_ones_share_a_call() {
    let live = parse_snapshot(
        r#"{"version":1,"user":"u","conversations":[],"conversationGroups":[],
            "friendGroups":[{"name":"Old","friends":["a"]},{"name":"Same","friends":["a","b"]},{"name":"Moved","friends":["a"]}]}"#,
    )
    .unwrap();
    let desired = parse_snapshot(
        r#"{"version":1,"user":"u","friendGroups":[{"name":"Same","friends":["b","a"]},{"name":"Moved","friends":["b"]},
            {"name":"New1","friends":["b"]},{"name":"New2","friends":[]}]}"#,
    )
    .unwrap();
    let p = plan(&desired, &live, true).unwrap();
    assert_eq!(
        p.steps,
        vec![
            Step::DeleteFriendGroups {
                names: vec!["Moved".into(), "Old".into()]
            },
            Step::CreateFriendGroups {
                names: vec!["New2".into()],
                friends: vec![]
            },
            Step::CreateFriendGroups {
                names: vec!["Moved".into(), "New1".into()],
                friends: vec!["b".into()]
            },
        ]
    );
    assert_eq!(p.writes, 3);
    let json = serde_json::to_value(&p.steps[0]).unwrap();
    assert_eq!(json["op"], "deleteFriendGroups");
    // Without prune, "Old" stays.
    let p = plan(&desired, &live, false).unwrap();
    assert_eq!(
        p.steps[0],
        Step::DeleteFriendGroups {
            names: vec!["Moved".into()]
        }
    );
}

#[test]
fn a_friend_group_of_more_than_1000_friends_cannot_be_created() {
    let friends: Vec<String> = (0..1001).map(|i| format!("f{i}")).collect();
    let desired = Snapshot {
        version: 1,
        user: "u".into(),
        conversations: None,
        conversation_groups: None,
        friend_groups: Some(vec![SnapshotFriendGroup {
            name: "Big".into(),
            friends,
        }]),
    };
    let e = plan(&desired, &empty_live(), false).unwrap_err();
    assert_eq!(e.field(), Some("friendGroups[0].friends"));
}

#[test]
fn prune_clears_unnamed_conversations_but_never_reserved_bits() {
    // bob: star + reserved bit 5 + custom + group; carol: only reserved bit 4.
    let live = live_of(0b1, &[(1, 0b1_0001, 1, 0b1), (2, 0b1000, 0, 0)], &[]);
    let desired = parse_snapshot(r#"{"version":1,"user":"u","conversations":[]}"#).unwrap();
    let p = plan(&desired, &live, true).unwrap();
    assert_eq!(ops(&p), vec!["removeFromGroup", "mark", "customMark"]);
    let after = simulate(&p, &live).unwrap();
    let m = model(&after);
    assert_eq!(m.convs[&ConversationRef::c2c("b")].marks, 1 << 5);
    assert_eq!(m.convs[&ConversationRef::c2c("c")].marks, 1 << 4);
    // Without prune nothing happens.
    assert!(plan(&desired, &live, false).unwrap().steps.is_empty());
    // Another user's live state is refused.
    let other = State::default().to_snapshot("v");
    assert_eq!(
        plan(&desired, &other, false).unwrap_err().field(),
        Some("live.user")
    );
}

#[test]
fn removals_come_before_deletes_and_deleted_groups_are_not_emptied_first() {
    let live = parse_snapshot(
        r#"{"version":1,"user":"u","conversations":[{"conversation":{"type":"c2c","userId":"b"},"marks":"","customMark":"","groups":["Gone","Kept"]}],
            "conversationGroups":["Gone","Kept"],"friendGroups":[]}"#,
    )
    .unwrap();
    let desired = parse_snapshot(
        r#"{"version":1,"user":"u","conversations":[{"conversation":{"type":"c2c","userId":"b"},"groups":["New"]}],"conversationGroups":["Kept"]}"#,
    )
    .unwrap();
    let p = plan(&desired, &live, true).unwrap();
    assert_eq!(
        p.steps,
        vec![
            Step::RemoveFromGroup {
                group: "Kept".into(),
                conversations: vec![ConversationRef::c2c("b")]
            },
            Step::DeleteGroup {
                name: "Gone".into()
            },
            Step::CreateGroup {
                name: "New".into(),
                conversations: vec![ConversationRef::c2c("b")]
            },
        ]
    );
}

/// `schema/snapshot.v1.json` says what the Rust types accept: for each
/// object of a full snapshot, the schema's properties are exactly the keys
/// written, a key in `required` cannot be left out while any other can, and
/// an unknown key is refused (`additionalProperties: false`).
#[test]
fn the_json_schema_matches_the_rust_types() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schema/snapshot.v1.json")).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let full = Snapshot {
        version: 1,
        user: "alice".into(),
        conversations: Some(vec![
            SnapshotConversation {
                conversation: ConversationRef::c2c("bob"),
                marks: Some("1001".into()),
                custom_mark: Some("vip".into()),
                groups: Some(vec!["Work".into()]),
            },
            SnapshotConversation {
                conversation: ConversationRef::group("@TGS#1"),
                marks: Some(String::new()),
                custom_mark: Some(String::new()),
                groups: Some(vec![]),
            },
        ]),
        conversation_groups: Some(vec!["Work".into()]),
        friend_groups: Some(vec![SnapshotFriendGroup {
            name: "Colleagues".into(),
            friends: vec!["bob".into()],
        }]),
    };
    let doc = serde_json::to_value(&full).unwrap();
    let defs = &schema["$defs"];
    let refs = defs["conversationRef"]["oneOf"].as_array().unwrap();
    let objects: [(&str, &serde_json::Value); 5] = [
        ("", &schema),
        ("/conversations/0", &defs["conversation"]),
        ("/conversations/0/conversation", &refs[0]),
        ("/conversations/1/conversation", &refs[1]),
        ("/friendGroups/0", &defs["friendGroup"]),
    ];
    let parses = |v: &serde_json::Value| parse_snapshot(&v.to_string());
    assert!(parses(&doc).is_ok());
    for (pointer, node) in objects {
        let written: BTreeSet<&String> = doc
            .pointer(pointer)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .collect();
        let declared: BTreeSet<&String> = node["properties"].as_object().unwrap().keys().collect();
        assert_eq!(written, declared, "properties of {pointer:?}");
        assert_eq!(node["additionalProperties"], false, "{pointer:?}");
        let required: BTreeSet<&str> = node["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        for key in declared {
            let mut without = doc.clone();
            without
                .pointer_mut(pointer)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .remove(key);
            let result = parses(&without);
            assert_eq!(
                result.is_err(),
                required.contains(key.as_str()),
                "{pointer}/{key} without it: {result:?}"
            );
        }
        let mut extra = doc.clone();
        extra
            .pointer_mut(pointer)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert("zzz".into(), serde_json::json!(1));
        assert!(parses(&extra).is_err(), "{pointer}: an unknown key");
    }
    assert_eq!(schema["properties"]["version"]["const"], 1);
}
