//! Paging through large lists: every item exactly once, in order.

mod common;
use common::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use tim_emulator::seedgen::{generate, GenOptions};
use tim_emulator::state::SeedDoc;

fn big_seed() -> SeedDoc {
    generate(&GenOptions {
        users: 1,
        conversations: 10_000,
        seed: 42,
        ..GenOptions::default()
    })
}

fn item_key(i: &Value) -> String {
    match i.get("To_Account") {
        Some(p) => format!("c2c:{}", p.as_str().unwrap()),
        None => format!("group:{}", i["GroupId"].as_str().unwrap()),
    }
}

/// Page through get_list, returning the items in order.
fn walk(e: &mut Emu, user: &str, flags: u64) -> (Vec<Value>, usize) {
    let mut cur = json!({"TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0});
    let mut out = Vec::new();
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages < 10_000, "paging does not terminate");
        let mut body = cur.clone();
        body["From_Account"] = json!(user);
        body["AssistFlags"] = json!(flags);
        let v = e.call("recentcontact/get_list", body);
        ok(&v);
        out.extend(v["SessionItem"].as_array().unwrap().iter().cloned());
        if v["CompleteFlag"] == 1 {
            return (out, pages);
        }
        for k in ["TimeStamp", "StartIndex", "TopTimeStamp", "TopStartIndex"] {
            cur[k] = v[k].clone();
        }
    }
}

fn check_walk(
    items: &[Value],
    expect: &BTreeMap<String, (u64, bool)>,
    pinned_first: bool,
    page_size: usize,
    pages: usize,
) {
    let keys: Vec<String> = items.iter().map(item_key).collect();
    let set: BTreeSet<&String> = keys.iter().collect();
    assert_eq!(set.len(), keys.len(), "an item was returned twice");
    let want: BTreeSet<&String> = expect.keys().collect();
    assert_eq!(set, want, "items lost or extra");
    // order: (pinned first if supported) then MsgTime descending, ties by key
    let mut prev: Option<(bool, u64, String)> = None;
    for (i, k) in items.iter().zip(&keys) {
        let top = i["TopFlag"] == 1;
        assert_eq!(top, pinned_first && expect[k].1, "TopFlag of {k}");
        let t = i["MsgTime"].as_u64().unwrap();
        assert_eq!(t, expect[k].0);
        if let Some((ptop, pt, pk)) = &prev {
            if *ptop == top {
                assert!(*pt > t || (*pt == t && pk < k), "order broken at {k}");
            } else {
                assert!(*ptop && !top, "pinned must come first");
            }
        }
        prev = Some((top, t, k.clone()));
    }
    if !pinned_first {
        assert!(pages >= items.len() / page_size, "pages too large");
    }
}

#[test]
fn get_list_pages_10000_conversations() {
    let doc = big_seed();
    let user = doc.users.keys().next().unwrap().clone();
    let su = &doc.users[&user];
    let mut all = BTreeMap::new();
    let mut with_msgs = BTreeMap::new();
    for c in &su.conversations {
        let k = match &c.peer {
            Some(p) => format!("c2c:{p}"),
            None => format!("group:{}", c.group_id.as_ref().unwrap()),
        };
        all.insert(k.clone(), (c.msg_time, c.pinned));
        if c.has_messages {
            with_msgs.insert(k, (c.msg_time, c.pinned));
        }
    }
    assert_eq!(all.len(), 10_000);
    // the generated data has many equal MsgTimes (a 5% burst + shared slots)
    let mut per_time: BTreeMap<u64, usize> = BTreeMap::new();
    for (t, _) in all.values() {
        *per_time.entry(*t).or_default() += 1;
    }
    assert!(
        per_time.values().any(|n| *n > 300),
        "expected a big run of equal MsgTimes"
    );
    let pinned = all.values().filter(|(_, p)| *p).count();
    assert!(
        pinned > 100,
        "expected more pinned conversations than one page"
    );

    let mut e = Emu::start(tim_emulator::Config {
        rate_limit: 0,
        ..config(doc)
    });
    // pinned paging on (bit2), empty conversations included
    let (items, pages) = walk(&mut e, &user, 7);
    check_walk(&items, &all, true, 100, pages);
    assert!(pages >= 100);
    // pinned support without pinned paging: all pinned on the first page
    let (items, pages) = walk(&mut e, &user, 3);
    check_walk(&items, &all, true, 100, pages);
    assert!(items[..pinned].iter().all(|i| i["TopFlag"] == 1));
    // no pinned support, marks attached
    let (items, pages) = walk(&mut e, &user, 2 | 56);
    check_walk(&items, &all, false, 100, pages);
    // empty conversations hidden (bit1 clear)
    let (items, pages) = walk(&mut e, &user, 5);
    check_walk(&items, &with_msgs, true, 100, pages);
    // odd page size via control
    e.control("POST", "config", json!({"getListPageSize": 37}));
    let (items, pages) = walk(&mut e, &user, 63);
    check_walk(&items, &all, true, 37, pages);
    assert!(pages >= 10_000 / 37);
}

#[test]
fn get_list_all_equal_msgtimes() {
    // 1000 conversations with identical MsgTime (incl. MsgTime 0), page size 7
    let convs: Vec<Value> = (0..1000)
        .map(|i| {
            json!({"type": if i % 3 == 0 {"group"} else {"c2c"}, "peer": format!("p{i:04}"), "groupId": format!("g{i:04}"),
                   "msgTime": if i < 500 { 1_700_000_000u64 } else { 0 }, "pinned": i % 10 == 0})
        })
        .collect();
    // each entry carries both peer and groupId; the type picks one
    let doc = seed(json!({"users": {"u": {"conversations": convs}}}));
    let mut expect = BTreeMap::new();
    for (i, c) in doc.users["u"].conversations.iter().enumerate() {
        let k = if c.kind == "group" {
            format!("group:g{i:04}")
        } else {
            format!("c2c:p{i:04}")
        };
        expect.insert(k, (c.msg_time, c.pinned));
    }
    let mut cfg = config(doc);
    cfg.get_list_page_size = 7;
    cfg.rate_limit = 0;
    let mut e = Emu::start(cfg);
    for flags in [7u64, 3, 2, 0] {
        let (items, pages) = walk(&mut e, "u", flags);
        check_walk(&items, &expect, flags & 1 == 1, 7, pages);
    }
}

#[test]
fn get_contact_group_pages() {
    let doc = big_seed();
    let user = doc.users.keys().next().unwrap().clone();
    let n_marks = doc.users[&user].marks.len();
    let n_groups = doc.users[&user].contact_groups.len();
    assert!(n_marks > 500);
    let mut e = Emu::start(tim_emulator::Config {
        rate_limit: 0,
        ..config(doc)
    });
    for page_size in [100usize, 33, 1000] {
        e.control("POST", "config", json!({"contactGroupPageSize": page_size}));
        let mut start = 0u64;
        let mut seen = BTreeSet::new();
        let mut pages = 0;
        loop {
            pages += 1;
            assert!(pages < 1000);
            let v = e.call(
                "recentcontact/get_contact_group",
                json!({"From_Account": user, "StartIndex": start}),
            );
            ok(&v);
            assert_eq!(v["GroupItem"].as_array().unwrap().len(), n_groups);
            let items = v["ContactItem"].as_array().unwrap();
            assert!(items.len() <= page_size);
            for i in items {
                let k = match i.get("To_Account") {
                    Some(p) => format!("c2c:{p}"),
                    None => format!("group:{}", i["ToGroupId"]),
                };
                assert!(seen.insert(k), "item repeated");
                assert!(i["Timestamp"].is_u64() && i["StandardMark"].is_string());
            }
            if v["CompleteFlag"] == 1 {
                assert_eq!(v["NextStartIndex"], 0);
                break;
            }
            assert_eq!(items.len(), page_size);
            start = v["NextStartIndex"].as_u64().unwrap();
            assert_eq!(start as usize, seen.len());
        }
        assert_eq!(seen.len(), n_marks);
        assert_eq!(pages, n_marks.div_ceil(page_size));
    }
    // a StartIndex past the end is an empty, complete page
    let v = e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account": user, "StartIndex": 999_999}),
    );
    assert_eq!(v["ContactItem"], json!([]));
    assert_eq!(v["CompleteFlag"], 1);
}

#[test]
fn friend_get_pages_every_friend_once_with_its_groups() {
    let doc = generate(&GenOptions {
        users: 40,
        conversations: 10,
        seed: 7,
        ..GenOptions::default()
    });
    let (user, su) = doc
        .users
        .iter()
        .max_by_key(|(_, u)| u.friends.len())
        .map(|(k, u)| (k.clone(), u.clone()))
        .unwrap();
    assert!(
        su.friends.len() > 20,
        "the seed needs friends to page through"
    );
    let mut e = Emu::start(tim_emulator::Config {
        rate_limit: 0,
        ..config(doc)
    });
    for page_size in [7usize, 100] {
        e.control("POST", "config", json!({"friendPageSize": page_size}));
        let (mut start, mut pages) = (0u64, 0);
        let mut seen: Vec<String> = Vec::new();
        loop {
            pages += 1;
            let v = e.call(
                "sns/friend_get",
                json!({"From_Account": user, "StartIndex": start}),
            );
            ok(&v);
            assert_eq!(v["FriendNum"], su.friends.len());
            let items = v["UserDataItem"].as_array().unwrap();
            assert!(items.len() <= page_size);
            for i in items {
                let id = i["To_Account"].as_str().unwrap().to_string();
                let want: Vec<&str> = su
                    .friend_groups
                    .iter()
                    .filter(|g| g.members.contains(&id))
                    .map(|g| g.name.as_str())
                    .collect();
                let tags = i["ValueItem"].as_array().unwrap();
                if want.is_empty() {
                    assert!(tags.is_empty(), "{id} is in no group: {i}");
                } else {
                    assert_eq!(tags[0]["Tag"], "Tag_SNS_IM_Group");
                    assert_eq!(tags[0]["Value"], json!(want));
                }
                seen.push(id);
            }
            if v["CompleteFlag"] == 1 {
                assert_eq!(v["NextStartIndex"], 0);
                break;
            }
            start = v["NextStartIndex"].as_u64().unwrap();
            assert_eq!(start as usize, seen.len());
        }
        let mut want = su.friends.clone();
        want.sort();
        assert_eq!(seen, want, "every friend once, in UserID order");
        assert_eq!(pages, su.friends.len().div_ceil(page_size).max(1));
    }
    // a current StandardSequence leaves the standard data out
    let v = e.call(
        "sns/group_add",
        json!({"From_Account": user, "GroupName": ["fresh"]}),
    );
    ok(&v);
    let seq = v["CurrentSequence"].as_u64().unwrap();
    let v = e.call(
        "sns/friend_get",
        json!({"From_Account": user, "StartIndex": 0, "StandardSequence": seq}),
    );
    assert_eq!(v["StandardSequence"], seq);
    assert!(v["UserDataItem"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["ValueItem"] == json!([])));
    // StartIndex is required; an unknown user is 30003
    err(
        &e.call("sns/friend_get", json!({"From_Account": user})),
        30001,
    );
    err(
        &e.call(
            "sns/friend_get",
            json!({"From_Account": "ghost", "StartIndex": 0}),
        ),
        30003,
    );
}
