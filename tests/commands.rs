//! Every command against the documented samples: the request body byte for
//! byte (through a recording transport), the documented query string, and the
//! documented answer parsed into the public model.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;

use futures::executor::block_on;
use tim_contacts::api::Command;
use tim_contacts::model::*;
use tim_contacts::transport::{
    Entropy, HttpRequest, HttpResponse, StaticSigner, Transport, TransportError,
};
use tim_contacts::{Client, ClientConfig, ErrorKind, Region};

const SIG: &str = "eJx*secret-sig_";

struct Recorder {
    sent: RefCell<Vec<HttpRequest>>,
    answer: HttpResponse,
}

impl Transport for Recorder {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.borrow_mut().push(req.clone());
        Ok(self.answer.clone())
    }
}

struct Fixed(u32);
impl Entropy for Fixed {
    fn random_u32(&self) -> u32 {
        self.0
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The documented sample, compacted with its key order kept.
fn compact(name: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(&fixture(name)).unwrap();
    serde_json::to_string(&v).unwrap()
}

fn recorder(answer: &str) -> Recorder {
    Recorder {
        sent: RefCell::new(Vec::new()),
        answer: HttpResponse {
            status: 200,
            body: fixture(answer).into_bytes(),
        },
    }
}

fn client(t: &Recorder) -> Client<&Recorder, StaticSigner, Fixed> {
    let config = ClientConfig::builder(88_888_888, "admin")
        .region(Region::China)
        .build()
        .unwrap();
    Client::new(config, t, StaticSigner(SIG.into()), Fixed(99_999_999))
}

/// Runs `cmd` against the `answer` fixture; checks URL and exact body.
fn run<C: Command>(cmd: &C, request: &str, answer: &str) -> C::Output {
    let t = recorder(answer);
    let out = block_on(client(&t).execute(cmd)).unwrap();
    let sent = t.sent.borrow();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].url,
        format!(
            "https://console.tim.qq.com/{}?sdkappid=88888888&identifier=admin&usersig={SIG}&random=99999999&contenttype=json",
            C::ENDPOINT
        )
    );
    assert_eq!(sent[0].body, compact(request), "body of {}", C::ENDPOINT);
    out
}

/// Checks that `cmd` is rejected before anything is sent, naming `field`.
fn rejected<C: Command>(cmd: &C, field: &str) {
    let t = recorder("envelope.overview.json");
    let err = block_on(client(&t).execute(cmd)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert_eq!(err.field(), Some(field), "{err}");
    assert_eq!(err.endpoint(), Some(C::ENDPOINT));
    assert!(t.sent.borrow().is_empty(), "sent despite invalid input");
}

fn c2c(id: &str) -> ConversationRef {
    ConversationRef::c2c(id)
}

fn group(id: &str) -> ConversationRef {
    ConversationRef::group(id)
}

#[test]
fn get_list_documented_sample() {
    let req = GetListRequest {
        from_account: "id1".into(),
        assist_flags: Some(7),
        ..Default::default()
    };
    let page = run(&req, "get_list.request.json", "get_list.response.json");
    assert!(page.complete);
    assert_eq!(page.items.len(), 4);
    assert_eq!(page.items[0].conversation, c2c("id2"));
    assert!(page.items[0].pinned);
    assert_eq!(page.items[1].conversation, group("id3"));
    assert_eq!(page.items[3].msg_time, 1_630_997_650);
    assert!(!page.items[3].pinned);
    // no StandardMark on the wire: an empty mark set, as in ContactData
    assert!(page.items[0].marks.is_empty());
    assert_eq!(page.items[0].marks, tim_contacts::Marks::from_value(0));
    assert_eq!(page.items[0].standard_mark, None);
    assert_eq!(
        page.next_cursor,
        GetListCursor {
            time_stamp: 1_631_012_800,
            start_index: 0,
            top_time_stamp: 1_631_012_800,
            top_start_index: 0
        }
    );
}

#[test]
fn get_list_defaults_to_the_recommended_flags_and_decodes_marks() {
    let req = GetListRequest {
        from_account: "user_0001".into(),
        ..Default::default()
    };
    assert_eq!(req.effective_assist_flags(), 63);
    let page = run(&req, "get_list.request63.json", "get_list.response63.json");
    let item = &page.items[1];
    assert_eq!(item.conversation, group("@TGS#1B2AUI7RZ"));
    assert_eq!(item.standard_mark.as_deref(), Some("111001"));
    let marks = &item.marks;
    assert!(marks.star && marks.hide && !marks.unread && !marks.fold);
    assert_eq!(marks.value, 0b111001);
    assert_eq!(item.custom_mark.as_deref(), Some("abcd"));
    assert_eq!(item.group_ids, vec![1, 2]);
    assert!(page.items[2].pinned);
}

#[test]
fn get_list_narrowed_flags() {
    let base = GetListRequest {
        from_account: "a".into(),
        ..Default::default()
    };
    let f = |r: GetListRequest| r.effective_assist_flags();
    assert_eq!(
        f(GetListRequest {
            pinned: Some(false),
            ..base.clone()
        }),
        63 & !0b101
    );
    assert_eq!(
        f(GetListRequest {
            empty: Some(false),
            ..base.clone()
        }),
        63 & !0b010
    );
    assert_eq!(
        f(GetListRequest {
            pinned_paging: Some(false),
            ..base.clone()
        }),
        63 & !0b100
    );
    assert_eq!(
        f(GetListRequest {
            assist_flags: Some(1),
            pinned: Some(false),
            ..base
        }),
        1
    );
}

#[test]
fn get_contact_group_documented_sample() {
    let req = GetContactGroupRequest {
        from_account: "user0".into(),
        start_index: None,
    };
    let page = run(
        &req,
        "get_contact_group.request.json",
        "get_contact_group.response.json",
    );
    assert!(page.complete);
    assert_eq!(page.next_start_index, Some(0));
    assert_eq!(
        page.groups,
        vec![
            ContactGroup {
                name: "test1x".into(),
                id: 1
            },
            ContactGroup {
                name: "test10".into(),
                id: 2
            },
        ]
    );
    assert_eq!(page.items[0].conversation, c2c("teacher4"));
    assert_eq!(page.items[0].group_ids, vec![1, 2]);
    assert_eq!(page.items[0].custom_mark, None);
    assert_eq!(page.items[1].conversation, group("@TGS#1N3RSUYG2"));
    assert!(page.items[1].group_ids.is_empty());
    assert_eq!(page.items[1].timestamp, Some(1_672_998_266));
}

#[test]
fn get_contact_group_last_page_without_next_index_with_complete_time() {
    // The real last page (spec §3.8): no NextStartIndex, an undocumented CompleteTime.
    let req = GetContactGroupRequest {
        from_account: "user0".into(),
        start_index: None,
    };
    let page = run(
        &req,
        "get_contact_group.request.json",
        "get_contact_group.response_last_page.json",
    );
    assert!(page.complete);
    assert_eq!(page.next_start_index, None);
    assert_eq!(page.complete_time, Some(1_735_000_100));
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].marks.value, 0b10);
    assert!(page.items[1].marks.is_empty());
    // the documented sample has none
    let page = run(
        &req,
        "get_contact_group.request.json",
        "get_contact_group.response.json",
    );
    assert_eq!(page.complete_time, None);
    // an undocumented field in another shape is ignored, never fails the page
    for odd in [
        r#""1735000100""#,
        "-1",
        "1.5",
        "99999999999",
        "null",
        "[1]",
        r#"{"a":1}"#,
    ] {
        let t = Recorder {
            sent: RefCell::new(Vec::new()),
            answer: HttpResponse {
                status: 200,
                body: format!(
                    r#"{{"ActionStatus":"OK","ErrorCode":0,"ContactItem":[],"GroupItem":[],"CompleteFlag":1,"CompleteTime":{odd}}}"#
                )
                .into_bytes(),
            },
        };
        let page = block_on(client(&t).execute(&req)).unwrap();
        assert!(page.complete, "{odd}");
        assert_eq!(page.complete_time, None, "{odd}");
    }
}

#[test]
fn group_names_of_33_to_64_bytes_are_sent() {
    // The 2026 revision of create_contact_group allows 64 bytes (older: 32):
    // the SDK takes the newest limit and lets the server speak past it.
    for name in ["x".repeat(33), "x".repeat(64), "组".repeat(21)] {
        let req = CreateContactGroupRequest {
            from_account: "user15".into(),
            group_name: name.clone(),
            conversations: vec![c2c("user1")],
        };
        let t = recorder("create_contact_group.response.json");
        block_on(client(&t).execute(&req)).unwrap();
        let sent = t.sent.borrow();
        assert_eq!(sent.len(), 1, "{name}");
        assert_eq!(
            sent[0].body,
            format!(
                r#"{{"From_Account":"user15","GroupContactItem":[{{"GroupName":"{name}","ContactItem":[{{"Type":1,"To_Account":"user1"}}]}}]}}"#
            )
        );
        let rename = UpdateContactGroupRequest {
            from_account: "user_0001".into(),
            group_name: name.clone(),
            new_name: Some("y".repeat(64)),
            ..Default::default()
        };
        let t = recorder("update_contact_group.response.json");
        block_on(client(&t).execute(&rename)).unwrap();
        assert_eq!(t.sent.borrow().len(), 1);
    }
    assert_eq!(tim_contacts::limits::MAX_GROUP_NAME_BYTES_CREATE, 64);
    assert_eq!(tim_contacts::limits::MAX_GROUP_NAME_BYTES_RENAME, 64);
}

#[test]
fn list_size_messages_match_the_chunking_client() {
    // markContact / searchContactGroup split long lists: their messages must
    // not claim a maximum the client does not have.
    let t = recorder("envelope.overview.json");
    let empty_marks = MarkContactRequest {
        from_account: "a".into(),
        items: vec![],
    };
    let err = block_on(client(&t).mark_contact(&empty_marks)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.field(), Some("items"));
    assert!(!err.message().contains("to 100"), "{err}");
    assert!(err.message().contains("at least 1"), "{err}");
    let empty_search = SearchContactGroupRequest {
        from_account: "a".into(),
        conversations: vec![],
    };
    let err = block_on(client(&t).search_contact_group(&empty_search)).unwrap_err();
    assert_eq!(err.field(), Some("conversations"));
    assert!(!err.message().contains("to 300"), "{err}");
    assert!(err.message().contains("at least 1"), "{err}");
    assert!(t.sent.borrow().is_empty());
    // one raw request still has its documented maximum, and says who splits
    let many = MarkContactRequest {
        from_account: "a".into(),
        items: (0..101)
            .map(|i| MarkChange {
                conversation: c2c(&format!("u{i}")),
                set: vec![MarkName::Custom(40)],
                clear: vec![],
                custom_mark: None,
                target: None,
            })
            .collect(),
    };
    let err = block_on(client(&t).execute(&many)).unwrap_err();
    assert_eq!(err.field(), Some("items"));
    assert!(err.message().contains("at most 100"), "{err}");
    assert!(
        err.message().contains("markContact sends more in chunks"),
        "{err}"
    );
}

#[test]
fn search_contact_group_documented_samples() {
    let req = SearchContactGroupRequest {
        from_account: "yahaha".into(),
        conversations: vec![c2c("xixi")],
    };
    let r = run(
        &req,
        "search_contact_group.request.json",
        "search_contact_group.response.json",
    );
    let m = &r.items[0].marks;
    assert_eq!(r.items[0].standard_mark, "11111110");
    assert!(!m.star && m.unread && m.fold && m.hide);
    assert_eq!(m.value, 0b1111_1110);
    assert_eq!(r.groups.len(), 2);

    let r = run(
        &req,
        "search_contact_group.request.json",
        "search_contact_group.response2026.json",
    );
    assert_eq!(r.items[1].conversation, group("@TGS#1B2AUI7RZ"));
    assert_eq!(r.items[1].standard_mark, "");
    assert!(r.items[1].marks.is_empty());
    assert_eq!(r.items[1].custom_mark, None);
}

#[test]
fn update_contact_group_documented_samples() {
    let rename = UpdateContactGroupRequest {
        from_account: "user_0001".into(),
        group_name: "group_0001".into(),
        new_name: Some("group_0002".into()),
        ..Default::default()
    };
    run(
        &rename,
        "update_contact_group.request_rename.json",
        "update_contact_group.response.json",
    );

    let items = UpdateContactGroupRequest {
        from_account: "user_0001".into(),
        group_name: "group_0001".into(),
        add: vec![c2c("user_0002")],
        remove: vec![group("@TGS#1B2AUI7RZ")],
        ..Default::default()
    };
    // The sample answer reports only the first item: the second must be
    // reported as not applied, never dropped.
    let r = run(
        &items,
        "update_contact_group.request_items.json",
        "update_contact_group.response.json",
    );
    assert_eq!(r.results.len(), 3);
    assert!(!r.all_succeeded());

    let older = UpdateContactGroupRequest {
        from_account: "user20".into(),
        group_name: "test1".into(),
        add: vec![c2c("user1")],
        ..Default::default()
    };
    let r = run(
        &older,
        "update_contact_group.request_older.json",
        "update_contact_group.response.json",
    );
    assert_eq!(r.kind, UpdateKind::Conversations);
    assert_eq!(
        (r.group_name.as_str(), r.group_id, r.old_group_name.as_str()),
        ("test1", 1, "test1")
    );
    assert_eq!(
        r.results,
        vec![GroupChangeOutcome {
            change: GroupChange::Add,
            conversation: c2c("user1"),
            ok: true,
            code: 0,
            info: String::new(),
        }]
    );
    assert!(r.all_succeeded());
}

#[test]
fn create_contact_group_documented_sample() {
    let req = CreateContactGroupRequest {
        from_account: "user15".into(),
        group_name: "test0".into(),
        conversations: vec![c2c("user0")],
    };
    let r = run(
        &req,
        "create_contact_group.request.json",
        "create_contact_group.response.json",
    );
    assert_eq!(
        r.group,
        ContactGroup {
            name: "test2".into(),
            id: 2
        }
    );
    // The sample answers for user1 though user0 was sent: both are reported.
    assert_eq!(r.results.len(), 2);
    assert_eq!(
        (
            r.results[0].conversation.clone(),
            r.results[0].ok,
            r.results[0].code
        ),
        (c2c("user0"), false, -1)
    );
    assert_eq!(
        (r.results[1].conversation.clone(), r.results[1].ok),
        (c2c("user1"), true)
    );
}

#[test]
fn del_contact_group_documented_sample() {
    let req = DelContactGroupRequest {
        from_account: "user15".into(),
        group_name: "test0".into(),
    };
    let r = run(
        &req,
        "del_contact_group.request.json",
        "del_contact_group.response.json",
    );
    assert_eq!(
        r.deleted,
        vec![ContactGroup {
            name: "test0".into(),
            id: 2
        }]
    );
}

#[test]
fn mark_contact_documented_sample() {
    let req = MarkContactRequest {
        from_account: "user0".into(),
        items: vec![MarkChange {
            conversation: c2c("user1"),
            set: vec![
                MarkName::Builtin(BuiltinMark::Hide),
                MarkName::Builtin(BuiltinMark::Unread),
                MarkName::Builtin(BuiltinMark::Fold),
            ],
            clear: vec![],
            custom_mark: Some("abcd".into()),
            target: None,
        }],
    };
    let r = run(
        &req,
        "mark_contact.request.json",
        "mark_contact.response.json",
    );
    assert!(r.all_succeeded());
    assert_eq!(r.results[0].conversation, c2c("user1"));
}

#[test]
fn mark_contact_clear_and_custom_bits() {
    let t = recorder("envelope.overview.json");
    let req = MarkContactRequest {
        from_account: "u".into(),
        items: vec![
            MarkChange {
                conversation: group("@TGS#1"),
                set: vec![MarkName::Custom(63), MarkName::Builtin(BuiltinMark::Star)],
                clear: vec![MarkName::Custom(32)],
                custom_mark: None,
                target: None,
            },
            MarkChange {
                conversation: c2c("b"),
                set: vec![],
                clear: vec![],
                custom_mark: Some(String::new()),
                target: None,
            },
        ],
    };
    let r = block_on(client(&t).execute(&req)).unwrap();
    assert_eq!(
        t.sent.borrow()[0].body,
        r#"{"From_Account":"u","MarkItem":[{"OptType":1,"ContactItem":{"Type":2,"ToGroupId":"@TGS#1"},"ClearMark":[32],"SetMark":[0,63]},{"OptType":2,"ContactItem":{"Type":1,"To_Account":"b"},"CustomMark":""}]}"#
    );
    // An answer without per-item results reports every item as not applied.
    assert_eq!(r.results.len(), 2);
    assert!(r.results.iter().all(|o| !o.ok && o.code == -1));
}

#[test]
fn delete_documented_samples_spell_togroupid() {
    let c = DeleteContactRequest {
        from_account: "id1".into(),
        conversation: c2c("id2"),
        clear_ramble: Some(true),
    };
    run(&c, "delete.request_c2c.json", "delete.response.json");
    let g = DeleteContactRequest {
        from_account: "id1".into(),
        conversation: group("id2"),
        clear_ramble: Some(true),
    };
    run(&g, "delete.request_group.json", "delete.response.json");
}

#[test]
fn sns_group_get_documented_samples() {
    let basic = SnsGroupGetRequest {
        from_account: "id".into(),
        ..Default::default()
    };
    let r = run(
        &basic,
        "sns_group_get.request.json",
        "sns_group_get.response.json",
    );
    assert_eq!(r.current_sequence, 2);
    assert_eq!(
        r.groups.iter().map(|g| g.friend_count).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert!(r.groups[0].friends.is_none());

    let old = SnsGroupGetRequest {
        last_sequence: Some(1),
        ..basic.clone()
    };
    run(
        &old,
        "sns_group_get.request_old.json",
        "sns_group_get.response.json",
    );

    let complete = SnsGroupGetRequest {
        from_account: "id".into(),
        need_friends: Some(true),
        group_names: vec!["group1".into()],
        last_sequence: Some(1),
    };
    let r = run(
        &complete,
        "sns_group_get.request_complete.json",
        "sns_group_get.response_friends.json",
    );
    assert_eq!(
        r.groups[0].friends.as_deref(),
        Some(&["friend1".to_string()][..])
    );
}

#[test]
fn sns_friend_get_documented_sample() {
    let req = SnsFriendGetRequest {
        from_account: "id".into(),
        start_index: Some(0),
        standard_sequence: Some(0),
        custom_sequence: Some(0),
    };
    let page = run(
        &req,
        "sns_friend_get.request.json",
        "sns_friend_get.response.json",
    );
    assert_eq!((page.friend_count, page.complete), (2, true));
    assert_eq!((page.standard_sequence, page.custom_sequence), (88, 46));
    let f = &page.friends[0];
    assert_eq!(f.user_id, "id1");
    assert_eq!(f.groups, ["Group1", "Group2"]);
    assert_eq!(f.remark.as_deref(), Some("Remark1"));
    assert_eq!(f.add_source.as_deref(), Some("AddSource_Type_Android"));
    assert_eq!(f.add_time, Some(1_563_867_420));
    assert_eq!(
        f.fields,
        [FriendField {
            tag: "Tag_SNS_Custom_Test".into(),
            value: FriendValue::Text("CustomData1".into()),
        }]
    );
    assert_eq!(page.friends[1].groups, ["Group1"]);
    assert_eq!(page.friends[1].remark, None);
}

#[test]
fn sns_friend_get_keeps_every_tag_it_has_no_property_for() {
    let t = Recorder {
        sent: RefCell::new(Vec::new()),
        answer: HttpResponse {
            status: 200,
            body: br#"{"UserDataItem":[{"To_Account":"b","ValueItem":[
                {"Tag":"Tag_SNS_Custom_Level","Value":7},
                {"Tag":"Tag_SNS_IM_AddTime","Value":"yesterday"},
                {"Tag":"Tag_SNS_IM_Future","Value":["x"]}]},
                {"To_Account":"c"}],
                "FriendNum":2,"CompleteFlag":0,"NextStartIndex":2,"StandardSequence":1,
                "ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#
                .to_vec(),
        },
    };
    let req = SnsFriendGetRequest {
        from_account: "a".into(),
        ..Default::default()
    };
    let page = block_on(client(&t).execute(&req)).unwrap();
    assert_eq!(
        t.sent.borrow()[0].body,
        r#"{"From_Account":"a","StartIndex":0}"#
    );
    assert_eq!((page.complete, page.next_start_index), (false, Some(2)));
    let f = &page.friends[0];
    assert_eq!(f.add_time, None, "a string AddTime is not a time");
    let tags: Vec<(&str, &FriendValue)> = f
        .fields
        .iter()
        .map(|x| (x.tag.as_str(), &x.value))
        .collect();
    assert_eq!(
        tags,
        [
            ("Tag_SNS_Custom_Level", &FriendValue::Number(7)),
            ("Tag_SNS_IM_AddTime", &FriendValue::Text("yesterday".into())),
            ("Tag_SNS_IM_Future", &FriendValue::List(vec!["x".into()])),
        ]
    );
    assert!(page.friends[1].groups.is_empty() && page.friends[1].fields.is_empty());
}

#[test]
fn sns_friend_get_a_fractional_value_is_a_decode_error_naming_its_path() {
    let t = Recorder {
        sent: RefCell::new(Vec::new()),
        answer: HttpResponse {
            status: 200,
            body: br#"{"UserDataItem":[{"To_Account":"b","ValueItem":[{"Tag":"Tag_SNS_Custom_X","Value":1.5}]}],"CompleteFlag":1,"ActionStatus":"OK","ErrorCode":0}"#.to_vec(),
        },
    };
    let req = SnsFriendGetRequest {
        from_account: "a".into(),
        ..Default::default()
    };
    let err = block_on(client(&t).execute(&req)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert_eq!(err.field(), Some("UserDataItem[0].ValueItem[0].Value"));
}

#[test]
fn sns_group_add_and_delete_documented_samples() {
    let names: Vec<String> = vec!["group1".into(), "group2".into(), "group3".into()];
    let add = SnsGroupAddRequest {
        from_account: "id".into(),
        group_names: names.clone(),
        friends: vec![],
    };
    let r = run(
        &add,
        "sns_group_add.request.json",
        "sns_group_add.response.json",
    );
    assert_eq!(r.current_sequence, 2);
    assert!(r.all_succeeded());

    let with_friends = SnsGroupAddRequest {
        friends: vec!["id1".into(), "id2".into(), "id3".into()],
        ..add
    };
    let r = run(
        &with_friends,
        "sns_group_add.request_friends.json",
        "sns_group_add.response_friends.json",
    );
    assert_eq!(r.current_sequence, 3);
    assert_eq!(
        r.failed_accounts,
        vec!["id2".to_string(), "id3".to_string()]
    );
    assert_eq!(r.results[1].code, 32216);
    assert!(r.results[0].ok && !r.results[1].ok);
    assert!(!r.all_succeeded());

    let del = SnsGroupDeleteRequest {
        from_account: "id".into(),
        group_names: names,
    };
    let r = run(
        &del,
        "sns_group_delete.request.json",
        "sns_group_delete.response.json",
    );
    assert_eq!(r.current_sequence, 4);
}

#[test]
fn invalid_input_never_reaches_the_network() {
    rejected(&GetListRequest::default(), "fromAccount");
    rejected(
        &SearchContactGroupRequest {
            from_account: "a".into(),
            conversations: (0..301).map(|i| c2c(&format!("u{i}"))).collect(),
        },
        "conversations",
    );
    rejected(
        &SearchContactGroupRequest {
            from_account: "a".into(),
            conversations: vec![],
        },
        "conversations",
    );
    rejected(
        &SearchContactGroupRequest {
            from_account: "a".into(),
            conversations: vec![c2c("x"), c2c("")],
        },
        "conversations[1].userId",
    );
    rejected(
        &CreateContactGroupRequest {
            from_account: "a".into(),
            group_name: "x".repeat(65),
            conversations: vec![],
        },
        "groupName",
    );
    // 22 three-byte characters = 66 bytes: the limit is in bytes.
    rejected(
        &CreateContactGroupRequest {
            from_account: "a".into(),
            group_name: "组".repeat(22),
            conversations: vec![],
        },
        "groupName",
    );
    rejected(
        &UpdateContactGroupRequest {
            from_account: "a".into(),
            group_name: "g".into(),
            new_name: Some("x".repeat(65)),
            ..Default::default()
        },
        "newName",
    );
    rejected(
        &UpdateContactGroupRequest {
            from_account: "a".into(),
            group_name: "g".into(),
            ..Default::default()
        },
        "newName",
    );
    rejected(
        &UpdateContactGroupRequest {
            from_account: "a".into(),
            group_name: "g".into(),
            add: vec![group("")],
            ..Default::default()
        },
        "add[0].groupId",
    );
    let change = |set: Vec<MarkName>, clear: Vec<MarkName>| MarkChange {
        conversation: c2c("b"),
        set,
        clear,
        custom_mark: None,
        target: None,
    };
    rejected(
        &MarkContactRequest {
            from_account: "a".into(),
            items: vec![change(vec![MarkName::Custom(31)], vec![])],
        },
        "items[0].set[0]",
    );
    rejected(
        &MarkContactRequest {
            from_account: "a".into(),
            items: vec![change(
                vec![MarkName::Custom(40)],
                vec![MarkName::Custom(40)],
            )],
        },
        "items[0].clear",
    );
    rejected(
        &MarkContactRequest {
            from_account: "a".into(),
            items: vec![change(vec![], vec![])],
        },
        "items[0]",
    );
    rejected(
        &MarkContactRequest {
            from_account: "a".into(),
            items: (0..101)
                .map(|_| change(vec![MarkName::Custom(40)], vec![]))
                .collect(),
        },
        "items",
    );
    rejected(
        &MarkContactRequest {
            from_account: "a".into(),
            items: vec![MarkChange {
                custom_mark: Some("x".repeat(257)),
                ..change(vec![], vec![])
            }],
        },
        "items[0].customMark",
    );
    rejected(
        &DeleteContactRequest {
            from_account: "a".into(),
            conversation: c2c(""),
            clear_ramble: None,
        },
        "conversation.userId",
    );
    rejected(
        &SnsGroupAddRequest {
            from_account: "a".into(),
            group_names: (0..33).map(|i| format!("g{i}")).collect(),
            friends: vec![],
        },
        "groupNames",
    );
    rejected(
        &SnsGroupDeleteRequest {
            from_account: "a".into(),
            group_names: vec![],
        },
        "groupNames",
    );
    rejected(
        &SnsGroupGetRequest {
            from_account: "a\u{0}".into(),
            ..Default::default()
        },
        "fromAccount",
    );
    rejected(&SnsFriendGetRequest::default(), "fromAccount");
}

#[test]
fn api_errors_carry_code_endpoint_and_random() {
    let t = Recorder {
        sent: RefCell::new(Vec::new()),
        answer: HttpResponse {
            status: 200,
            body: br#"{"ActionStatus":"FAIL","ErrorCode":51009,"ErrorInfo":"group not exist","ErrorDisplay":""}"#.to_vec(),
        },
    };
    let req = DelContactGroupRequest {
        from_account: "a".into(),
        group_name: "g".into(),
    };
    let err = block_on(client(&t).execute(&req)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.code(), Some(51009));
    assert_eq!(err.random(), Some(99_999_999));
    assert_eq!(err.endpoint(), Some("v4/recentcontact/del_contact_group"));
    assert!(!format!("{err} {err:?}").contains(SIG));
}

#[test]
fn decode_errors_name_the_path() {
    let t = Recorder {
        sent: RefCell::new(Vec::new()),
        answer: HttpResponse {
            status: 200,
            body: br#"{"ActionStatus":"OK","ErrorCode":0,"ContactItem":[{"Type":1,"To_Account":"a","StandardMark":"12"}],"CompleteFlag":1}"#.to_vec(),
        },
    };
    let req = GetContactGroupRequest {
        from_account: "a".into(),
        start_index: None,
    };
    let err = block_on(client(&t).execute(&req)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.field(), Some("ContactItem[0].StandardMark"));
    assert_eq!(err.random(), Some(99_999_999));
}

struct Scripted {
    sent: RefCell<Vec<HttpRequest>>,
    answers: RefCell<Vec<&'static str>>,
}

impl Transport for Scripted {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.borrow_mut().push(req.clone());
        let body = self.answers.borrow_mut().remove(0);
        Ok(HttpResponse {
            status: 200,
            body: body.as_bytes().to_vec(),
        })
    }
}

#[test]
fn mark_targets_send_only_the_difference() {
    let t = Scripted {
        sent: RefCell::new(Vec::new()),
        answers: RefCell::new(vec![
            // current: bob has star + reserved bit 5 + custom 40; carol already at target; dan unknown
            r#"{"ActionStatus":"OK","ErrorCode":0,"ContactResultItem":[
                {"Type":1,"To_Account":"bob","StandardMark":"10000000000000000000000000000000000100001"},
                {"Type":1,"To_Account":"carol","StandardMark":"10"}],"GroupItem":[]}"#,
            r#"{"ActionStatus":"OK","ErrorCode":0,"ResultItem":[
                {"OptType":1,"ContactItem":{"Type":1,"To_Account":"bob"},"ResultCode":0,"ResultInfo":""},
                {"OptType":1,"ContactItem":{"Type":1,"To_Account":"dan"},"ResultCode":51008,"ResultInfo":"cap"}]}"#,
        ]),
    };
    let config = ClientConfig::builder(1, "admin")
        .region(Region::China)
        .build()
        .unwrap();
    let c = Client::new(config, &t, StaticSigner(SIG.into()), Fixed(1));
    let target = |unread: bool, custom: Vec<u8>| tim_contacts::MarksInput {
        unread: Some(unread),
        custom: Some(custom),
        ..Default::default()
    };
    let item = |who: &str, m| MarkChange {
        conversation: c2c(who),
        set: vec![],
        clear: vec![],
        custom_mark: None,
        target: Some(m),
    };
    let req = MarkContactRequest {
        from_account: "alice".into(),
        items: vec![
            item("bob", target(true, vec![41])),
            item("carol", target(true, vec![])),
            item("dan", target(false, vec![63])),
        ],
    };
    let r = block_on(c.mark_contact(&req)).unwrap();
    let sent = t.sent.borrow();
    assert_eq!(sent.len(), 2);
    assert!(sent[0].url.contains("/search_contact_group?"));
    assert_eq!(
        sent[1].body,
        r#"{"From_Account":"alice","MarkItem":[{"OptType":1,"ContactItem":{"Type":1,"To_Account":"bob"},"ClearMark":[0,40],"SetMark":[1,41]},{"OptType":1,"ContactItem":{"Type":1,"To_Account":"dan"},"SetMark":[63]}]}"#
    );
    let summary: Vec<(String, bool, i64)> = r
        .results
        .iter()
        .map(|o| (format!("{:?}", o.conversation), o.ok, o.code))
        .collect();
    assert_eq!(summary.len(), 3);
    assert_eq!(
        (summary[0].1, summary[1].1, summary[2].1),
        (true, true, false)
    );
    assert_eq!(r.results[1].conversation, c2c("carol"));
    assert_eq!(r.results[2].code, 51008);
    assert!(!r.all_succeeded());
}

#[test]
fn a_target_cannot_travel_without_the_client() {
    rejected(
        &MarkContactRequest {
            from_account: "a".into(),
            items: vec![MarkChange {
                conversation: c2c("b"),
                set: vec![],
                clear: vec![],
                custom_mark: None,
                target: Some(tim_contacts::MarksInput::default()),
            }],
        },
        "items[0].target",
    );
}

#[test]
fn a_bad_item_beside_a_target_fails_before_the_read_of_current_marks() {
    let t = Scripted {
        sent: RefCell::new(Vec::new()),
        answers: RefCell::new(vec![]),
    };
    let config = ClientConfig::builder(1, "admin")
        .region(Region::China)
        .build()
        .unwrap();
    let c = Client::new(config, &t, StaticSigner(SIG.into()), Fixed(1));
    let req = MarkContactRequest {
        from_account: "alice".into(),
        items: vec![
            MarkChange {
                conversation: c2c("bob"),
                set: vec![],
                clear: vec![],
                custom_mark: None,
                target: Some(tim_contacts::MarksInput {
                    star: Some(true),
                    ..Default::default()
                }),
            },
            MarkChange {
                conversation: c2c("carol"),
                set: vec![MarkName::Custom(5)],
                clear: vec![],
                custom_mark: None,
                target: None,
            },
        ],
    };
    let err = block_on(c.mark_contact(&req)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.field(), Some("items[1].set[0]"));
    assert!(
        t.sent.borrow().is_empty(),
        "nothing may be sent for bad input"
    );
}

#[test]
fn chunked_marks_keep_results_the_server_added() {
    let result = |who: &str| {
        format!(
            r#"{{"OptType":1,"ContactItem":{{"Type":1,"To_Account":"{who}"}},"ResultCode":0,"ResultInfo":""}}"#
        )
    };
    let answer = |range: std::ops::Range<usize>, extra: Option<&str>| {
        let mut items: Vec<String> = range.map(|i| result(&format!("u{i}"))).collect();
        items.extend(extra.map(result));
        let body = format!(
            r#"{{"ActionStatus":"OK","ErrorCode":0,"ResultItem":[{}]}}"#,
            items.join(",")
        );
        &*Box::leak(body.into_boxed_str())
    };
    let t = Scripted {
        sent: RefCell::new(Vec::new()),
        answers: RefCell::new(vec![answer(0..100, Some("zzz")), answer(100..150, None)]),
    };
    let config = ClientConfig::builder(1, "admin")
        .region(Region::China)
        .build()
        .unwrap();
    let c = Client::new(config, &t, StaticSigner(SIG.into()), Fixed(1));
    let req = MarkContactRequest {
        from_account: "alice".into(),
        items: (0..150)
            .map(|i| MarkChange {
                conversation: c2c(&format!("u{i}")),
                set: vec![MarkName::Custom(40)],
                clear: vec![],
                custom_mark: None,
                target: None,
            })
            .collect(),
    };
    let r = block_on(c.mark_contact(&req)).unwrap();
    assert_eq!(t.sent.borrow().len(), 2, "150 items = 2 calls");
    assert_eq!(
        r.results.len(),
        151,
        "150 items plus the server's extra result"
    );
    for (i, o) in r.results.iter().take(150).enumerate() {
        assert_eq!(o.conversation, c2c(&format!("u{i}")));
        assert!(o.ok);
    }
    assert_eq!(r.results[150].conversation, c2c("zzz"));
}

#[test]
fn sns_group_get_with_friends_gives_an_empty_list_for_a_group_without_one() {
    // A real server may leave `To_Account` out of an empty group; asked for
    // friends, the result still has a list (the TypeScript types promise one).
    let answer = r#"{"ResultItem":[{"GroupName":"empty","FriendNumber":0}],"CurrentSequence":3,"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#;
    let t = Recorder {
        sent: RefCell::new(Vec::new()),
        answer: HttpResponse {
            status: 200,
            body: answer.as_bytes().to_vec(),
        },
    };
    let c = client(&t);
    let with = SnsGroupGetRequest {
        from_account: "id".into(),
        need_friends: Some(true),
        ..Default::default()
    };
    let r = block_on(c.sns_group_get(&with)).unwrap();
    assert_eq!(r.groups[0].friends.as_deref(), Some(&[][..]));
    let without = SnsGroupGetRequest {
        need_friends: None,
        ..with
    };
    let r = block_on(c.sns_group_get(&without)).unwrap();
    assert_eq!(r.groups[0].friends, None);
}

#[test]
fn the_emulator_serves_every_command_of_the_table() {
    for c in tim_contacts::api::COMMANDS {
        let (service, command) = c
            .endpoint
            .strip_prefix("v4/")
            .and_then(|p| p.split_once('/'))
            .unwrap();
        let served = tim_emulator::commands::Command::parse(service, command)
            .unwrap_or_else(|| panic!("the emulator has no handler for {}", c.endpoint));
        assert_eq!(served.path(), &c.endpoint[3..]);
    }
    assert_eq!(
        tim_emulator::commands::Command::ALL.len(),
        tim_contacts::api::COMMANDS.len()
    );
}
