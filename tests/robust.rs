//! The robust client against the in-process emulator: paging, chunking,
//! retries per fault kind, no double-applied write, cancellation, a UserSig
//! that expires mid-run, and pacing under the emulator's rate limit.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cell::Cell;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use futures::executor::block_on;
use serde_json::Value;
use tim_contacts::client::{CallOptions, Observer, ResponseEvent, RetryEvent};
use tim_contacts::model::*;
use tim_contacts::ratelimit::RateLimiter;
use tim_contacts::retry::RetryPolicy;
use tim_contacts::transport::Clock;
use tim_contacts::{Client, ClientConfig, ErrorKind};
use tim_emulator::Running;

/// The emulator's clock (Unix seconds), shared with the signer.
static EMU_NOW: AtomicU64 = AtomicU64::new(0);
fn emu_now() -> u64 {
    match EMU_NOW.load(Ordering::SeqCst) {
        0 => RealClock.now_ms() / 1000,
        n => n,
    }
}

/// Records attempts and answers.
#[derive(Default)]
struct Log {
    codes: std::sync::Mutex<Vec<Option<i64>>>,
    retries: std::sync::atomic::AtomicU32,
    throttled: std::sync::atomic::AtomicU32,
}
impl Log {
    fn retries(&self) -> u32 {
        self.retries.load(Ordering::SeqCst)
    }
    fn throttled(&self) -> u32 {
        self.throttled.load(Ordering::SeqCst)
    }
    fn codes(&self) -> Vec<Option<i64>> {
        self.codes.lock().unwrap().clone()
    }
}
struct LogObserver(Arc<Log>);
impl Observer for LogObserver {
    fn on_response(&self, e: &ResponseEvent<'_>) {
        let code = e.error.and_then(|e| e.code());
        if code.is_some_and(tim_contacts::limits::is_throttling_code) {
            self.0.throttled.fetch_add(1, Ordering::SeqCst);
        }
        self.0.codes.lock().unwrap().push(code);
    }
    fn on_retry(&self, _e: &RetryEvent<'_>) {
        self.0.retries.fetch_add(1, Ordering::SeqCst);
    }
}

// ------------------------------------------------------------- host parts

type Robust<K> = Client<Tcp, RcSigner<Minting>, Counter, K>;

fn config(running: &Running) -> ClientConfig {
    ClientConfig::builder(APP_ID, ADMIN)
        .base_url(running.base_url())
        .build()
        .unwrap()
}

fn fake_client(running: &Running, sig: &Rc<Minting>) -> (Robust<Rc<FakeClock>>, Rc<FakeClock>) {
    let clock = FakeClock::new();
    let c = Client::new(
        config(running),
        Tcp,
        RcSigner(sig.clone()),
        Counter(Cell::new(1)),
    )
    .with_clock(clock.clone())
    .with_rate_limiter(None);
    (c, clock)
}

fn key(c: &ConversationRef) -> String {
    match c {
        ConversationRef::C2c { user_id } => format!("c2c:{user_id}"),
        ConversationRef::Group { group_id } => format!("group:{group_id}"),
    }
}

fn seed_conversations(running: &Running, user: &str) -> Vec<Value> {
    control(running, "GET", "state", None)["users"][user]["conversations"]
        .as_array()
        .unwrap()
        .clone()
}

fn seed_key(v: &Value) -> String {
    if v["type"] == "c2c" {
        format!("c2c:{}", v["peer"].as_str().unwrap())
    } else {
        format!("group:{}", v["groupId"].as_str().unwrap())
    }
}

// ------------------------------------------------------------------ paging

#[test]
fn pages_thousands_of_conversations_without_loss_or_repeat_and_resumes() {
    let running = start(big_seed(3000), |c| c.get_list_page_size = 97);
    let sig = signer();
    let (c, _) = fake_client(&running, &sig);
    let expected: HashSet<String> = seed_conversations(&running, "user_0001")
        .iter()
        .map(seed_key)
        .collect();
    assert!(expected.len() >= 2900, "{}", expected.len());
    let opts = CallOptions::default();
    let mut stream = c.list_conversations(GetListRequest {
        from_account: "user_0001".into(),
        ..Default::default()
    });
    let mut seen = Vec::new();
    // Read 1000 items, save the cursor, drop the stream.
    for _ in 0..1000 {
        seen.push(key(&block_on(c.next_item(&mut stream, &opts))
            .unwrap()
            .unwrap()
            .conversation));
    }
    let saved = stream.cursor().unwrap();
    drop(stream);
    // Resume later from the saved cursor: at most one page is repeated.
    let mut stream = c.list_conversations(GetListRequest {
        from_account: "user_0001".into(),
        cursor: Some(saved),
        ..Default::default()
    });
    let mut rest = Vec::new();
    while let Some(item) = block_on(c.next_item(&mut stream, &opts)).unwrap() {
        rest.push(key(&item.conversation));
    }
    let repeated = rest.iter().filter(|k| seen.contains(k)).count();
    assert!(repeated < 97, "{repeated} repeated");
    seen.extend(
        rest.into_iter()
            .filter(|k| !seen.contains(k))
            .collect::<Vec<_>>(),
    );
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no repeats");
    assert_eq!(unique, expected, "no loss");
    assert!(stream.cursor().is_none() && stream.is_done());
    // One fresh pass: every conversation exactly once, pinned first.
    let mut stream = c.list_conversations(GetListRequest {
        from_account: "user_0001".into(),
        ..Default::default()
    });
    let mut all = Vec::new();
    while let Some(item) = block_on(c.next_item(&mut stream, &opts)).unwrap() {
        all.push(item);
    }
    assert_eq!(all.len(), expected.len());
    let first_unpinned = all.iter().position(|i| !i.pinned).unwrap();
    assert!(all[first_unpinned..].iter().all(|i| !i.pinned));
}

#[test]
fn contact_group_items_page_to_the_end() {
    let running = start(big_seed(3000), |c| c.contact_group_page_size = 33);
    let sig = signer();
    let (c, _) = fake_client(&running, &sig);
    let marks = control(&running, "GET", "state", None)["users"]["user_0001"]["marks"]
        .as_array()
        .unwrap()
        .len();
    let mut stream = c.list_contact_group_items("user_0001", 0);
    let mut seen = HashSet::new();
    while let Some(item) = block_on(c.next_item(&mut stream, &CallOptions::default())).unwrap() {
        assert!(seen.insert(key(&item.conversation)), "repeat");
    }
    assert_eq!(seen.len(), marks);
    assert!(requests(&running, "v4/recentcontact/get_contact_group") as usize >= marks / 33);
}

// ---------------------------------------------------------------- chunking

#[test]
fn search_and_mark_beyond_the_limits_are_chunked_in_input_order() {
    let running = start(big_seed(1200), |_| {});
    let sig = signer();
    let (c, _) = fake_client(&running, &sig);
    let convs: Vec<ConversationRef> = seed_conversations(&running, "user_0001")
        .iter()
        .take(250)
        .map(|v| {
            if v["type"] == "c2c" {
                ConversationRef::c2c(v["peer"].as_str().unwrap())
            } else {
                ConversationRef::group(v["groupId"].as_str().unwrap())
            }
        })
        .collect();
    // Mark 250 conversations with a custom bit: 3 calls of <= 100, 3 at a time.
    let opts = CallOptions::new().chunks(tim_contacts::ChunkOptions::new(3).unwrap());
    let before = requests(&running, "v4/recentcontact/mark_contact");
    let marked = block_on(
        c.mark_contact_with(
            &MarkContactRequest {
                from_account: "user_0001".into(),
                items: convs
                    .iter()
                    .map(|conv| MarkChange {
                        conversation: conv.clone(),
                        set: vec![MarkName::Custom(40)],
                        clear: vec![],
                        custom_mark: None,
                        target: None,
                    })
                    .collect(),
            },
            &opts,
        ),
    )
    .unwrap();
    assert_eq!(
        requests(&running, "v4/recentcontact/mark_contact") - before,
        3
    );
    assert_eq!(marked.results.len(), 250);
    for (r, conv) in marked.results.iter().zip(&convs) {
        assert!(r.ok, "{r:?}");
        assert_eq!(&r.conversation, conv);
    }
    // Search 750 (the 250 marked three times over, reversed): 3 calls, input order.
    let mut asked: Vec<ConversationRef> = convs.iter().rev().cloned().collect();
    asked.extend(convs.iter().cloned());
    asked.extend(convs.iter().cloned());
    let before = requests(&running, "v4/recentcontact/search_contact_group");
    let found = block_on(c.search_contact_group(&SearchContactGroupRequest {
        from_account: "user_0001".into(),
        conversations: asked,
    }))
    .unwrap();
    assert_eq!(
        requests(&running, "v4/recentcontact/search_contact_group") - before,
        3
    );
    let got: Vec<_> = found.items.iter().map(|d| d.conversation.clone()).collect();
    let want: Vec<_> = convs.iter().rev().cloned().collect();
    assert_eq!(got, want);
    assert!(found.items.iter().all(|d| d.marks.custom.contains(&40)));
    // An invalid item in a later chunk is named by its index; nothing is sent.
    let before = requests(&running, "v4/recentcontact/mark_contact");
    let mut items: Vec<MarkChange> = marked
        .results
        .iter()
        .map(|r| MarkChange {
            conversation: r.conversation.clone(),
            set: vec![],
            clear: vec![MarkName::Custom(40)],
            custom_mark: None,
            target: None,
        })
        .collect();
    items[230].conversation = ConversationRef::c2c("");
    let err = block_on(c.mark_contact(&MarkContactRequest {
        from_account: "user_0001".into(),
        items,
    }))
    .unwrap_err();
    assert_eq!(err.field(), Some("items[230].conversation.userId"));
    assert_eq!(requests(&running, "v4/recentcontact/mark_contact"), before);
}

#[test]
fn a_failed_mark_chunk_reports_per_item_outcomes() {
    let running = start(big_seed(300), |_| {});
    let sig = signer();
    let (c, _) = fake_client(&running, &sig);
    let c = c.with_retry(RetryPolicy::none());
    // The second of three chunks fails with a final code.
    script(&running, &["none", "error:51008", "none"]);
    let items: Vec<MarkChange> = (0..220)
        .map(|i| MarkChange {
            conversation: ConversationRef::c2c(format!("someone_{i}")),
            set: vec![MarkName::Custom(33)],
            clear: vec![],
            custom_mark: None,
            target: None,
        })
        .collect();
    let r = block_on(c.mark_contact(&MarkContactRequest {
        from_account: "user_0001".into(),
        items,
    }))
    .unwrap();
    assert_eq!(r.results.len(), 220);
    assert!(r.results[..100].iter().all(|o| o.ok));
    assert!(r.results[100..200]
        .iter()
        .all(|o| !o.ok && o.code == 51008 && o.info.starts_with("not confirmed")));
    assert!(r.results[200..].iter().all(|o| o.ok));
    assert_eq!(
        r.results[150].conversation,
        ConversationRef::c2c("someone_150")
    );
}

// ----------------------------------------------------------------- retries

#[test]
fn reads_are_retried_per_fault_kind_with_attempts_reported() {
    let running = start(big_seed(50), |_| {});
    let sig = signer();
    let (c, clock) = fake_client(&running, &sig);
    let log = Arc::new(Log::default());
    let c = c.with_observer(Some(Arc::new(LogObserver(log.clone()))));
    let get = GetContactGroupRequest {
        from_account: "user_0001".into(),
        start_index: None,
    };
    let opts = CallOptions::new().timeout_ms(300);
    for (fault, retried) in [
        ("http502", true),
        ("drop", true),
        ("drop-after", true),
        ("truncate", true),
        ("delay:1000", true),
        ("error:60007", true),
        ("error:60018", true),
        ("error:50004", true),
        ("error:51009", false),
        ("error:70050", false),
    ] {
        script(&running, &[fault]);
        let before = requests(&running, "v4/recentcontact/get_contact_group");
        let slept = clock.slept.get();
        let r = block_on(c.execute_with(&get, &opts));
        let sent = requests(&running, "v4/recentcontact/get_contact_group") - before;
        if retried {
            assert!(r.is_ok(), "{fault}: {r:?}");
            assert_eq!(sent, 2, "{fault}");
            let waited = clock.slept.get() - slept;
            assert!((160..=240).contains(&waited), "{fault}: waited {waited} ms");
        } else {
            let e = r.unwrap_err();
            assert_eq!((sent, e.attempts()), (1, 1), "{fault}");
            assert!(e.delays_ms().is_empty());
        }
    }
    // Persistent faults: the error says how many attempts and which delays.
    script(&running, &["http502"; 4]);
    let e = block_on(c.execute(&get)).unwrap_err();
    assert_eq!(
        (e.kind(), e.status(), e.attempts()),
        (ErrorKind::Transport, Some(502), 4)
    );
    assert_eq!(e.delays_ms().len(), 3);
    assert!(
        e.delays_ms()[2] >= 640 && e.random().is_some(),
        "{:?}",
        e.delays_ms()
    );
    assert!(log.retries() >= 11);
}

#[test]
fn non_idempotent_writes_are_never_applied_twice() {
    let running = start(big_seed(50), |_| {});
    let sig = signer();
    let (c, _) = fake_client(&running, &sig);
    let groups = |running: &Running| {
        control(running, "GET", "state", None)["users"]["user_0001"]["contactGroups"]
            .as_array()
            .unwrap()
            .len()
    };
    let create = |name: &str| CreateContactGroupRequest {
        from_account: "user_0001".into(),
        group_name: name.into(),
        conversations: vec![],
    };
    let endpoint = "v4/recentcontact/create_contact_group";
    let n0 = groups(&running);
    // Applied, then the answer lost: not retried, applied once.
    for (i, fault) in ["drop-after", "truncate", "http502", "drop"]
        .iter()
        .enumerate()
    {
        script(&running, &[fault]);
        let before = requests(&running, endpoint);
        let e = block_on(c.create_contact_group(&create(&format!("g{i}")))).unwrap_err();
        assert_eq!(requests(&running, endpoint) - before, 1, "{fault}: {e}");
        assert_eq!(e.attempts(), 1);
    }
    // drop-after and truncate applied the write (once); http502 and drop did not.
    assert_eq!(groups(&running), n0 + 2);
    // Rejected before processing (throttled): retried, applied once.
    script(&running, &["error:60007", "error:60011"]);
    let before = requests(&running, endpoint);
    block_on(c.create_contact_group(&create("throttled"))).unwrap();
    assert_eq!(requests(&running, endpoint) - before, 3);
    assert_eq!(groups(&running), n0 + 3);
    // Friend groups too.
    script(&running, &["drop-after"]);
    let add = SnsGroupAddRequest {
        from_account: "user_0001".into(),
        group_names: vec!["Robust".into()],
        friends: vec![],
    };
    assert!(block_on(c.sns_group_add(&add)).is_err());
    let names: Vec<Value> = control(&running, "GET", "state", None)["users"]["user_0001"]
        ["friendGroups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["name"] == "Robust")
        .cloned()
        .collect();
    assert_eq!(names.len(), 1);
    // Opting in retries an ambiguous failure.
    let (c, _) = fake_client(&running, &sig);
    let c = c.with_retry(RetryPolicy {
        retry_non_idempotent: true,
        ..RetryPolicy::default()
    });
    script(&running, &["http502"]);
    block_on(c.create_contact_group(&create("opt-in"))).unwrap();
    assert_eq!(groups(&running), n0 + 4);
}

#[test]
fn a_connection_that_cannot_open_is_retried_even_for_writes() {
    // Bind and drop a listener: nothing listens on that port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cfg = ClientConfig::builder(APP_ID, ADMIN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let clock = FakeClock::new();
    let c = Client::new(cfg, Tcp, RcSigner(signer()), Counter(Cell::new(1)))
        .with_clock(clock.clone())
        .with_rate_limiter(None);
    let e = block_on(c.create_contact_group(&CreateContactGroupRequest {
        from_account: "a".into(),
        group_name: "g".into(),
        conversations: vec![],
    }))
    .unwrap_err();
    assert!(e.not_sent());
    assert_eq!(e.attempts(), 4);
}

// ------------------------------------------------------------ cancellation

#[test]
fn cancellation_mid_iteration_stops_and_the_cursor_resumes_without_loss() {
    let running = start(big_seed(1000), |c| c.get_list_page_size = 50);
    let sig = signer();
    let (c, _) = fake_client(&running, &sig);
    let flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let f = flag.clone();
    let opts = CallOptions::new().cancel(move || f.load(Ordering::SeqCst));
    let mut stream = c.list_conversations(GetListRequest {
        from_account: "user_0001".into(),
        ..Default::default()
    });
    let mut seen = HashSet::new();
    for _ in 0..120 {
        let item = block_on(c.next_item(&mut stream, &opts)).unwrap().unwrap();
        seen.insert(key(&item.conversation));
    }
    // Abort in the middle of the third page.
    let before = requests(&running, "v4/recentcontact/get_list");
    flag.store(true, Ordering::SeqCst);
    let mut aborted = None;
    for _ in 0..100 {
        match block_on(c.next_item(&mut stream, &opts)) {
            Ok(Some(item)) => {
                seen.insert(key(&item.conversation));
            }
            Ok(None) => panic!("ended"),
            Err(e) => {
                aborted = Some(e);
                break;
            }
        }
    }
    let e = aborted.expect("aborted");
    assert_eq!(e.kind(), ErrorKind::Aborted);
    assert_eq!(
        requests(&running, "v4/recentcontact/get_list"),
        before,
        "nothing sent after abort"
    );
    // Resume from the cursor with a fresh signal.
    let mut stream = c.list_conversations(GetListRequest {
        from_account: "user_0001".into(),
        cursor: stream.cursor(),
        ..Default::default()
    });
    while let Some(item) = block_on(c.next_item(&mut stream, &CallOptions::default())).unwrap() {
        seen.insert(key(&item.conversation));
    }
    let expected: HashSet<String> = seed_conversations(&running, "user_0001")
        .iter()
        .map(seed_key)
        .collect();
    assert_eq!(seen, expected);
}

// ------------------------------------------------------------------ UserSig

#[test]
fn a_usersig_that_expires_during_a_long_run_is_refreshed_once() {
    EMU_NOW.store(now_s(), Ordering::SeqCst);
    let running = start(big_seed(50), |c| c.now = Some(emu_now));
    let sig = Rc::new(Minting {
        calls: Cell::new(0),
        expire: 3600,
        clock: emu_now,
    });
    let (c, _) = fake_client(&running, &sig);
    let log = Arc::new(Log::default());
    let c = c.with_observer(Some(Arc::new(LogObserver(log.clone()))));
    let get = SnsGroupGetRequest {
        from_account: "user_0001".into(),
        ..Default::default()
    };
    for _ in 0..20 {
        block_on(c.sns_group_get(&get)).unwrap();
    }
    assert_eq!(sig.calls.get(), 1, "cached");
    // The server's clock moves two hours on: the cached UserSig is expired there.
    EMU_NOW.store(now_s() + 7200, Ordering::SeqCst);
    for _ in 0..20 {
        block_on(c.sns_group_get(&get)).unwrap();
    }
    assert_eq!(sig.calls.get(), 2, "one forced refresh");
    assert_eq!(
        log.codes()
            .clone()
            .iter()
            .filter(|c| **c == Some(70001))
            .count(),
        1
    );
    // A signer whose UserSigs are always expired fails after one re-sign.
    let stale = Rc::new(Minting {
        calls: Cell::new(0),
        expire: 1,
        clock: || now_s() - 10,
    });
    let (c, _) = fake_client(&running, &stale);
    let e = block_on(c.sns_group_get(&get)).unwrap_err();
    assert_eq!(
        (e.code(), e.attempts(), stale.calls.get()),
        (Some(70001), 2, 2)
    );
    EMU_NOW.store(0, Ordering::SeqCst);
}

// -------------------------------------------------------------- rate limit

#[test]
fn a_bulk_run_holds_the_rate_limit_without_throttling() {
    let running = start(big_seed(50), |c| c.rate_limit = 200);
    let sig = signer();
    let get = GetContactGroupRequest {
        from_account: "user_0001".into(),
        start_index: None,
    };
    // Without pacing the emulator throttles a quick burst.
    let unpaced = Client::new(
        config(&running),
        Tcp,
        RcSigner(sig.clone()),
        Counter(Cell::new(3)),
    );
    let throttled = (0..400)
        .filter(|_| {
            block_on(unpaced.execute(&get))
                .err()
                .is_some_and(|e| e.code() == Some(60007))
        })
        .count();
    assert!(throttled > 0, "the emulator enforces its limit");
    std::thread::sleep(Duration::from_millis(1100));
    // Two clients sharing one limiter, real clock: 600 calls, not one 60007.
    let limiter = Arc::new(RateLimiter::default());
    let log = Arc::new(Log::default());
    let make = || {
        Client::new(
            config(&running),
            Tcp,
            RcSigner(sig.clone()),
            Counter(Cell::new(5)),
        )
        .with_clock(RealClock)
        .with_retry(RetryPolicy::none())
        .with_rate_limiter(Some(limiter.clone()))
        .with_observer(Some(Arc::new(LogObserver(log.clone()))))
    };
    let (a, b) = (make(), make());
    let started = Instant::now();
    for i in 0..600 {
        let c = if i % 2 == 0 { &a } else { &b };
        block_on(c.execute(&get)).unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(log.throttled(), 0);
    assert_eq!(log.codes().len(), 600);
    // 600 calls at 200/s after a burst of 20: about 2.9 s.
    assert!(elapsed >= Duration::from_millis(2800), "{elapsed:?}");
}

// ---------------------------------------------------------------- failover

/// A signer that never answers.
struct Hanging;
impl tim_contacts::transport::Signer for Hanging {
    async fn sign(&self, _identifier: &str) -> Result<String, String> {
        std::future::pending().await
    }
}

#[test]
fn fails_over_to_the_backup_host_and_back_after_the_cool_down() {
    // Two emulators stand in for a region's primary and backup hosts.
    let primary = start(big_seed(5), |_| {});
    let port = primary.addr().port();
    let primary_url = primary.base_url();
    let backup = start(big_seed(5), |_| {});
    let sig = signer();
    let clock = FakeClock::new();
    let config = ClientConfig::builder(APP_ID, ADMIN)
        .base_url(primary.base_url())
        .backup_url(backup.base_url())
        .failover_cool_down_ms(30_000)
        .build()
        .unwrap();
    let c = Client::new(config, Tcp, RcSigner(sig.clone()), Counter(Cell::new(1)))
        .with_clock(clock.clone())
        .with_retry(RetryPolicy::none())
        .with_rate_limiter(None);
    let req = GetListRequest {
        from_account: "user_0001".into(),
        ..Default::default()
    };
    let endpoint = "v4/recentcontact/get_list";
    let host = |url: &str| url.trim_start_matches("http://").to_owned();

    // Primary up: it serves, the backup sees nothing.
    block_on(c.get_list(&req)).unwrap();
    assert_eq!(
        (requests(&primary, endpoint), requests(&backup, endpoint)),
        (1, 0)
    );

    // Primary down (connection refused): the same call goes to the backup,
    // at once and outside the retry budget (retries are off here).
    primary.shutdown();
    let report = Arc::new(tim_contacts::client::CallReport::default());
    let opts = CallOptions::new().report(report.clone());
    block_on(c.execute_with(&req, &opts)).unwrap();
    assert_eq!(report.host(), Some(host(&backup.base_url())));
    assert_eq!(report.attempts(), 2);
    // While cooling down, calls go straight to the backup.
    block_on(c.get_list(&req)).unwrap();
    assert_eq!(requests(&backup, endpoint), 2);

    // The primary comes back; after the cool-down it is preferred again.
    let primary = start(big_seed(5), |cfg| cfg.port = port);
    assert_eq!(primary.base_url(), primary_url);
    clock.now.set(clock.now.get() + 30_001);
    block_on(c.get_list(&req)).unwrap();
    assert_eq!(
        (requests(&primary, endpoint), requests(&backup, endpoint)),
        (1, 2)
    );

    // Both down: the error names the host tried last and says "retry later".
    primary.shutdown();
    backup.shutdown();
    let e = block_on(c.get_list(&req)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert!(e.is_retryable(), "{e:?}");
    assert!(e.host().is_some());
}

#[test]
fn failover_can_be_turned_off_and_is_on_for_regions_with_a_backup() {
    let region = ClientConfig::builder(APP_ID, ADMIN).region(tim_contacts::Region::Singapore);
    assert_eq!(
        region.clone().build().unwrap().backup_url(),
        Some("https://adminapisgp.my-imcloud.com")
    );
    assert_eq!(
        region.clone().no_failover().build().unwrap().backup_url(),
        None
    );
    let tokyo = ClientConfig::builder(APP_ID, ADMIN)
        .region(tim_contacts::Region::Tokyo)
        .build()
        .unwrap();
    assert_eq!(tokyo.backup_url(), None);
    let e = region.backup_url("http://example.com").build().unwrap_err();
    assert_eq!(e.field(), Some("failover.backupUrl"));

    // Off: a refused primary is a plain transport error, nothing else is tried.
    let down = start(big_seed(1), |_| {});
    let cfg = config(&down);
    down.shutdown();
    let c = Client::new(cfg, Tcp, RcSigner(signer()), Counter(Cell::new(1)));
    let e = block_on(c.get_list(&GetListRequest {
        from_account: "user_0001".into(),
        ..Default::default()
    }))
    .unwrap_err();
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Transport, 1));
}

#[test]
fn the_call_timeout_covers_a_signer_that_never_answers() {
    let running = start(big_seed(1), |_| {});
    let c = Client::new(config(&running), Tcp, Hanging, Counter(Cell::new(1)))
        .with_clock(FakeClock::new())
        .with_rate_limiter(None);
    let e = block_on(c.execute_with_timeout(
        &GetListRequest {
            from_account: "user_0001".into(),
            ..Default::default()
        },
        250,
    ))
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Signing);
    assert!(e.message().contains("250 ms"), "{e}");
    assert!(!e.is_retryable());
    assert_eq!(requests(&running, "v4/recentcontact/get_list"), 0);
}

#[test]
fn errors_say_whether_a_later_call_may_succeed() {
    let running = start(big_seed(1), |_| {});
    let sig = signer();
    let (c, _) = fake_client(&running, &sig);
    let c = c.with_retry(RetryPolicy {
        max_attempts: 2,
        ..RetryPolicy::default()
    });
    // Throttled twice: the retries are used up, but a later call may succeed.
    script(&running, &["error:60007", "error:60007"]);
    let e = block_on(c.get_list(&GetListRequest {
        from_account: "user_0001".into(),
        ..Default::default()
    }))
    .unwrap_err();
    assert_eq!((e.code(), e.attempts()), (Some(60007), 2));
    assert!(e.is_retryable());
    assert_eq!(
        e.host(),
        Some(running.base_url().trim_start_matches("http://"))
    );
    // A group that does not exist stays missing.
    let e = block_on(c.del_contact_group(&DelContactGroupRequest {
        from_account: "user_0001".into(),
        group_name: "no such group".into(),
    }))
    .unwrap_err();
    assert_eq!(e.code(), Some(51009));
    assert!(!e.is_retryable());
}

/// A plain client (no clock) cannot back off or pace: a back-off policy or a local rate
/// limiter set on it makes every call an `invalid_input` naming the setting, with nothing
/// sent; a policy without delays and the plain defaults still work.
#[test]
fn a_client_without_a_clock_refuses_back_off_and_pacing_it_cannot_do() {
    let running = start(big_seed(3), |_| {});
    let sig = signer();
    let plain = || {
        Client::new(
            config(&running),
            Tcp,
            RcSigner(sig.clone()),
            Counter(Cell::new(1)),
        )
    };
    let get = GetContactGroupRequest {
        from_account: "user_0001".into(),
        start_index: None,
    };
    let endpoint = "v4/recentcontact/get_contact_group";
    let before = requests(&running, endpoint);
    let e = block_on(plain().with_retry(RetryPolicy::default()).execute(&get)).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidInput, Some("retry")),
        "{e}"
    );
    let limiter = Arc::new(RateLimiter::default());
    let e = block_on(plain().with_rate_limiter(Some(limiter)).execute(&get)).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidInput, Some("rate_limiter")),
        "{e}"
    );
    assert_eq!(requests(&running, endpoint), before, "nothing was sent");
    // no delays asked for: retries at once are what the caller chose
    let at_once = RetryPolicy {
        max_attempts: 3,
        base_delay_ms: 0,
        ..RetryPolicy::default()
    };
    script(&running, &["http502"]);
    assert!(block_on(plain().with_retry(at_once).execute(&get)).is_ok());
    assert!(block_on(plain().execute(&get)).is_ok());
    // with a clock, the same settings are the robust defaults
    let (c, _clock) = fake_client(&running, &sig);
    assert!(block_on(c.with_retry(RetryPolicy::default()).execute(&get)).is_ok());
}
