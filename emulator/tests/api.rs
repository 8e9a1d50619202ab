//! Happy paths checked against the spec's JSON samples, and the documented
//! error codes of every endpoint.

mod common;
use common::*;
use serde_json::{json, Value};

fn samples_seed() -> Value {
    json!({"users": {
        // get_contact_group sample (§3.8)
        "user0": {
            "contactGroups": [{"id": 1, "name": "test1x"}, {"id": 2, "name": "test10"}],
            "marks": [
                {"type": "c2c", "peer": "teacher4", "bits": [0, 3, 4, 5], "groups": ["test1x", "test10"], "timestamp": 1670843110},
                {"type": "group", "groupId": "@TGS#1N3RSUYG2", "bits": [0, 3, 4, 5], "customMark": "abcd", "timestamp": 1672998266}
            ]
        },
        // search_contact_group sample (§3.6)
        "yahaha": {
            "contactGroups": [{"id": 1, "name": "test1x"}, {"id": 2, "name": "test10"}],
            "marks": [{"type": "c2c", "peer": "xixi", "bits": [1, 2, 3, 4, 5, 6, 7], "customMark": "xxyyyzzzfffffffxxx111111", "groups": ["test1x", "test10"], "timestamp": 1673500546}]
        },
        // get_list sample (§3.1)
        "id1": {"conversations": [
            {"type": "c2c", "peer": "id2", "msgTime": 1630997627, "pinned": true},
            {"type": "group", "groupId": "id3", "msgTime": 1630997628, "pinned": true},
            {"type": "c2c", "peer": "id4", "msgTime": 1630997630},
            {"type": "group", "groupId": "id5", "msgTime": 1630997650}
        ]},
        "user15": {"contactGroups": [{"id": 1, "name": "test1"}]},
        "user20": {"contactGroups": [{"id": 1, "name": "test1"}]},
        "id": {"friends": ["id1", "friend1", "f2", "f3"], "friendGroupSequence": 1},
        "alice": {
            "conversations": [
                {"type": "c2c", "peer": "bob", "msgTime": 100},
                {"type": "c2c", "peer": "carol", "msgTime": 300, "pinned": true},
                {"type": "group", "groupId": "@TGS#1", "msgTime": 200},
                {"type": "c2c", "peer": "empty", "msgTime": 400, "hasMessages": false}
            ],
            "contactGroups": [{"id": 1, "name": "Work"}],
            "marks": [{"type": "c2c", "peer": "bob", "bits": [0, 33], "customMark": "vip", "groups": ["Work"], "timestamp": 5}],
            "friends": ["bob", "carol"],
            "friendGroups": [{"name": "Colleagues", "members": ["bob"]}],
            "friendGroupSequence": 1
        }
    }})
}

fn emu() -> Emu {
    Emu::with_seed(samples_seed())
}

#[test]
fn get_contact_group_matches_doc_sample() {
    let mut e = emu();
    let v = e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"user0","StartIndex":0}),
    );
    let sample: Value = serde_json::from_str(r#"{"ContactItem": [{"Type": 1,"To_Account": "teacher4","StandardMark": "111001","ContactGroupId": [1,2],"Timestamp": 1670843110},{"Type": 2,"ToGroupId": "@TGS#1N3RSUYG2","StandardMark": "111001","CustomMark": "abcd","Timestamp": 1672998266}],"GroupItem": [{"GroupName": "test1x","GroupId": 1},{"GroupName": "test10","GroupId": 2}],"CompleteFlag": 1,"NextStartIndex": 0,"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": ""}"#).unwrap();
    ok(&v);
    // The doc sample lacks the undocumented `CompleteTime` the real last page
    // carries (spec §3.8); it is checked in `get_contact_group_last_page_carries_complete_time`.
    let mut v = strip(v);
    v.as_object_mut().unwrap().remove("CompleteTime");
    assert_eq!(v, sample);
}

#[test]
fn get_contact_group_last_page_carries_complete_time() {
    let mut e = emu();
    // one page: CompleteTime = the latest Timestamp listed, Unix seconds
    let v = e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"user0","StartIndex":0}),
    );
    ok(&v);
    assert_eq!(v["CompleteFlag"], 1);
    assert_eq!(v["CompleteTime"], json!(1_672_998_266u64));
    // several pages: only the last one carries it
    e.control("POST", "config", json!({"contactGroupPageSize": 1}));
    let first = e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"user0","StartIndex":0}),
    );
    ok(&first);
    assert_eq!(first["CompleteFlag"], 0);
    assert!(first.get("CompleteTime").is_none(), "{first}");
    let last = e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"user0","StartIndex":1}),
    );
    assert_eq!(last["CompleteFlag"], 1);
    assert_eq!(last["CompleteTime"], json!(1_672_998_266u64));
    // a user without any data: an empty, complete page, CompleteTime 0
    let v = e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"id1","StartIndex":0}),
    );
    ok(&v);
    assert_eq!(v["ContactItem"], json!([]));
    assert_eq!(v["CompleteTime"], json!(0));
}

#[test]
fn group_names_up_to_64_bytes_on_create_and_rename() {
    // The 2026 revision of create_contact_group allows 64 bytes (older: 32),
    // like NewGroupName on update; ContactItem became optional.
    let mut e = emu();
    let create = |e: &mut Emu, name: &str| {
        e.call(
            "recentcontact/create_contact_group",
            json!({"From_Account":"alice","GroupContactItem":[{"GroupName":name}]}),
        )
    };
    let v = create(&mut e, &"a".repeat(33));
    ok(&v);
    assert_eq!(v["GroupResultItem"][0]["ResultItem"], json!([]));
    ok(&create(&mut e, &"b".repeat(64)));
    // bytes, not characters: 21 three-byte characters = 63 bytes; 22 = 66
    ok(&create(&mut e, &"组".repeat(21)));
    err(&create(&mut e, &"组".repeat(22)), 51011);
    err(&create(&mut e, &"c".repeat(65)), 51011);
    let rename = |e: &mut Emu, old: &str, new: &str| {
        e.call(
            "recentcontact/update_contact_group",
            json!({"From_Account":"alice","UpdateType":1,"UpdateGroup":{"UpdateGroupType":1,"OldGroupName":old,"NewGroupName":new}}),
        )
    };
    ok(&rename(&mut e, &"b".repeat(64), &"d".repeat(64)));
    err(&rename(&mut e, &"d".repeat(64), &"e".repeat(65)), 51011);
    // the limit stays configurable
    e.control(
        "POST",
        "config",
        json!({"limits": {"createGroupNameMax": 32}}),
    );
    err(&create(&mut e, &"f".repeat(33)), 51011);
}

#[test]
fn search_contact_group_matches_doc_sample() {
    let mut e = emu();
    let v = e.call(
        "recentcontact/search_contact_group",
        json!({"From_Account":"yahaha","ContactItem":[{"Type":1,"To_Account":"xixi"}]}),
    );
    let sample: Value = serde_json::from_str(r#"{"ContactResultItem": [{"Type": 1,"To_Account": "xixi","StandardMark": "11111110","CustomMark": "xxyyyzzzfffffffxxx111111","ContactGroupId": [1,2],"Timestamp": 1673500546}],"GroupItem": [{"GroupName": "test1x","GroupId": 1},{"GroupName": "test10","GroupId": 2}],"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": "","ErrorDisplay": ""}"#).unwrap();
    assert_eq!(v, sample);
    // conversations without data are omitted; Type may be sent as a string (older doc table)
    let v = e.call(
        "recentcontact/search_contact_group",
        json!({"From_Account":"yahaha","ContactItem":[{"Type":"1","To_Account":"nobody"},{"Type":2,"ToGroupId":"@TGS#x"}]}),
    );
    ok(&v);
    assert_eq!(v["ContactResultItem"], json!([]));
    assert_eq!(v["GroupItem"].as_array().unwrap().len(), 2);
}

#[test]
fn get_list_matches_doc_sample_shape() {
    let mut e = emu();
    let v = e.call(
        "recentcontact/get_list",
        json!({"From_Account": "id1","TimeStamp": 0,"StartIndex": 0,"TopTimeStamp": 0,"TopStartIndex": 0,"AssistFlags": 7}),
    );
    ok(&v);
    let sample: Value = serde_json::from_str(r#"{"SessionItem": [{"Type": 1, "To_Account": "id2", "MsgTime": 1630997627, "TopFlag": 1},{"Type": 2, "GroupId": "id3", "MsgTime": 1630997628, "TopFlag": 1},{"Type": 1, "To_Account": "id4", "MsgTime": 1630997630, "TopFlag": 0},{"Type": 2, "GroupId": "id5", "MsgTime": 1630997650, "TopFlag": 0}],"CompleteFlag": 1,"TimeStamp": 1631012800,"StartIndex": 0,"TopTimeStamp": 1631012800,"TopStartIndex": 0,"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": "","ErrorDisplay": ""}"#).unwrap();
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), keys(&sample));
    let mut got: Vec<Value> = v["SessionItem"].as_array().unwrap().clone();
    let mut want: Vec<Value> = sample["SessionItem"].as_array().unwrap().clone();
    // order: pinned first, then MsgTime descending
    assert_eq!(got[0]["GroupId"], "id3");
    assert_eq!(got[1]["To_Account"], "id2");
    assert_eq!(got[2]["GroupId"], "id5");
    assert_eq!(got[3]["To_Account"], "id4");
    got.sort_by_key(|x| x.to_string());
    want.sort_by_key(|x| x.to_string());
    assert_eq!(got, want);
    assert_eq!(v["CompleteFlag"], 1);
}

#[test]
fn get_list_assist_flags() {
    let mut e = emu();
    let req = |flags: u64| json!({"From_Account":"alice","TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0,"AssistFlags":flags});
    let peers = |v: &Value| -> Vec<(String, u64)> {
        v["SessionItem"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let id = i
                    .get("To_Account")
                    .or_else(|| i.get("GroupId"))
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string();
                (id, i["TopFlag"].as_u64().unwrap())
            })
            .collect()
    };
    // bit0 clear: no pinned support, empty conversations hidden
    let v = e.call("recentcontact/get_list", req(0));
    ok(&v);
    assert_eq!(
        peers(&v),
        vec![("carol".into(), 0), ("@TGS#1".into(), 0), ("bob".into(), 0)]
    );
    assert!(v["SessionItem"][2].get("StandardMark").is_none());
    // bit0 + bit1: pinned first, empty conversation included
    let v = e.call("recentcontact/get_list", req(3));
    assert_eq!(
        peers(&v),
        vec![
            ("carol".into(), 1),
            ("empty".into(), 0),
            ("@TGS#1".into(), 0),
            ("bob".into(), 0)
        ]
    );
    // bits 3-5: mark data attached when non-empty
    for flags in [8u64, 16, 32, 63] {
        let v = e.call("recentcontact/get_list", req(flags));
        let bob = v["SessionItem"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["To_Account"] == "bob")
            .unwrap()
            .clone();
        assert_eq!(bob["StandardMark"], format!("1{}1", "0".repeat(32)));
        assert_eq!(bob["CustomMark"], "vip");
        assert_eq!(bob["ContactGroupId"], json!([1]));
        let carol = v["SessionItem"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["To_Account"] == "carol")
            .unwrap()
            .clone();
        assert!(carol.get("StandardMark").is_none() && carol.get("CustomMark").is_none());
    }
}

#[test]
fn delete_conversation_keeps_marks() {
    let mut e = emu();
    let v = e.call(
        "recentcontact/delete",
        json!({"From_Account":"alice","Type":1,"To_Account":"bob","ClearRamble":1}),
    );
    assert_eq!(
        v,
        json!({"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": "","ErrorDisplay": ""})
    );
    let v = e.call(
        "recentcontact/delete",
        json!({"From_Account":"alice","Type":2,"ToGroupid":"@TGS#1","ClearRamble":1}),
    );
    ok(&v);
    let st = e.state();
    let convs = st["users"]["alice"]["conversations"].as_array().unwrap();
    assert_eq!(convs.len(), 2);
    assert!(convs
        .iter()
        .all(|c| c["peer"] != "bob" && c["groupId"] != "@TGS#1"));
    // marks are independent of recent contacts
    let v = e.call(
        "recentcontact/search_contact_group",
        json!({"From_Account":"alice","ContactItem":[{"Type":1,"To_Account":"bob"}]}),
    );
    assert_eq!(v["ContactResultItem"][0]["CustomMark"], "vip");
    // ToGroupId spelling accepted too
    let v = e.call(
        "recentcontact/delete",
        json!({"From_Account":"alice","Type":2,"ToGroupId":"@TGS#1"}),
    );
    ok(&v);
    // missing peer → 50002 naming the field
    let v = e.call(
        "recentcontact/delete",
        json!({"From_Account":"alice","Type":1}),
    );
    err(&v, 50002);
    assert!(v["ErrorInfo"].as_str().unwrap().contains("To_Account"));
}

#[test]
fn create_update_del_contact_group_match_doc_samples() {
    let mut e = emu();
    let v = e.call(
        "recentcontact/create_contact_group",
        json!({"From_Account":"user15","GroupContactItem":[{"GroupName":"test2","ContactItem": [{"Type": 1,"To_Account": "user1"}]}]}),
    );
    let sample: Value = serde_json::from_str(r#"{"GroupResultItem": [{"GroupItem": {"GroupName": "test2","GroupId": 2},"ResultItem": [{"ContactItem": {"Type": 1,"To_Account": "user1"},"ResultCode": 0,"ResultInfo": ""}]}],"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": "","ErrorDisplay": ""}"#).unwrap();
    assert_eq!(v, sample);

    let v = e.call(
        "recentcontact/update_contact_group",
        json!({"From_Account":"user20","UpdateType":1,"UpdateGroup":{"UpdateGroupType":2,"OldGroupName":"test1","ContactUpdateItem":[{"ContactOptType":1,"ContactItem":{"Type": 1,"To_Account": "user1"}}]}}),
    );
    let sample: Value = serde_json::from_str(r#"{"UpdateType": 1,"UpdateGroupResult": {"UpdateGroupType": 2,"GroupName": "test1","GroupId": 1,"OldGroupName": "test1","ContactResultItem": [{"ContactOptType": 1,"ContactItem": {"Type": 1,"To_Account": "user1"},"ResultCode": 0,"ResultInfo": ""}]},"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": ""}"#).unwrap();
    assert_eq!(strip(v), sample);

    // rename
    let v = e.call(
        "recentcontact/update_contact_group",
        json!({"From_Account":"user20","UpdateType":1,"UpdateGroup":{"UpdateGroupType":1,"OldGroupName":"test1","NewGroupName":"renamed"}}),
    );
    ok(&v);
    assert_eq!(
        v["UpdateGroupResult"],
        json!({"UpdateGroupType":1,"GroupName":"renamed","GroupId":1,"OldGroupName":"test1"})
    );
    // remove the conversation again (2) and a second add of a group conversation
    let v = e.call(
        "recentcontact/update_contact_group",
        json!({"From_Account":"user20","UpdateType":1,"UpdateGroup":{"UpdateGroupType":2,"OldGroupName":"renamed","ContactUpdateItem":[
            {"ContactOptType":2,"ContactItem":{"Type":1,"To_Account":"user1"}},
            {"ContactOptType":1,"ContactItem":{"Type":2,"ToGroupId":"@TGS#1B2AUI7RZ"}},
            {"ContactOptType":7,"ContactItem":{"Type":2,"ToGroupId":"@TGS#x"}}
        ]}}),
    );
    ok(&v);
    let items = v["UpdateGroupResult"]["ContactResultItem"]
        .as_array()
        .unwrap();
    assert_eq!(items[0]["ResultCode"], 0);
    assert_eq!(
        items[1]["ContactItem"],
        json!({"Type":2,"ToGroupId":"@TGS#1B2AUI7RZ"})
    );
    assert_eq!(items[2]["ResultCode"], 50002);
    let v = e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"user20","StartIndex":0}),
    );
    assert_eq!(v["ContactItem"].as_array().unwrap().len(), 1);
    assert_eq!(v["ContactItem"][0]["ToGroupId"], "@TGS#1B2AUI7RZ");
    assert_eq!(v["ContactItem"][0]["StandardMark"], "");
    assert!(v["ContactItem"][0].get("CustomMark").is_none());

    // delete test1 of user15 (sample shape) and check the ids are removed everywhere
    let v = e.call(
        "recentcontact/del_contact_group",
        json!({"From_Account":"user15","GroupName":["test2"]}),
    );
    let sample: Value = serde_json::from_str(
        r#"{"GroupItem": [{"GroupName": "test2","GroupId": 2}],"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": ""}"#,
    )
    .unwrap();
    assert_eq!(strip(v), sample);
    let v = e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"user15","StartIndex":0}),
    );
    assert_eq!(v["ContactItem"], json!([]));
    assert_eq!(v["GroupItem"], json!([{"GroupName":"test1","GroupId":1}]));
    // GroupId = smallest unused positive integer: 2 is free again
    let v = e.call(
        "recentcontact/create_contact_group",
        json!({"From_Account":"user15","GroupContactItem":[{"GroupName":"again","ContactItem": []}]}),
    );
    assert_eq!(v["GroupResultItem"][0]["GroupItem"]["GroupId"], 2);
}

#[test]
fn del_contact_group_removes_ids_from_conversations() {
    let mut e = emu();
    let v = e.call(
        "recentcontact/del_contact_group",
        json!({"From_Account":"user0","GroupName":["test1x"]}),
    );
    ok(&v);
    assert_eq!(v["GroupItem"], json!([{"GroupName":"test1x","GroupId":1}]));
    let v = e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"user0","StartIndex":0}),
    );
    assert_eq!(v["ContactItem"][0]["ContactGroupId"], json!([2]));
    let v = e.call(
        "recentcontact/del_contact_group",
        json!({"From_Account":"user0","GroupName":["test10"]}),
    );
    ok(&v);
    let v = e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"user0","StartIndex":0}),
    );
    assert!(v["ContactItem"][0].get("ContactGroupId").is_none());
    assert_eq!(v["GroupItem"], json!([]));
}

#[test]
fn mark_contact_matches_doc_sample_and_semantics() {
    let mut e = emu();
    let v = e.call(
        "recentcontact/mark_contact",
        json!({"From_Account":"user0","MarkItem":[{"OptType":3,"ContactItem":{"Type":1,"To_Account":"user1"},"SetMark":[1,2,3],"CustomMark":"abcd"}]}),
    );
    let sample: Value = serde_json::from_str(r#"{"ResultItem": [{"OptType":3,"ContactItem": {"Type": 1,"To_Account": "user1"},"ResultCode": 0,"ResultInfo": ""}],"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": "","ErrorDisplay": ""}"#).unwrap();
    assert_eq!(v, sample);
    let search = |e: &mut Emu, who: Value| {
        e.call(
            "recentcontact/search_contact_group",
            json!({"From_Account":"user0","ContactItem":[who]}),
        )["ContactResultItem"]
            .clone()
    };
    let r = search(&mut e, json!({"Type":1,"To_Account":"user1"}));
    assert_eq!(r[0]["StandardMark"], "1110");
    assert_eq!(r[0]["CustomMark"], "abcd");
    // OptType 1 applies ClearMark then SetMark; 0-based bits; bit 33 is custom range
    let v = e.call(
        "recentcontact/mark_contact",
        json!({"From_Account":"user0","MarkItem":[
            {"OptType":1,"ContactItem":{"Type":1,"To_Account":"user1"},"ClearMark":[1,2,3],"SetMark":[0,3,33]},
            {"OptType":1,"ContactItem":{"Type":2,"ToGroupId":"@TGS#new"},"SetMark":[64]},
            {"OptType":2,"ContactItem":{"Type":2,"ToGroupId":"@TGS#new"},"CustomMark":"x".repeat(257)},
            {"OptType":4,"ContactItem":{"Type":2,"ToGroupId":"@TGS#new"}}
        ]}),
    );
    ok(&v);
    let codes: Vec<i64> = v["ResultItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ResultCode"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![0, 50002, 50002, 50002]);
    assert!(v["ResultItem"][1]["ResultInfo"]
        .as_str()
        .unwrap()
        .contains("64"));
    let r = search(&mut e, json!({"Type":1,"To_Account":"user1"}));
    assert_eq!(r[0]["StandardMark"], format!("1{}1001", "0".repeat(29)));
    assert_eq!(r[0]["CustomMark"], "abcd");
    // failed items changed nothing
    assert_eq!(
        search(&mut e, json!({"Type":2,"ToGroupId":"@TGS#new"})),
        json!([])
    );
    // star only = "1"
    e.call(
        "recentcontact/mark_contact",
        json!({"From_Account":"user0","MarkItem":[{"OptType":1,"ContactItem":{"Type":1,"To_Account":"star"},"SetMark":[0]}]}),
    );
    assert_eq!(
        search(&mut e, json!({"Type":1,"To_Account":"star"}))[0]["StandardMark"],
        "1"
    );
    // OptType 2 with "" clears the custom mark; clearing all bits removes the entry
    let v = e.call(
        "recentcontact/mark_contact",
        json!({"From_Account":"user0","MarkItem":[
            {"OptType":3,"ContactItem":{"Type":1,"To_Account":"user1"},"ClearMark":[0,3,33],"CustomMark":""}
        ]}),
    );
    ok(&v);
    assert_eq!(
        search(&mut e, json!({"Type":1,"To_Account":"user1"})),
        json!([])
    );
    // custom mark of exactly 256 bytes is fine
    let v = e.call(
        "recentcontact/mark_contact",
        json!({"From_Account":"user0","MarkItem":[{"OptType":2,"ContactItem":{"Type":1,"To_Account":"user1"},"CustomMark":"y".repeat(256)}]}),
    );
    assert_eq!(v["ResultItem"][0]["ResultCode"], 0);
}

#[test]
fn sns_group_samples_and_sequence() {
    let mut e = emu();
    let v = e.call(
        "sns/group_add",
        json!({"From_Account":"id","GroupName":["group1","group2","group3"]}),
    );
    assert_eq!(
        v,
        json!({"CurrentSequence": 2,"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": "","ErrorDisplay": ""})
    );
    let v = e.call(
        "sns/group_add",
        json!({"From_Account":"id","GroupName":["group4"],"To_Account":["id1","id2","friend1"]}),
    );
    ok(&v);
    assert_eq!(v["CurrentSequence"], 3);
    assert_eq!(
        v["ResultItem"],
        json!([
            {"To_Account": "id1","ResultCode": 0,"ResultInfo": ""},
            {"To_Account": "id2","ResultCode": 32216,"ResultInfo": "Err_SNS_GroupAdd_ToTinyId_Not_Friend"},
            {"To_Account": "friend1","ResultCode": 0,"ResultInfo": ""}
        ])
    );
    assert_eq!(v["Fail_Account"], json!(["id2"]));
    let v = e.call(
        "sns/group_get",
        json!({"From_Account":"id","LastSequence":1}),
    );
    assert_eq!(
        v,
        json!({"ResultItem": [{"GroupName": "group1","FriendNumber": 0},{"GroupName": "group2","FriendNumber": 0},{"GroupName": "group3","FriendNumber": 0},{"GroupName": "group4","FriendNumber": 2}],"CurrentSequence": 3,"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": "","ErrorDisplay": ""})
    );
    let v = e.call(
        "sns/group_get",
        json!({"From_Account":"id","NeedFriend":"Need_Friend_Type_Yes","GroupName":["group4","nope"]}),
    );
    assert_eq!(
        v["ResultItem"],
        json!([{"GroupName": "group4","FriendNumber": 2,"To_Account": ["friend1","id1"]}])
    );
    let v = e.call(
        "sns/group_delete",
        json!({"From_Account":"id","GroupName":["group1","group2","group3"]}),
    );
    ok(&v);
    assert_eq!(v["CurrentSequence"], 4);
    let v = e.call("sns/group_get", json!({"From_Account":"id"}));
    assert_eq!(v["ResultItem"].as_array().unwrap().len(), 1);
    assert_eq!(v["CurrentSequence"], 4);
    // failed writes do not bump the sequence
    let v = e.call(
        "sns/group_delete",
        json!({"From_Account":"id","GroupName":["missing"]}),
    );
    err(&v, 30001);
    let v = e.call(
        "sns/group_add",
        json!({"From_Account":"id","GroupName":["group4"]}),
    );
    err(&v, 30001);
    let v = e.call("sns/group_get", json!({"From_Account":"id"}));
    assert_eq!(v["CurrentSequence"], 4);
}

#[test]
fn family_error_codes() {
    let mut e = emu();
    // unknown From_Account
    err(
        &e.call(
            "recentcontact/get_contact_group",
            json!({"From_Account":"ghost","StartIndex":0}),
        ),
        50001,
    );
    err(
        &e.call("sns/group_get", json!({"From_Account":"ghost"})),
        30003,
    );
    // missing / wrong-typed fields name the field
    let v = e.call("recentcontact/get_list", json!({"From_Account":"alice","TimeStamp":"x","StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0,"AssistFlags":7}));
    err(&v, 50002);
    assert!(v["ErrorInfo"].as_str().unwrap().contains("TimeStamp"));
    let v = e.call("recentcontact/get_list", json!({"From_Account":"alice"}));
    err(&v, 50002);
    let v = e.call("recentcontact/get_contact_group", json!({"StartIndex":0}));
    err(&v, 50002);
    assert!(v["ErrorInfo"].as_str().unwrap().contains("From_Account"));
    let v = e.call("sns/group_add", json!({"From_Account":"alice"}));
    err(&v, 30001);
    assert!(v["ErrorInfo"].as_str().unwrap().contains("GroupName"));
    let v = e.call(
        "sns/group_get",
        json!({"From_Account":"alice","GroupName":"notarray"}),
    );
    err(&v, 30001);
    let v = e.call("recentcontact/mark_contact", json!({"From_Account":"alice","MarkItem":[{"OptType":1,"ContactItem":{"Type":3,"To_Account":"x"}}]}));
    err(&v, 50002);
    assert!(v["ErrorInfo"].as_str().unwrap().contains("Type"));
}

#[test]
fn contact_group_limits_and_codes() {
    let mut e = emu();
    let create = |e: &mut Emu, name: &str| {
        e.call(
            "recentcontact/create_contact_group",
            json!({"From_Account":"alice","GroupContactItem":[{"GroupName":name,"ContactItem":[]}]}),
        )
    };
    // duplicate name → 50002 "group name exists"
    let v = create(&mut e, "Work");
    err(&v, 50002);
    assert_eq!(v["ErrorInfo"], "group name exists");
    // name length: 64 bytes ok (2026 revision; older: 32), 65 → 51011
    ok(&create(&mut e, &"a".repeat(64)));
    err(&create(&mut e, &"b".repeat(65)), 51011);
    // more than one GroupContactItem → 50002
    err(
        &e.call(
            "recentcontact/create_contact_group",
            json!({"From_Account":"alice","GroupContactItem":[{"GroupName":"x","ContactItem":[]},{"GroupName":"y","ContactItem":[]}]}),
        ),
        50002,
    );
    // 20 groups max → 51010
    for i in 3..=20 {
        ok(&create(&mut e, &format!("g{i}")));
    }
    err(&create(&mut e, "one-too-many"), 51010);
    // del: more than one name → 50002; missing → 51009
    err(
        &e.call(
            "recentcontact/del_contact_group",
            json!({"From_Account":"alice","GroupName":["g3","g4"]}),
        ),
        50002,
    );
    err(
        &e.call(
            "recentcontact/del_contact_group",
            json!({"From_Account":"alice","GroupName":["nope"]}),
        ),
        51009,
    );
    // update: missing group → 51009; bad UpdateType → 50002; rename limits 64 / duplicates
    let upd = |e: &mut Emu, body: Value| e.call("recentcontact/update_contact_group", body);
    err(
        &upd(
            &mut e,
            json!({"From_Account":"alice","UpdateType":1,"UpdateGroup":{"UpdateGroupType":1,"OldGroupName":"nope","NewGroupName":"x"}}),
        ),
        51009,
    );
    err(
        &upd(
            &mut e,
            json!({"From_Account":"alice","UpdateType":1,"UpdateGroup":{"UpdateGroupType":2,"OldGroupName":"nope","ContactUpdateItem":[]}}),
        ),
        51009,
    );
    err(
        &upd(
            &mut e,
            json!({"From_Account":"alice","UpdateType":2,"UpdateGroup":{"UpdateGroupType":1,"OldGroupName":"Work","NewGroupName":"x"}}),
        ),
        50002,
    );
    ok(&upd(
        &mut e,
        json!({"From_Account":"alice","UpdateType":1,"UpdateGroup":{"UpdateGroupType":1,"OldGroupName":"Work","NewGroupName":"w".repeat(64)}}),
    ));
    err(
        &upd(
            &mut e,
            json!({"From_Account":"alice","UpdateType":1,"UpdateGroup":{"UpdateGroupType":1,"OldGroupName":"g3","NewGroupName":"w".repeat(65)}}),
        ),
        51011,
    );
    let v = upd(
        &mut e,
        json!({"From_Account":"alice","UpdateType":1,"UpdateGroup":{"UpdateGroupType":1,"OldGroupName":"g3","NewGroupName":"g4"}}),
    );
    err(&v, 50002);
    assert_eq!(v["ErrorInfo"], "group name exists");
}

#[test]
fn mark_and_search_limits() {
    let mut e = emu();
    let item = |i: usize| json!({"OptType":1,"ContactItem":{"Type":1,"To_Account":format!("p{i}")},"SetMark":[0]});
    err(
        &e.call(
            "recentcontact/mark_contact",
            json!({"From_Account":"alice","MarkItem":[]}),
        ),
        51006,
    );
    let many: Vec<Value> = (0..101).map(item).collect();
    err(
        &e.call(
            "recentcontact/mark_contact",
            json!({"From_Account":"alice","MarkItem":many}),
        ),
        51006,
    );
    // 1000-conversation cap: alice already has 1 marked conversation (bob)
    for batch in 0..9 {
        let items: Vec<Value> = (batch * 100..batch * 100 + 100).map(item).collect();
        ok(&e.call(
            "recentcontact/mark_contact",
            json!({"From_Account":"alice","MarkItem":items}),
        ));
    }
    let items: Vec<Value> = (900..999).map(item).collect();
    ok(&e.call(
        "recentcontact/mark_contact",
        json!({"From_Account":"alice","MarkItem":items}),
    ));
    // 1000 now; one more new conversation → 51008 (nothing applied)
    let v = e.call(
        "recentcontact/mark_contact",
        json!({"From_Account":"alice","MarkItem":[item(5000), item(1)]}),
    );
    err(&v, 51008);
    let v = e.call(
        "recentcontact/create_contact_group",
        json!({"From_Account":"alice","GroupContactItem":[{"GroupName":"big","ContactItem":[{"Type":1,"To_Account":"p5001"}]}]}),
    );
    err(&v, 51008);
    // changing already-marked conversations is still fine
    ok(&e.call(
        "recentcontact/mark_contact",
        json!({"From_Account":"alice","MarkItem":[item(1)]}),
    ));
    // search: 300 ok, 301 → 50002
    let items: Vec<Value> = (0..300)
        .map(|i| json!({"Type":1,"To_Account":format!("p{i}")}))
        .collect();
    let v = e.call(
        "recentcontact/search_contact_group",
        json!({"From_Account":"alice","ContactItem":items}),
    );
    ok(&v);
    assert_eq!(v["ContactResultItem"].as_array().unwrap().len(), 300);
    let items: Vec<Value> = (0..301)
        .map(|i| json!({"Type":1,"To_Account":format!("p{i}")}))
        .collect();
    err(
        &e.call(
            "recentcontact/search_contact_group",
            json!({"From_Account":"alice","ContactItem":items}),
        ),
        50002,
    );
}

#[test]
fn friend_group_limit_30011() {
    let mut e = emu();
    // alice has 1 friend group; 31 more reach 32
    let names: Vec<String> = (0..31).map(|i| format!("fg{i}")).collect();
    let v = e.call(
        "sns/group_add",
        json!({"From_Account":"alice","GroupName":names}),
    );
    ok(&v);
    assert_eq!(v["CurrentSequence"], 2);
    let v = e.call(
        "sns/group_add",
        json!({"From_Account":"alice","GroupName":["fg99"]}),
    );
    err(&v, 30011);
}
