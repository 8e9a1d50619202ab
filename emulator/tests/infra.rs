//! Rate limit, CORS, fault injection, control endpoints, limits on the
//! transport, and the command-line binary.

mod common;
use common::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

fn seed_v() -> Value {
    json!({"users": {
        "alice": {
            "conversations": [{"type":"c2c","peer":"bob","msgTime":10}],
            "friends": ["bob"],
            "friendGroups": [{"name":"Colleagues","members":["bob"]}],
            "friendGroupSequence": 1
        },
        "bob": {}
    }})
}

fn group_names(e: &mut Emu) -> Vec<String> {
    let v = e.call("sns/group_get", json!({"From_Account":"alice"}));
    ok(&v);
    v["ResultItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["GroupName"].as_str().unwrap().to_string())
        .collect()
}

fn add_group_target(e: &Emu) -> String {
    format!("/v4/sns/group_add?{}", e.query())
}

fn add_body(name: &str) -> Vec<u8> {
    json!({"From_Account":"alice","GroupName":[name]})
        .to_string()
        .into_bytes()
}

#[test]
fn rate_limit_burst_and_spread() {
    let mut e = Emu::with_seed(seed_v());
    // burst well above 200 calls within one second on one endpoint
    let t0 = Instant::now();
    let mut limited = 0;
    let mut okc = 0;
    for _ in 0..320 {
        let v = e.call("sns/group_get", json!({"From_Account":"alice"}));
        match v["ErrorCode"].as_i64().unwrap() {
            0 => okc += 1,
            60007 => {
                limited += 1;
                assert_eq!(v["ActionStatus"], "FAIL");
            }
            c => panic!("unexpected code {c}"),
        }
    }
    let el = t0.elapsed().as_secs_f64();
    if el < 0.5 {
        assert!(limited > 0, "burst of 320 in {el:.2}s was never limited");
    }
    assert!(okc >= 200, "at least the bucket capacity must pass ({okc})");
    // another endpoint has its own bucket
    ok(&e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"alice","StartIndex":0}),
    ));
    // calls spread below the limit are never limited
    e.control("POST", "config", json!({"rateLimit": 20}));
    for _ in 0..25 {
        let v = e.call("sns/group_get", json!({"From_Account":"alice"}));
        ok(&v);
        std::thread::sleep(Duration::from_millis(60));
    }
    // and a burst over the small limit is limited
    let limited = (0..40)
        .map(|_| e.call("sns/group_get", json!({"From_Account":"alice"})))
        .filter(|v| v["ErrorCode"] == 60007)
        .count();
    assert!(limited > 0);
    // 0 = off
    e.control("POST", "config", json!({"rateLimit": 0}));
    for _ in 0..300 {
        ok(&e.call("sns/group_get", json!({"From_Account":"alice"})));
    }
}

#[test]
fn cors_everywhere() {
    let mut e = Emu::with_seed(seed_v());
    let r = e
        .client
        .request(
            "OPTIONS",
            "/v4/recentcontact/get_list?sdkappid=1",
            &[
                ("Origin", "http://localhost:5173"),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ],
            b"",
        )
        .unwrap();
    assert_eq!(r.status, 204);
    let check = |r: &Resp| {
        assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
        assert_eq!(
            r.header("Access-Control-Allow-Methods"),
            Some("POST, OPTIONS")
        );
        assert_eq!(
            r.header("Access-Control-Allow-Headers"),
            Some("Content-Type, X-Requested-With")
        );
    };
    check(&r);
    // success, error, control and fault responses carry the headers too
    let t = format!("/v4/sns/group_get?{}", e.query());
    check(&e.raw("POST", &t, br#"{"From_Account":"alice"}"#));
    check(&e.raw("POST", &t, b"nope"));
    check(&e.raw("POST", "/v4/sns/group_get", b"{}"));
    check(&e.raw("GET", "/__control/state", b""));
    e.control("POST", "config", json!({"faults":{"script":["http502"]}}));
    let r = e.raw("POST", &t, b"{}");
    assert_eq!(r.status, 502);
    check(&r);
}

#[test]
fn fault_script_each_kind() {
    let mut e = Emu::with_seed(seed_v());
    let target = add_group_target(&e);
    e.control(
        "POST",
        "config",
        json!({"faults":{"script":["error:60018","http502","drop","truncate","drop-after","delay:300","none"]}}),
    );
    // error:<code> → FAIL envelope, write not applied
    let r = e.raw("POST", &target, &add_body("g-error"));
    assert_eq!(r.status, 200);
    err(&r.json(), 60018);
    assert_eq!(r.json()["ActionStatus"], "FAIL");
    // http502 → HTTP 502 with HTML, not applied
    let r = e.raw("POST", &target, &add_body("g-502"));
    assert_eq!(r.status, 502);
    assert!(String::from_utf8_lossy(&r.body).contains("502 Bad Gateway"));
    assert!(r.header("Content-Type").unwrap().starts_with("text/html"));
    // drop → connection closed without a response, not applied
    assert!(e.try_raw("POST", &target, &add_body("g-drop")).is_err());
    // truncate → HTTP 200 with the first half of the JSON, applied
    let r = e.raw("POST", &target, &add_body("g-trunc"));
    assert_eq!(r.status, 200);
    assert!(serde_json::from_slice::<Value>(&r.body).is_err());
    assert!(r.body.starts_with(b"{"));
    // drop-after → applied, then connection closed
    assert!(e
        .try_raw("POST", &target, &add_body("g-drop-after"))
        .is_err());
    // delay:300 → normal answer after the delay
    let t0 = Instant::now();
    let r = e.raw("POST", &target, &add_body("g-delay"));
    assert!(t0.elapsed() >= Duration::from_millis(290));
    ok(&r.json());
    // none → normal
    ok(&e.raw("POST", &target, &add_body("g-none")).json());
    // script exhausted
    assert_eq!(
        group_names(&mut e),
        vec!["Colleagues", "g-trunc", "g-drop-after", "g-delay", "g-none"]
    );
    let st = e.state();
    assert_eq!(st["users"]["alice"]["friendGroupSequence"], 5);
    // control endpoints are never faulted and do not consume the script
    e.control(
        "POST",
        "config",
        json!({"faults":{"script":["error:70001"]}}),
    );
    e.state();
    err(
        &e.call("sns/group_get", json!({"From_Account":"alice"})),
        70001,
    );
    ok(&e.call("sns/group_get", json!({"From_Account":"alice"})));
}

#[test]
fn fault_rate() {
    let mut e = Emu::with_seed(seed_v());
    let cfg = e.control(
        "POST",
        "config",
        json!({"faults":{"rate":1.0,"kinds":["error:60018","http502"]}}),
    );
    assert_eq!(cfg["faults"]["kinds"], json!(["error:60018", "http502"]));
    let t = format!("/v4/sns/group_get?{}", e.query());
    let (mut e502, mut e60018) = (0, 0);
    for _ in 0..60 {
        let r = e.raw("POST", &t, br#"{"From_Account":"alice"}"#);
        if r.status == 502 {
            e502 += 1;
        } else {
            assert_eq!(r.json()["ErrorCode"], 60018);
            e60018 += 1;
        }
    }
    assert!(e502 > 0 && e60018 > 0);
    e.control("POST", "config", json!({"faults":{"rate":0.0}}));
    ok(&e.call("sns/group_get", json!({"From_Account":"alice"})));
    // invalid config is rejected with 400 and changes nothing
    let r = e.raw("POST", "/__control/config", br#"{"faults":{"rate":2}}"#);
    assert_eq!(r.status, 400);
    let r = e.raw(
        "POST",
        "/__control/config",
        br#"{"faults":{"kinds":["boom"]}}"#,
    );
    assert_eq!(r.status, 400);
    let r = e.raw("POST", "/__control/config", br#"{"bogus":1}"#);
    assert_eq!(r.status, 400);
    // reset restores the startup fault config
    e.control(
        "POST",
        "config",
        json!({"faults":{"rate":1.0,"kinds":["drop"]}}),
    );
    e.control("POST", "reset", json!({}));
    ok(&e.call("sns/group_get", json!({"From_Account":"alice"})));
}

#[test]
fn reset_and_state_round_trip() {
    let mut e = Emu::with_seed(seed_v());
    let initial = e.state();
    assert_eq!(initial["sdkAppId"], APPID);
    assert_eq!(
        initial["users"]["alice"]["friendGroups"],
        json!([{"name":"Colleagues","members":["bob"]}])
    );
    // change things
    ok(&e.call(
        "recentcontact/create_contact_group",
        json!({"From_Account":"alice","GroupContactItem":[{"GroupName":"Work","ContactItem":[{"Type":1,"To_Account":"bob"}]}]}),
    ));
    ok(&e.call(
        "recentcontact/mark_contact",
        json!({"From_Account":"alice","MarkItem":[{"OptType":3,"ContactItem":{"Type":1,"To_Account":"bob"},"SetMark":[0,33],"CustomMark":"vip"}]}),
    ));
    let changed = e.state();
    let m = &changed["users"]["alice"]["marks"][0];
    assert_eq!(m["bits"], json!([0, 33]));
    assert_eq!(m["customMark"], "vip");
    assert_eq!(m["groups"], json!(["Work"]));
    assert_ne!(changed, initial);
    // reset {} → startup seed
    e.control("POST", "reset", json!({}));
    assert_eq!(e.state(), initial);
    // reset with a document → that state; state round-trips exactly
    e.control("POST", "reset", changed.clone());
    assert_eq!(e.state(), changed);
    let v = e.call(
        "recentcontact/search_contact_group",
        json!({"From_Account":"alice","ContactItem":[{"Type":1,"To_Account":"bob"}]}),
    );
    assert_eq!(
        v["ContactResultItem"][0]["StandardMark"],
        format!("1{}1", "0".repeat(32))
    );
    // users not in the seed do not exist
    e.control("POST", "reset", json!({"users":{"zed":{}}}));
    err(
        &e.call("sns/group_get", json!({"From_Account":"alice"})),
        30003,
    );
    ok(&e.call("sns/group_get", json!({"From_Account":"zed"})));
    // invalid seeds are rejected with 400 and the state is kept
    for bad in [
        json!({"users":{"a":{"marks":[{"type":"c2c","peer":"b","groups":["Missing"]}]}}}),
        json!({"users":{"a":{"conversations":[{"type":"c2c"}]}}}),
        json!({"users":{"a":{"unknownField":1}}}),
        json!({"users":{"a":{"marks":[{"type":"c2c","peer":"b","bits":[64]}]}}}),
    ] {
        let r = e.raw("POST", "/__control/reset", bad.to_string().as_bytes());
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.json()["error"].is_string());
    }
    ok(&e.call("sns/group_get", json!({"From_Account":"zed"})));
}

#[test]
fn request_counts() {
    let mut e = Emu::with_seed(seed_v());
    for _ in 0..3 {
        e.call("sns/group_get", json!({"From_Account":"alice"}));
    }
    e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"alice","StartIndex":0}),
    );
    e.call("recentcontact/nope", json!({}));
    let c = e.control("GET", "requests", json!(null));
    assert_eq!(c["v4/sns/group_get"], 3);
    assert_eq!(c["v4/recentcontact/get_contact_group"], 1);
    assert_eq!(c["v4/recentcontact/nope"], 1);
    e.control("POST", "requests/clear", json!({}));
    assert_eq!(e.control("GET", "requests", json!(null)), json!({}));
}

#[test]
fn transport_limits() {
    let mut e = Emu::with_seed(seed_v());
    // body over 1 MiB → 413 with a FAIL 60003 envelope
    let big = vec![b' '; 1024 * 1024 + 10];
    let t = format!("/v4/sns/group_get?{}", e.query());
    let r = e.raw("POST", &t, &big);
    assert_eq!(r.status, 413);
    err(&r.json(), 60003);
    // keep-alive works across many requests; chunked bodies and Expect are handled
    let mut s = std::net::TcpStream::connect(e.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let body = br#"{"From_Account":"alice"}"#;
    let req = format!(
        "POST {t} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n{:x}\r\n",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    s.write_all(b"\r\n0\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(
        out.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"),
        "{out}"
    );
    assert!(out.contains("\"ActionStatus\":\"OK\""));
    // garbage request line → 400, connection closed, server still fine
    let out = exchange(e.addr(), &[b"HELLO\r\n\r\n"]);
    assert!(out.starts_with("HTTP/1.1 400"), "{out}");
    ok(&e.call("sns/group_get", json!({"From_Account":"alice"})));
    // absurd chunk size (more than 64 bits) → 413, no crash
    let chunked = format!("POST {t} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    let out = exchange(e.addr(), &[chunked.as_bytes(), b"1ffffffffffffffff\r\n"]);
    assert!(out.starts_with("HTTP/1.1 413"), "{out}");
    // a chunk announcing more than the limit costs nothing until its bytes
    // come: 413 once more than the limit has arrived
    let over = vec![b' '; 1024 * 1024 + 10];
    let out = exchange(
        e.addr(),
        &[chunked.as_bytes(), b"ffffffffffffffff\r\n", &over],
    );
    assert!(out.starts_with("HTTP/1.1 413"), "{out}");
    // absurd page sizes are fine
    e.control(
        "POST",
        "config",
        json!({"getListPageSize": u64::MAX, "contactGroupPageSize": u64::MAX}),
    );
    ok(&e.call(
        "recentcontact/get_list",
        json!({"From_Account":"alice","TimeStamp":0,"StartIndex":0,"TopTimeStamp":u64::MAX,"TopStartIndex":u64::MAX,"AssistFlags":63}),
    ));
    ok(&e.call(
        "recentcontact/get_contact_group",
        json!({"From_Account":"alice","StartIndex":u64::MAX}),
    ));
    // unknown non-API path → 404
    assert_eq!(e.raw("GET", "/", b"").status, 404);
}

#[test]
fn shutdown_releases_port() {
    let e = Emu::with_seed(seed_v());
    let addr = e.addr();
    e.shutdown();
    std::thread::sleep(Duration::from_millis(100));
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[test]
fn binary_prints_first_line_and_stops_on_sigterm() {
    let (mut child, addr) = spawn_binary(
        &["--quiet", "--admin", "administrator", "--admin", "ops"],
        std::process::Stdio::null(),
    );
    // the default seed (seeds/demo.json) is loaded
    let mut c = Client::new(addr);
    let sig = mint(&mut c, "ops");
    let t = format!("/v4/recentcontact/get_list?sdkappid=1400000000&identifier=ops&usersig={sig}&random=7&contenttype=json");
    let r = c
        .request(
            "POST",
            &t,
            &[],
            br#"{"From_Account":"alice","TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0,"AssistFlags":63}"#,
        )
        .unwrap();
    let v = r.json();
    ok(&v);
    assert!(v["SessionItem"].as_array().unwrap().len() >= 100);
    let st = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let t0 = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        if t0.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
