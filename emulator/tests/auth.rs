//! Query-string and UserSig checks over real HTTP.

mod common;
use common::*;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use tim_emulator::usersig;

fn seed_v() -> Value {
    json!({"users": {"alice": {"friends": []}}})
}

fn post(e: &mut Emu, target: &str, body: &str) -> Value {
    let r = e.raw("POST", target, body.as_bytes());
    assert_eq!(r.status, 200);
    r.json()
}

const BODY: &str = r#"{"From_Account":"alice"}"#;

fn q(appid: &str, ident: &str, sig: &str) -> String {
    format!("/v4/sns/group_get?sdkappid={appid}&identifier={ident}&usersig={sig}&random=99999999&contenttype=json")
}

#[test]
fn query_parameter_errors() {
    let mut e = Emu::with_seed(seed_v());
    let sig = e.sig.clone();
    ok(&post(&mut e, &q("1400000000", ADMIN, &sig), BODY));
    // missing sdkappid → 60012
    let t = format!("/v4/sns/group_get?identifier={ADMIN}&usersig={sig}&random=1&contenttype=json");
    err(&post(&mut e, &t, BODY), 60012);
    // wrong sdkappid with a sig for the configured app → 70014
    err(&post(&mut e, &q("1400000001", ADMIN, &sig), BODY), 70014);
    // wrong sdkappid with a sig minted for that (other) app → 60006
    let other = usersig::gen_usersig(KEY, 1_400_000_001, ADMIN, now(), 3600);
    err(&post(&mut e, &q("1400000001", ADMIN, &other), BODY), 60006);
    err(&post(&mut e, &q("abc", ADMIN, &sig), BODY), 60006);
    // unknown command → 60009
    let t = format!("/v4/recentcontact/nope?{}", e.query());
    err(&post(&mut e, &t, BODY), 60009);
    let t = format!("/v4/sns?{}", e.query());
    err(&post(&mut e, &t, BODY), 60009);
    // random / contenttype
    let t = format!(
        "/v4/sns/group_get?sdkappid=1400000000&identifier={ADMIN}&usersig={sig}&contenttype=json"
    );
    err(&post(&mut e, &t, BODY), 60002);
    let t = format!("/v4/sns/group_get?sdkappid=1400000000&identifier={ADMIN}&usersig={sig}&random=1&contenttype=xml");
    err(&post(&mut e, &t, BODY), 60002);
    // non-JSON / empty / non-object body → 60003
    let t = q("1400000000", ADMIN, &sig);
    err(&post(&mut e, &t, ""), 60003);
    err(&post(&mut e, &t, "{not json"), 60003);
    err(&post(&mut e, &t, "[1,2]"), 60003);
    // GET is not allowed on the API
    let r = e.raw("GET", &t, b"");
    assert_eq!(r.status, 200);
    err(&r.json(), 60002);
}

#[test]
fn usersig_rejections() {
    let mut e = Emu::with_seed(seed_v());
    let t = now();
    // empty → 70002
    err(&post(&mut e, &q("1400000000", ADMIN, ""), BODY), 70002);
    // garbage / truncated → 70003
    err(
        &post(&mut e, &q("1400000000", ADMIN, "garbage!!"), BODY),
        70003,
    );
    let good = e.sig.clone();
    err(
        &post(
            &mut e,
            &q("1400000000", ADMIN, &good[..good.len() / 2]),
            BODY,
        ),
        70003,
    );
    // identifier mismatch → 70013
    let s = usersig::gen_usersig(KEY, APPID, "someone", t, 3600);
    err(&post(&mut e, &q("1400000000", ADMIN, &s), BODY), 70013);
    // expired → 70001
    let s = usersig::gen_usersig(KEY, APPID, ADMIN, t - 7200, 3600);
    err(&post(&mut e, &q("1400000000", ADMIN, &s), BODY), 70001);
    // wrong key → 70009
    let s = usersig::gen_usersig("not-the-key", APPID, ADMIN, t, 3600);
    err(&post(&mut e, &q("1400000000", ADMIN, &s), BODY), 70009);
    // a valid sig for a non-admin identifier → 60010
    let s = usersig::gen_usersig(KEY, APPID, "alice", t, 3600);
    err(&post(&mut e, &q("1400000000", "alice", &s), BODY), 60010);
    // percent-encoded sig is accepted
    let enc = good.replace('*', "%2A");
    ok(&post(&mut e, &q("1400000000", ADMIN, &enc), BODY));
    // sig with userbuf still verifies (HMAC includes the userbuf line)
    let s = usersig::gen_usersig_with_userbuf(KEY, APPID, ADMIN, t, 3600, Some(b"abc"));
    ok(&post(&mut e, &q("1400000000", ADMIN, &s), BODY));
}

#[test]
fn spec_v2_usersig_needs_the_clock() {
    // V2 (identifier xiaojun, time 1600000000, expire 15552000) from the spec,
    // verified with an injected clock.
    static NOW: AtomicU64 = AtomicU64::new(1_600_000_000);
    fn clock() -> u64 {
        NOW.load(Ordering::SeqCst)
    }
    let v2 = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMiUZOamAkXNUEVTKwoyi0DipqamRnDR4sx0oMmGUaYBeekuWe6JpWmpwZkB*U6lFSkekeau3sZeISmOWb4BlsbBJt5lYca*tkq1AJ49Mbs_";
    let v2_py = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRDiJZm5YFEzNPXFmekgGwyjTAPy0l2y3BNL01KDMwPynUorUjwizV29jb1CUhyzfAMsjYNNvMvCjH1tlWoBGhAzGw__";
    let mut cfg = config(seed(seed_v()));
    cfg.admins = vec!["xiaojun".into()];
    cfg.now = Some(clock);
    let mut e = Emu::start(cfg);
    for sig in [v2, v2_py] {
        NOW.store(1_600_000_000, Ordering::SeqCst);
        ok(&post(&mut e, &q("1400000000", "xiaojun", sig), BODY));
        NOW.store(1_600_000_000 + 15_552_000, Ordering::SeqCst);
        ok(&post(&mut e, &q("1400000000", "xiaojun", sig), BODY));
        NOW.store(1_600_000_000 + 15_552_001, Ordering::SeqCst);
        err(&post(&mut e, &q("1400000000", "xiaojun", sig), BODY), 70001);
    }
    // the control endpoint mints with the configured key; `time` allows expiry tests
    NOW.store(1_700_000_000, Ordering::SeqCst);
    let r = e.control(
        "POST",
        "usersig",
        json!({"identifier":"xiaojun","expire":100,"time":1_699_999_950u64}),
    );
    let s = r["userSig"].as_str().unwrap().to_string();
    ok(&post(&mut e, &q("1400000000", "xiaojun", &s), BODY));
    NOW.store(1_700_000_051, Ordering::SeqCst);
    err(&post(&mut e, &q("1400000000", "xiaojun", &s), BODY), 70001);
    // default expire is 86400 from "now"
    let r = e.control("POST", "usersig", json!({"identifier":"xiaojun"}));
    assert_eq!(r["expire"], 86_400);
    assert_eq!(r["time"], 1_700_000_051u64);
    let d = usersig::decode(r["userSig"].as_str().unwrap()).unwrap();
    assert!(d.hmac_matches(KEY));
    assert_eq!(d.identifier, "xiaojun");
}
