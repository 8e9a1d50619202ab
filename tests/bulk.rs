//! The bulk engine against two in-process emulators: export every user of
//! the demo seed from app A, apply each snapshot to app B (same users,
//! conversations and friends; no groups, marks or friend groups), verify,
//! and apply again without a single write.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cell::Cell;

use common::*;
use futures::executor::block_on;
use tim_contacts::bulk::{apply_user, export_user, verify_user, Snapshot, Step};
use tim_contacts::client::CallOptions;
use tim_contacts::model::ConversationRef;
use tim_contacts::{Client, ClientConfig};
use tim_emulator::state::SeedDoc;
use tim_emulator::Running;

const WRITES: [&str; 6] = [
    "v4/recentcontact/create_contact_group",
    "v4/recentcontact/del_contact_group",
    "v4/recentcontact/update_contact_group",
    "v4/recentcontact/mark_contact",
    "v4/sns/group_add",
    "v4/sns/group_delete",
];

fn demo() -> SeedDoc {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/emulator/seeds/demo.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn client(running: &Running) -> Client<Tcp, RcSigner<Minting>, Counter> {
    let config = ClientConfig::builder(APP_ID, ADMIN)
        .base_url(running.base_url())
        .build()
        .unwrap();
    Client::new(config, Tcp, RcSigner(signer()), Counter(Cell::new(1)))
}

fn writes(running: &Running) -> u64 {
    WRITES.iter().map(|e| requests(running, e)).sum()
}

#[test]
fn export_apply_verify_round_trip_between_two_apps() {
    let seed = demo();
    // App B: the same users, conversations and friends, nothing else.
    let mut bare = seed.clone();
    for u in bare.users.values_mut() {
        u.marks.clear();
        u.contact_groups.clear();
        u.friend_groups.clear();
    }
    let a = start(seed.clone(), |_| {});
    let b = start(bare, |_| {});
    let (ca, cb) = (client(&a), client(&b));
    let opts = CallOptions::default();
    let mut users: Vec<&String> = seed.users.keys().collect();
    users.sort();
    for user in users {
        let exported = block_on(export_user(&ca, user, &opts)).unwrap();
        // Deterministic and JSON-safe: the line reads back as the same snapshot.
        let line = serde_json::to_string(&exported).unwrap();
        assert!(!line.contains('\n'));
        let back = tim_contacts::bulk::parse_snapshot(&line).unwrap();
        assert_eq!(back, exported);
        assert_eq!(block_on(export_user(&ca, user, &opts)).unwrap(), exported);

        let live_before = block_on(export_user(&cb, user, &opts)).unwrap();
        let before = writes(&b);
        let report = block_on(apply_user(&cb, &exported, false, false, &opts)).unwrap();
        assert!(report.ok, "{user}: {report:#?}");
        assert_eq!(
            report.before.as_ref(),
            Some(&live_before),
            "{user}: before is the state the plan was computed from"
        );
        assert_eq!(
            writes(&b) - before,
            u64::from(report.plan.writes),
            "{user}: calls sent = the plan's count"
        );
        assert_eq!(report.executed.len(), report.plan.steps.len());
        let verdict = block_on(verify_user(&cb, &exported, true, &opts)).unwrap();
        assert!(verdict.matches, "{user}: {:#?}", verdict.plan);
        // B now exports exactly what A did.
        assert_eq!(block_on(export_user(&cb, user, &opts)).unwrap(), exported);

        let before = writes(&b);
        let again = block_on(apply_user(&cb, &exported, true, false, &opts)).unwrap();
        assert!(again.plan.steps.is_empty() && again.executed.is_empty() && again.ok);
        assert_eq!(writes(&b), before, "{user}: a second apply sends no write");
    }
}

#[test]
fn alice_export_has_the_conversations_only_get_contact_group_lists() {
    let a = start(demo(), |_| {});
    let s: Snapshot = block_on(export_user(&client(&a), "alice", &CallOptions::default())).unwrap();
    let convs = s.conversations.as_ref().unwrap();
    let find = |c: &ConversationRef| convs.iter().find(|e| e.conversation == *c).unwrap();
    let archived = find(&ConversationRef::c2c("alice_archived_peer"));
    assert_eq!(archived.custom_mark.as_deref(), Some("vip"));
    assert_eq!(
        archived.groups.as_deref(),
        Some(&["Family".to_owned(), "Work".to_owned()][..])
    );
    assert_eq!(
        archived.marks.as_deref(),
        Some(format!("1{}1{}", "0".repeat(7), "0".repeat(32)).as_str())
    );
    find(&ConversationRef::group("@TGS#old_team"));
    // Sorted, each once: c2c by userId, then groups by groupId.
    let keys: Vec<&ConversationRef> = convs.iter().map(|c| &c.conversation).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        s.conversation_groups.as_deref().unwrap(),
        ["Family", "Friends", "Gaming", "Projects", "Work"]
    );
    let fg = s.friend_groups.as_ref().unwrap();
    assert!(fg.windows(2).all(|w| w[0].name < w[1].name));
    assert!(fg.iter().all(|g| g.friends.windows(2).all(|w| w[0] < w[1])));
}

#[test]
fn a_dry_run_sends_no_write_and_a_failed_step_does_not_stop_the_others() {
    let a = start(demo(), |_| {});
    let c = client(&a);
    let opts = CallOptions::default();
    let desired = tim_contacts::bulk::parse_snapshot(
        r#"{"version":1,"user":"alice",
            "conversations":[{"conversation":{"type":"c2c","userId":"bob"},"marks":"1","groups":["Brand new"]}],
            "friendGroups":[{"name":"Strangers","friends":["nobody_at_all"]}]}"#,
    )
    .unwrap();
    let before = writes(&a);
    let dry = block_on(apply_user(&c, &desired, false, true, &opts)).unwrap();
    assert!(dry.executed.is_empty() && !dry.plan.steps.is_empty());
    assert_eq!(writes(&a), before);

    // The friend-group create fails per friend (not a friend); the rest applies.
    let report = block_on(apply_user(&c, &desired, false, false, &opts)).unwrap();
    assert!(!report.ok);
    let by_op = |op: &str| report.executed.iter().find(|s| s.op == op).unwrap();
    let fg = by_op("createFriendGroups");
    assert!(!fg.ok && fg.error.is_none());
    assert_eq!(fg.results[0].user_id.as_deref(), Some("nobody_at_all"));
    assert_eq!(fg.results[0].code, 32216);
    assert!(by_op("createGroup").ok && by_op("mark").ok);
    assert!(matches!(
        &report.plan.steps[usize::try_from(by_op("createGroup").step).unwrap()],
        Step::CreateGroup { name, .. } if name == "Brand new"
    ));
    let v = block_on(verify_user(&c, &desired, false, &opts)).unwrap();
    // The group exists now with bob in it, and bob is starred; only the
    // friend group differs (its member is not a friend).
    assert!(!v.matches);
    assert!(v.plan.steps.iter().all(|s| matches!(
        s,
        Step::DeleteFriendGroups { .. } | Step::CreateFriendGroups { .. }
    )));
}
