//! Hostile clients: slow senders, idle floods, connection caps, parallel load,
//! and logs that never carry a UserSig.

mod common;
use common::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn seed_v() -> Value {
    json!({"users": {"alice": {
        "conversations": [{"type":"c2c","peer":"bob","msgTime":10}],
        "friends": ["bob"],
        "friendGroups": [{"name":"Colleagues","members":["bob"]}],
        "friendGroupSequence": 1
    }}})
}

fn read_all(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn a_slow_client_is_cut_off_and_others_are_served_meanwhile() {
    let mut cfg = config(seed(seed_v()));
    cfg.request_timeout = Duration::from_millis(400);
    let mut e = Emu::start(cfg);
    let mut slow = TcpStream::connect(e.addr()).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let t0 = Instant::now();
    // Start a request, then trickle the headers slower than the timeout allows.
    slow.write_all(b"POST /v4/sns/group_get?").unwrap();
    let served = e.call("sns/group_get", json!({"From_Account": "alice"}));
    ok(&served);
    for _ in 0..10 {
        if slow.write_all(b"x").is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let answer = read_all(&mut slow);
    assert!(
        t0.elapsed() < Duration::from_secs(4),
        "cut off late: {:?}",
        t0.elapsed()
    );
    assert!(answer.is_empty() || answer.contains("60008"), "{answer}");
    ok(&e.call("sns/group_get", json!({"From_Account": "alice"})));
}

#[test]
fn idle_connections_are_closed_after_the_idle_timeout() {
    let mut cfg = config(seed(seed_v()));
    cfg.idle_timeout = Duration::from_millis(300);
    let e = Emu::start(cfg);
    let mut idle = TcpStream::connect(e.addr()).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let t0 = Instant::now();
    let mut buf = [0u8; 16];
    let n = idle.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "the server closes an idle connection");
    assert!(t0.elapsed() < Duration::from_secs(3));
}

#[test]
fn a_flood_of_connections_is_capped_and_the_server_recovers() {
    let mut cfg = config(seed(seed_v()));
    cfg.max_connections = 64;
    let mut e = Emu::start(cfg);
    // 64 idle connections take every slot...
    let hogs: Vec<TcpStream> = (0..64)
        .map(|_| TcpStream::connect(e.addr()).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    // ...so the next one is refused at once with a 503, not queued.
    let mut extra = TcpStream::connect(e.addr()).unwrap();
    extra
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let answer = read_all(&mut extra);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    // A few hundred more connection attempts do not take it down either.
    let burst: Vec<_> = (0..300)
        .filter_map(|_| TcpStream::connect(e.addr()).ok())
        .collect();
    drop(burst);
    drop(hogs);
    std::thread::sleep(Duration::from_millis(300));
    e.client = Client::new(e.addr());
    ok(&e.call("sns/group_get", json!({"From_Account": "alice"})));
}

#[test]
fn parallel_clients_are_all_answered() {
    let mut cfg = config(seed(seed_v()));
    cfg.rate_limit = 0;
    let e = Emu::start(cfg);
    let addr = e.addr();
    let target = format!("/v4/sns/group_get?{}", e.query());
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let target = target.clone();
            std::thread::spawn(move || {
                let mut c = Client::new(addr);
                for _ in 0..25 {
                    let r = c
                        .request("POST", &target, &[], br#"{"From_Account":"alice"}"#)
                        .unwrap();
                    assert_eq!(r.status, 200);
                    ok(&r.json());
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn the_log_never_carries_a_usersig() {
    let (mut child, addr) = spawn_binary(&[], std::process::Stdio::piped());
    let mut c = Client::new(addr);
    let minted = mint(&mut c, "administrator");
    let wrong = tim_emulator::usersig::gen_usersig("not-the-key", APPID, ADMIN, now(), 3600);
    for sig in [&minted, &wrong, &"garbage-sig".to_string()] {
        for cmd in ["sns/group_get", "recentcontact/get_list", "nope/nope"] {
            let t = format!("/v4/{cmd}?sdkappid={APPID}&identifier={ADMIN}&usersig={sig}&random=1&contenttype=json");
            let _ = c.request("POST", &t, &[], br#"{"From_Account":"alice"}"#);
            let _ = c.request("POST", &t, &[], b"not json");
        }
    }
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    child.wait().unwrap();
    assert!(log.lines().count() >= 18, "one line per request:\n{log}");
    for secret in [&minted, &wrong, &"garbage-sig".to_string()] {
        assert!(!log.contains(secret.as_str()), "UserSig in the log:\n{log}");
    }
    assert!(!log.to_ascii_lowercase().contains("usersig="), "{log}");
}

/// Resident set size of a process in bytes (Linux: `VmRSS` in /proc/PID/status).
#[cfg(target_os = "linux")]
fn rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb * 1024
}

/// Many connections that each announce a 1 MiB body and send 1 KiB of it: the
/// emulator's memory follows the bytes received, not the bytes announced, and it
/// answers again once the senders are gone. Runs the real binary as a child
/// process so its RSS can be read on its own.
#[cfg(target_os = "linux")]
#[test]
fn announced_bodies_do_not_cost_memory_before_their_bytes_arrive() {
    const SENDERS: usize = 2_000;
    const GROWTH_LIMIT: u64 = 100 * 1024 * 1024;
    let (mut child, addr) = spawn_binary(&["--quiet"], std::process::Stdio::null());
    let mut c = Client::new(addr);
    let sig = mint(&mut c, ADMIN);
    let target = format!(
        "/v4/sns/group_get?sdkappid={APPID}&identifier={ADMIN}&usersig={sig}&random=1&contenttype=json"
    );
    let body = br#"{"From_Account":"alice"}"#;
    ok(&c.request("POST", &target, &[], body).unwrap().json());
    let pid = child.id();
    let before = rss_bytes(pid);

    let head = format!("POST {target} HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n");
    let kib = vec![b' '; 1024];
    let t0 = Instant::now();
    let mut senders = Vec::with_capacity(SENDERS);
    while senders.len() < SENDERS && t0.elapsed() < Duration::from_secs(30) {
        let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
            continue;
        };
        // Refused connections (over the cap) may be reset: ignore write errors.
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(&kib);
        senders.push(s);
    }
    let opened = senders.len();
    // Give the server time to read what was sent; keep the highest reading.
    let mut peak = 0;
    for _ in 0..10 {
        std::thread::sleep(Duration::from_millis(150));
        peak = peak.max(rss_bytes(pid));
    }
    let growth = peak.saturating_sub(before);
    eprintln!(
        "flood: {opened} senders in {:?}, RSS {} MB -> {} MB (+{} MB)",
        t0.elapsed(),
        before / 1_000_000,
        peak / 1_000_000,
        growth / 1_000_000
    );
    drop(senders);
    std::thread::sleep(Duration::from_millis(500));
    let mut c = Client::new(addr);
    let answered = c.request("POST", &target, &[], body).map(|r| r.json());
    let _ = child.kill();
    let _ = child.wait();
    assert!(opened >= SENDERS / 2, "only {opened} connections opened");
    assert!(
        growth < GROWTH_LIMIT,
        "RSS grew by {} MB for {opened} announced 1 MiB bodies of 1 KiB each",
        growth / 1_000_000
    );
    ok(&answered.expect("the server answers once the senders are gone"));
}
