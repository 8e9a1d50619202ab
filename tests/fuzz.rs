//! Property-based fuzzing of everything that reads untrusted input: the mark
//! codec, the UserSig decoder and every response parser. No input may panic;
//! every rejection is a typed error. `PROPTEST_CASES` raises the case count
//! (`scripts/fuzz` runs a long session).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use serde_json::{json, Value};
use tim_contacts::api::{parse_response, COMMANDS};
use tim_contacts::model::*;
use tim_contacts::transport::HttpResponse;
use tim_contacts::{decode_standard_mark, usersig, ErrorKind};

/// Every command of the table ([`tim_contacts::api::COMMANDS`]) reads the
/// same answer: every failure is typed and readable; none is a panic.
fn parse_all(status: u16, body: &[u8]) {
    let resp = HttpResponse {
        status,
        body: body.to_vec(),
    };
    for c in COMMANDS {
        if let Err(e) = (c.parse_example)(&resp) {
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::Transport | ErrorKind::Decode | ErrorKind::Api
                ),
                "{}: {e:?}",
                c.endpoint
            );
            assert!(!e.to_string().is_empty());
        }
    }
}

/// JSON values built from the wire's own keys, so the parsers get deep.
fn wire_value() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "ActionStatus",
        "ErrorCode",
        "ErrorInfo",
        "ErrorDisplay",
        "SessionItem",
        "ContactItem",
        "ContactResultItem",
        "GroupItem",
        "GroupResultItem",
        "ResultItem",
        "UpdateGroupResult",
        "CompleteFlag",
        "NextStartIndex",
        "TimeStamp",
        "StartIndex",
        "TopTimeStamp",
        "TopStartIndex",
        "Type",
        "To_Account",
        "ToGroupId",
        "GroupId",
        "StandardMark",
        "CustomMark",
        "ContactGroupId",
        "Timestamp",
        "MsgTime",
        "TopFlag",
        "GroupName",
        "ResultCode",
        "ResultInfo",
        "ContactOptType",
        "UpdateGroupType",
        "OldGroupName",
        "CurrentSequence",
        "Fail_Account",
        "FriendNumber",
        "OptType",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (0u64..5).prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)),
        "[01]{0,70}".prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        Just(Value::from("OK")),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8).prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parsers_survive_arbitrary_bytes(status in prop::sample::select(vec![200u16, 200, 200, 502, 404]), body in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_all(status, &body);
    }

    #[test]
    fn parsers_survive_wire_shaped_json(mut v in wire_value()) {
        // Half the cases get a success envelope so the command bodies are read.
        let success = rand_bit(&v);
        if let (Value::Object(map), true) = (&mut v, success) {
            map.insert("ErrorCode".into(), json!(0));
            map.insert("ActionStatus".into(), json!("OK"));
        }
        parse_all(200, v.to_string().as_bytes());
    }

    #[test]
    fn codec_survives_anything(s in ".{0,80}") {
        if let Err(e) = decode_standard_mark(&s) {
            prop_assert_eq!(e.kind(), ErrorKind::InvalidInput);
            prop_assert_eq!(e.field(), Some("bits"));
        }
    }

    #[test]
    fn codec_binary_strings(s in "[01]{0,70}") {
        match decode_standard_mark(&s) {
            Ok(m) => {
                let digits = if s.is_empty() { "0" } else { s.as_str() };
                prop_assert!(s.len() <= 64);
                prop_assert_eq!(u64::from_str_radix(digits, 2).unwrap(), m.value);
            }
            Err(_) => prop_assert!(s.len() > 64),
        }
    }

    #[test]
    fn usersig_decoder_survives_anything(s in "[A-Za-z0-9*_-]{0,300}") {
        let _ = usersig::decode(&s);
    }

    #[test]
    fn usersig_decoder_survives_corrupted_tickets(pos in 0usize..200, c in prop::sample::select(vec!['A', '*', '-', '_', '0'])) {
        let good = usersig::generate("key", 1_400_000_000, "administrator", 1_700_000_000, 86_400);
        let mut chars: Vec<char> = good.chars().collect();
        let i = pos % chars.len();
        chars[i] = c;
        let bad: String = chars.into_iter().collect();
        // Either still the same ticket, or a typed rejection; verify never panics.
        let _ = usersig::decode(&bad);
        let _ = usersig::verify(&bad, "key", 1_400_000_000, "administrator", 1_700_000_001);
    }
}

fn rand_bit(v: &Value) -> bool {
    v.to_string().len() % 2 == 0
}

#[test]
fn hostile_bodies_end_in_typed_errors() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let huge = format!(
        r#"{{"ActionStatus":"OK","ErrorCode":0,"ContactItem":[{}],"CompleteFlag":1}}"#,
        vec![r#"{"Type":1,"To_Account":"a","StandardMark":"1"}"#; 20_000].join(",")
    );
    for body in [
        &b"{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"SessionItem\":["[..],
        b"<html><body>502 Bad Gateway</body></html>",
        b"\xff\xfe\x00garbage",
        deep.as_bytes(),
        br#"{"ActionStatus":"OK","ErrorCode":0,"SessionItem":"nope","CompleteFlag":1}"#,
        br#"{"ActionStatus":"OK","ErrorCode":"0"}"#,
        huge.as_bytes(),
    ] {
        parse_all(200, body);
    }
    // A huge but valid page is parsed in full: nothing is dropped.
    let page = parse_response(
        &GetContactGroupRequest {
            from_account: "a".into(),
            start_index: None,
        },
        &HttpResponse {
            status: 200,
            body: huge.into_bytes(),
        },
    )
    .unwrap();
    assert_eq!(page.items.len(), 20_000);
}
