//! Secret hygiene: every error path of the core client, against a fake
//! transport and against the in-process emulator, must keep the UserSig (raw
//! and percent-encoded) out of errors (Display, Debug, every accessor),
//! observer events and the `Debug` of the request types. Also: query values
//! are percent-encoded (no parameter injection) and plain-http base URLs are
//! refused unless loopback or opted in.
//!
//! (The emulator's own request log is covered by
//! `emulator/tests/hardening.rs::the_log_never_carries_a_usersig`.)
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use common::*;
use futures::executor::block_on;
use tim_contacts::client::{CallOptions, Observer, RequestEvent, ResponseEvent, RetryEvent};
use tim_contacts::model::*;
use tim_contacts::transport::{
    HttpRequest, HttpResponse, Signer, StaticSigner, Transport, TransportError,
};
use tim_contacts::{Client, ClientConfig, Error, ErrorKind};
use tim_emulator::usersig;

/// A UserSig-like secret with characters that percent-encoding changes.
const SIG: &str = "eJyrVspMSS1SslIqSS0u0TM0Mg*SeCrEt-Sig_+/=";

fn leaks(text: &str, sig: &str) -> bool {
    text.contains(sig) || text.contains(&percent_encoded(sig))
}

/// Asserts that nothing an error exposes carries `sig`.
fn assert_clean_error(e: &Error, sig: &str) {
    let mut parts = vec![
        ("to_string", e.to_string()),
        ("debug", format!("{e:?}")),
        ("alt debug", format!("{e:#?}")),
        ("message", e.message().to_owned()),
    ];
    for (name, v) in [
        ("field", e.field()),
        ("info", e.info()),
        ("display", e.display()),
    ] {
        if let Some(v) = v {
            parts.push((name, v.to_owned()));
        }
    }
    parts.push(("endpoint", e.endpoint().unwrap_or_default().to_owned()));
    for (name, text) in parts {
        assert!(!leaks(&text, sig), "UserSig in error {name}: {text}");
    }
}

/// Records every observer event as its `Debug` plus its string fields.
#[derive(Default)]
struct Events(Shared<Vec<String>>);
struct Recorder(Arc<Events>);
impl Observer for Recorder {
    fn on_request(&self, e: &RequestEvent<'_>) {
        let mut v = self.0 .0.borrow_mut();
        v.push(format!("{e:?}"));
        v.push(e.url.clone());
        v.push(e.body.to_owned());
    }
    fn on_response(&self, e: &ResponseEvent<'_>) {
        let mut v = self.0 .0.borrow_mut();
        v.push(format!("{e:?}"));
        if let Some(err) = e.error {
            v.push(err.to_string());
        }
    }
    fn on_retry(&self, e: &RetryEvent<'_>) {
        let mut v = self.0 .0.borrow_mut();
        v.push(format!("{e:?}"));
        v.push(e.error.to_string());
    }
}

fn assert_clean_events(events: &Events, sig: &str) {
    let events = events.0.borrow();
    assert!(!events.is_empty(), "the observer saw nothing");
    for e in events.iter() {
        assert!(!leaks(e, sig), "UserSig in an observer event: {e}");
    }
}

/// A transport answering from a closure; keeps every request it was given.
struct Fake<F> {
    answer: F,
    seen: RefCell<Vec<HttpRequest>>,
}
impl<F: Fn(&HttpRequest) -> Result<HttpResponse, TransportError>> Transport for &Fake<F> {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, TransportError> {
        self.seen.borrow_mut().push(req.clone());
        (self.answer)(req)
    }
}

fn fake<F: Fn(&HttpRequest) -> Result<HttpResponse, TransportError>>(answer: F) -> Fake<F> {
    Fake {
        answer,
        seen: RefCell::new(Vec::new()),
    }
}

fn ok_json(body: &str) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status: 200,
        body: body.as_bytes().to_vec(),
    })
}

fn cfg(base: &str) -> ClientConfig {
    ClientConfig::builder(APP_ID, ADMIN)
        .base_url(base)
        .build()
        .unwrap()
}

fn get() -> SnsGroupGetRequest {
    SnsGroupGetRequest {
        from_account: "alice".into(),
        ..Default::default()
    }
}

/// Runs `get()` through a robust client (fake clock, default retries) over
/// `transport`, returning the error and checking events and requests.
fn fail_with<F: Fn(&HttpRequest) -> Result<HttpResponse, TransportError>>(
    answer: F,
) -> (Error, usize) {
    let t = fake(answer);
    let events = Arc::new(Events::default());
    let c = Client::new(
        cfg("https://console.tim.qq.com"),
        &t,
        StaticSigner(SIG.into()),
        Counter(Cell::new(1)),
    )
    .with_clock(FakeClock::new())
    .with_observer(Some(Arc::new(Recorder(events.clone()))));
    let e = block_on(c.sns_group_get(&get())).unwrap_err();
    assert_clean_error(&e, SIG);
    assert_clean_events(&events, SIG);
    for req in t.seen.borrow().iter() {
        // The URL itself carries it (encoded); its Debug must not.
        assert!(req.url.contains(&percent_encoded(SIG)));
        assert!(!leaks(&format!("{req:?}"), SIG), "{req:?}");
        assert!(!leaks(&req.redacted_url(), SIG));
    }
    let n = t.seen.borrow().len();
    (e, n)
}

#[test]
fn transport_failures_quoting_the_url_are_scrubbed() {
    let (e, n) = fail_with(|r| Err(TransportError::Network(format!("failed: {}", r.url))));
    assert_eq!((e.kind(), n, e.attempts()), (ErrorKind::Transport, 4, 4));
    assert!(e.message().contains("usersig=***"), "{e}");
    let (e, _) = fail_with(|r| Err(TransportError::Network(format!("raw {SIG} in {}", r.url))));
    assert_eq!(e.kind(), ErrorKind::Transport);
    let (e, n) = fail_with(|r| Err(TransportError::Connect(format!("refused: {}", r.url))));
    assert!(e.not_sent() && n == 4, "{e}");
    let (e, _) = fail_with(|_| Err(TransportError::Timeout));
    assert_eq!(e.kind(), ErrorKind::Timeout);
    let (e, n) = fail_with(|_| Err(TransportError::Aborted));
    assert_eq!((e.kind(), n), (ErrorKind::Aborted, 1));
}

#[test]
fn http_decode_and_api_failures_do_not_carry_the_usersig() {
    // A 502 whose HTML quotes the request URL.
    let (e, n) = fail_with(|r| {
        Ok(HttpResponse {
            status: 502,
            body: format!("<html>bad gateway for {}</html>", r.url).into_bytes(),
        })
    });
    assert_eq!((e.status(), n), (Some(502), 4));
    // Cut-off and non-JSON bodies (retried: a read).
    let (e, _) = fail_with(|_| ok_json(r#"{"ActionStatus":"OK","ErrorCo"#));
    assert_eq!(e.kind(), ErrorKind::Decode);
    let (e, _) = fail_with(|r| ok_json(&format!("not json {}", r.url)));
    assert_eq!(e.kind(), ErrorKind::Decode);
    // API errors: final, retried, and re-signed-then-final.
    for (code, attempts) in [(70009, 1), (60018, 4), (70001, 2), (50004, 4)] {
        let body = format!(
            r#"{{"ActionStatus":"FAIL","ErrorCode":{code},"ErrorInfo":"nope","ErrorDisplay":""}}"#
        );
        let (e, n) = fail_with(move |_| ok_json(&body));
        assert_eq!(
            (e.code(), e.attempts(), n),
            (Some(code), attempts, attempts as usize),
            "{e}"
        );
    }
}

/// A response that echoes the request URL (a proxy's error page, a hostile
/// server): serde's decode messages quote string values (`invalid type:
/// string "…usersig=…"`), and an API error's `ErrorInfo` / `ErrorDisplay`
/// would be copied verbatim; the client scrubs both.
#[test]
fn responses_echoing_the_url_do_not_leak_it_into_errors() {
    // A decode failure on a field whose (string) value quotes the URL.
    let (e, _) = fail_with(|r| {
        ok_json(&format!(
            r#"{{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","CurrentSequence":"{}"}}"#,
            r.url
        ))
    });
    assert_eq!(e.kind(), ErrorKind::Decode);
    // An API error whose ErrorInfo / ErrorDisplay echo the URL (a hostile proxy).
    let (e, _) = fail_with(|r| {
        ok_json(&format!(
            r#"{{"ActionStatus":"FAIL","ErrorCode":70009,"ErrorInfo":"bad sig in {0}","ErrorDisplay":"{0}"}}"#,
            r.url
        ))
    });
    assert_eq!(e.code(), Some(70009));
}

#[test]
fn invalid_input_and_signing_failures_do_not_carry_the_usersig() {
    let t = fake(|_| ok_json("{}"));
    let events = Arc::new(Events::default());
    let c = Client::new(
        cfg("https://console.tim.qq.com"),
        &t,
        StaticSigner(SIG.into()),
        Counter(Cell::new(1)),
    )
    .with_observer(Some(Arc::new(Recorder(events.clone()))));
    let bad = SnsGroupGetRequest {
        from_account: String::new(),
        ..Default::default()
    };
    let e = block_on(c.sns_group_get(&bad)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_clean_error(&e, SIG);
    let e = block_on(c.mark_contact(&MarkContactRequest {
        from_account: "alice".into(),
        items: vec![],
    }))
    .unwrap_err();
    assert_clean_error(&e, SIG);
    assert!(t.seen.borrow().is_empty());

    struct Failing;
    impl Signer for Failing {
        async fn sign(&self, _id: &str) -> Result<String, String> {
            Err("the signing backend is down".into())
        }
    }
    let c = Client::new(
        cfg("https://console.tim.qq.com"),
        &t,
        Failing,
        Counter(Cell::new(1)),
    );
    let e = block_on(c.sns_group_get(&get())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Signing);
    assert!(e.not_sent());
    assert_clean_error(&e, SIG);
    let c = Client::new(
        cfg("https://console.tim.qq.com"),
        &t,
        StaticSigner(String::new()),
        Counter(Cell::new(1)),
    );
    assert_eq!(
        block_on(c.sns_group_get(&get())).unwrap_err().kind(),
        ErrorKind::Signing
    );
    assert!(t.seen.borrow().is_empty());
}

/// A value as the client's query strings carry it: RFC 3986 unreserved
/// characters and `*` verbatim, every other byte `%XX`.
fn percent_encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'*') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn debug_of_request_types_and_signer_is_redacted() {
    assert!(!leaks(&format!("{:?}", StaticSigner(SIG.into())), SIG));
    // The request the client builds, as its transport sees it.
    let t = fake(|_| ok_json(r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#));
    let c = Client::new(
        cfg("https://console.tim.qq.com"),
        &t,
        StaticSigner(SIG.into()),
        Counter(Cell::new(5)),
    );
    let _ = block_on(c.sns_group_get(&get()));
    let req = t.seen.borrow()[0].clone();
    assert!(!leaks(&format!("{c:?}"), SIG), "{c:?}");
    assert!(!leaks(&format!("{req:?}"), SIG), "{req:?}");
    assert!(!leaks(&format!("{req:#?}"), SIG));
    assert!(!leaks(&req.redacted_url(), SIG));
}

#[test]
fn query_values_are_percent_encoded_so_nothing_is_injected() {
    let t = fake(|_| ok_json(r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#));
    let evil = "admin&sdkappid=1";
    let config = ClientConfig::builder(APP_ID, evil)
        .base_url("https://console.tim.qq.com")
        .build()
        .unwrap();
    let c = Client::new(
        config,
        &t,
        StaticSigner("sig&usersig=x&random=1".into()),
        Counter(Cell::new(1)),
    );
    let _ = block_on(c.sns_group_get(&get()));
    let url = t.seen.borrow()[0].url.clone();
    let query = url.split_once('?').unwrap().1;
    let keys: Vec<&str> = query
        .split('&')
        .map(|kv| kv.split_once('=').unwrap().0)
        .collect();
    for k in ["sdkappid", "identifier", "usersig", "random", "contenttype"] {
        assert_eq!(keys.iter().filter(|x| **x == k).count(), 1, "{k} in {url}");
    }
    assert!(query.contains(&format!("sdkappid={APPID}")), "{url}");
    assert!(query.contains(&format!("identifier={}", percent_encoded(evil))));
    assert_eq!(c.config().identifier(), evil);
}

#[test]
fn plain_http_base_urls_are_refused_unless_loopback_or_opted_in() {
    let new = |url: &str, insecure| {
        ClientConfig::builder(APP_ID, ADMIN)
            .base_url(url)
            .allow_insecure_http(insecure)
            .build()
    };
    for url in [
        "http://example.com",
        "http://10.0.0.1:8080",
        "http://127.0.0.1.evil.com",
        "http://localhost.evil.com",
        "ftp://example.com",
    ] {
        let e = new(url, false).unwrap_err();
        assert_eq!(e.field(), Some("baseUrl"), "{url}");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
    for url in [
        "https://example.com",
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
    ] {
        assert!(new(url, false).is_ok(), "{url}");
    }
    assert!(new("http://example.com", true).is_ok());
}

// ----------------------------------------------------------------- emulator

/// Mints real UserSigs (which contain `*`, `-`, `_`), remembering them.
struct Recording {
    key: &'static str,
    time: fn() -> u64,
    expire: u64,
    minted: RefCell<Vec<String>>,
}
impl Signer for Recording {
    async fn sign(&self, identifier: &str) -> Result<String, String> {
        let s = usersig::gen_usersig(self.key, APPID, identifier, (self.time)(), self.expire);
        self.minted.borrow_mut().push(s.clone());
        Ok(s)
    }
}

#[test]
fn emulator_error_paths_never_expose_the_usersig() {
    let running = start(big_seed(20), |_| {});
    let events = Arc::new(Events::default());
    let run = |key: &'static str, time: fn() -> u64, faults: &[&str]| {
        script(&running, faults);
        let signer = Rc::new(Recording {
            key,
            time,
            expire: 600,
            minted: RefCell::new(Vec::new()),
        });
        let c = Client::new(
            cfg(&running.base_url()),
            Tcp,
            RcSigner(signer.clone()),
            Counter(Cell::new(9)),
        )
        .with_clock(FakeClock::new())
        .with_observer(Some(Arc::new(Recorder(events.clone()))));
        let r = block_on(c.execute_with(
            &SnsGroupGetRequest {
                from_account: "user_0001".into(),
                ..Default::default()
            },
            &CallOptions::new().timeout_ms(200),
        ));
        let minted = signer.minted.borrow().clone();
        assert!(!minted.is_empty());
        for sig in &minted {
            if let Err(e) = &r {
                assert_clean_error(e, sig);
            }
            for ev in events.0.borrow().iter() {
                assert!(!leaks(ev, sig), "UserSig in an observer event: {ev}");
            }
        }
        events.0.borrow_mut().clear();
        r
    };
    let good = usersig::SAMPLE_SECRET_KEY;
    let wrong = "0000000000000000000000000000000000000000000000000000000000000000";
    let e = run(wrong, now_s, &[]).unwrap_err();
    assert_eq!(e.code(), Some(70009));
    let e = run(good, || now_s() - 3600, &[]).unwrap_err();
    assert_eq!((e.code(), e.attempts()), (Some(70001), 2));
    let e = run(good, now_s, &["error:60018"; 4]).unwrap_err();
    assert_eq!((e.code(), e.attempts()), (Some(60018), 4));
    let e = run(good, now_s, &["http502"; 4]).unwrap_err();
    assert_eq!(e.status(), Some(502));
    let e = run(
        good,
        now_s,
        &["drop", "drop-after", "truncate", "delay:400"],
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    let e = run(good, now_s, &["truncate"; 4]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    run(good, now_s, &["drop", "none"]).unwrap();
}
