//! The core driven with no socket and a virtual clock, as a wasm or node host
//! will drive it.

use super::*;
use crate::usersig::{gen_usersig, SAMPLE_SECRET_KEY};

const T0: u64 = 1_700_000_000_000;

fn emu(rate_limit: u32) -> Emulator {
    let seed = serde_json::from_value(serde_json::json!({"users": {"alice": {
        "friends": ["bob"], "friendGroups": [{"name": "Colleagues", "members": ["bob"]}]
    }}}))
    .unwrap();
    let cfg = Config {
        seed,
        rate_limit,
        ..Config::default()
    };
    Emulator::new(&cfg, 7).unwrap()
}

fn target(cmd: &str, sig_time: u64, expire: u64) -> String {
    let sig = gen_usersig(
        SAMPLE_SECRET_KEY,
        DEFAULT_SDK_APP_ID,
        "administrator",
        sig_time,
        expire,
    );
    format!("/v4/{cmd}?sdkappid={DEFAULT_SDK_APP_ID}&identifier=administrator&usersig={sig}&random=1&contenttype=json")
}

fn post<'a>(target: &'a str, body: &'a [u8]) -> Request<'a> {
    Request {
        method: "POST",
        target,
        body,
    }
}

fn answer(r: Reply) -> (Answer, Value) {
    match r.action {
        Action::Answer(a) => {
            let v = serde_json::from_slice(&a.body).unwrap_or(Value::Null);
            (a, v)
        }
        other => panic!("expected an answer, got {other:?}"),
    }
}

const GET: &[u8] = br#"{"From_Account":"alice"}"#;

#[test]
fn an_api_call_is_answered_with_cors_and_logged_without_the_query() {
    let mut e = emu(0);
    let t = target("sns/group_get", T0 / 1000, 3600);
    let r = e.handle(&post(&t, GET), Now::at(T0));
    assert_eq!(
        r.log.as_deref(),
        Some("POST /v4/sns/group_get from=alice code=0")
    );
    let (a, v) = answer(r);
    assert_eq!((a.status, a.close), (200, false));
    assert_eq!(v["ResultItem"][0]["GroupName"], "Colleagues");
    assert!(a
        .headers
        .contains(&("Access-Control-Allow-Origin", "*".into())));
}

#[test]
fn the_clock_passed_in_expires_usersigs_and_refills_the_rate_limit() {
    let mut e = emu(2);
    let t = target("sns/group_get", T0 / 1000, 60);
    for _ in 0..2 {
        assert_eq!(
            answer(e.handle(&post(&t, GET), Now::at(T0))).1["ErrorCode"],
            0
        );
    }
    let limited = answer(e.handle(&post(&t, GET), Now::at(T0))).1;
    assert_eq!(limited["ErrorCode"], RATE_LIMIT_CODE);
    // half a second later one token is back (2 per second)
    let later = Now::at(T0 + 500);
    assert_eq!(answer(e.handle(&post(&t, GET), later)).1["ErrorCode"], 0);
    // a minute and a second later the UserSig has expired
    let expired = Now::at(T0 + 61_000);
    assert_eq!(
        answer(e.handle(&post(&t, GET), expired)).1["ErrorCode"],
        70001
    );
}

#[test]
fn faults_are_decisions_the_host_acts_out() {
    let mut e = emu(0);
    let script = br#"{"faults":{"script":["drop","delay:250","truncate","drop-after","http502"]}}"#;
    let (a, _) = answer(e.handle(&post("/__control/config", script), Now::at(T0)));
    assert_eq!(a.status, 200);
    let t = target("sns/group_add", T0 / 1000, 3600);
    let add = |name: &str| format!(r#"{{"From_Account":"alice","GroupName":["{name}"]}}"#);
    // drop: nothing applied
    let (b1, b2, b3, b4) = (add("g1"), add("g2"), add("g3"), add("g4"));
    assert!(matches!(
        e.handle(&post(&t, b1.as_bytes()), Now::at(T0)).action,
        Action::Drop
    ));
    // delay: nothing decided until the host resumes it
    let req = post(&t, b2.as_bytes());
    let r = e.handle(&req, Now::at(T0));
    let Action::Delay(d) = r.action else {
        panic!("expected a delay")
    };
    assert_eq!((d.ms, r.log), (250, None));
    let (_, v) = answer(e.resume(&req, d, Now::at(T0 + 250)));
    assert_eq!(v["ErrorCode"], 0);
    // truncate: half the JSON, then close
    let (a, v) = answer(e.handle(&post(&t, b3.as_bytes()), Now::at(T0)));
    assert!(a.close && v.is_null() && a.body.starts_with(b"{"));
    // drop-after: applied, no answer
    let r = e.handle(&post(&t, b4.as_bytes()), Now::at(T0));
    assert!(matches!(r.action, Action::Drop));
    assert_eq!(
        r.log.as_deref(),
        Some("POST /v4/sns/group_add from=alice code=0 (fault:drop-after)")
    );
    // http502: a gateway's HTML page
    let (a, _) = answer(e.handle(&post(&t, b"{}"), Now::at(T0)));
    assert_eq!(a.status, 502);
    let (_, st) = answer(e.handle(
        &Request {
            method: "GET",
            target: "/__control/state",
            body: b"",
        },
        Now::at(T0),
    ));
    let names: Vec<_> = st["users"]["alice"]["friendGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Colleagues", "g2", "g3", "g4"]);
}

#[test]
fn preflight_unknown_paths_and_transport_answers() {
    let mut e = emu(0);
    let opt = Request {
        method: "OPTIONS",
        target: "/v4/anything?x=1",
        body: b"",
    };
    let r = e.handle(&opt, Now::at(T0));
    assert!(r.log.is_none());
    let (a, _) = answer(r);
    assert_eq!((a.status, a.body.len()), (204, 0));
    let (a, v) = answer(e.handle(&post("/nope", b""), Now::at(T0)));
    assert_eq!(a.status, 404);
    assert!(v["error"].is_string());
    assert_eq!(e.max_body_bytes(), 1024 * 1024);
    for (a, status, code) in [
        (Answer::too_large(), 413, 60003),
        (Answer::timed_out(), 200, 60008),
        (Answer::malformed("bad"), 400, 60002),
        (Answer::busy(), 503, 60008),
    ] {
        let v: Value = serde_json::from_slice(&a.body).unwrap();
        assert_eq!(
            (a.status, a.close, v["ErrorCode"].as_i64()),
            (status, true, Some(code))
        );
    }
}
