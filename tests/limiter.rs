//! A host rate limiter (`Client::with_host_limiter`): awaited once per HTTP
//! attempt with its endpoint, retries included; its failure is a
//! `rate_limit` error (nothing sent) or, under `WhenDown::Local`, pacing by
//! the fallback bucket at a quarter of the limit; one that never answers is
//! bounded by the call's timeout.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use common::{Counter, FakeClock, Shared, ADMIN, APP_ID};
use futures::executor::block_on;
use tim_contacts::client::{CallOptions, LimiterDownEvent};
use tim_contacts::model::{DelContactGroupRequest, SnsGroupGetRequest};
use tim_contacts::ratelimit::{
    Acquire, HostLimiter, LimiterFailure, FALLBACK_BURST, FALLBACK_CALLS_PER_SECOND,
};
use tim_contacts::ratelimit::{Limiter, WhenDown};
use tim_contacts::retry::RetryPolicy;
use tim_contacts::transport::{HttpRequest, HttpResponse, Signer, Transport, TransportError};
use tim_contacts::{Client, ClientConfig, ErrorKind};

const GROUP_GET_OK: &str = r#"{"ResultItem": [{"GroupName": "g","FriendNumber": 1}],"CurrentSequence": 2,"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": ""}"#;
const DEL_OK: &str = r#"{"ActionStatus": "OK","ErrorCode": 0,"ErrorInfo": ""}"#;

/// Answers from a script (then `GROUP_GET_OK`), recording each request's endpoint.
#[derive(Default)]
struct Scripted {
    answers: RefCell<VecDeque<(u16, &'static str)>>,
    sent: RefCell<Vec<String>>,
}
/// The client's handle on a shared [`Scripted`].
struct Tp(Rc<Scripted>);
impl Transport for Tp {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let path = req.url.split('?').next().unwrap();
        let endpoint = path.split_once("/v4/").unwrap().1;
        self.0.sent.borrow_mut().push(format!("v4/{endpoint}"));
        let (status, body) = self
            .0
            .answers
            .borrow_mut()
            .pop_front()
            .unwrap_or((200, GROUP_GET_OK));
        Ok(HttpResponse {
            status,
            body: body.as_bytes().to_vec(),
        })
    }
}

struct Opaque;
impl Signer for Opaque {
    async fn sign(&self, _identifier: &str) -> Result<String, String> {
        Ok("opaque-usersig".into())
    }
}

/// How the fake limiter answers.
#[derive(Clone, Copy, PartialEq)]
enum Answer {
    Go,
    Fail,
    Never,
}

/// Counts acquires per endpoint; answers as told (`script` first, then `then`).
struct Fake {
    script: Shared<VecDeque<Answer>>,
    then: Answer,
    counts: Shared<BTreeMap<&'static str, u32>>,
    downs: Shared<Vec<(&'static str, ErrorKind)>>,
}
impl Fake {
    fn new(then: Answer) -> Arc<Fake> {
        Fake::scripted(&[], then)
    }
    fn scripted(script: &[Answer], then: Answer) -> Arc<Fake> {
        Arc::new(Fake {
            script: Shared::new(script.iter().copied().collect()),
            then,
            counts: Shared::new(BTreeMap::new()),
            downs: Shared::new(Vec::new()),
        })
    }
    fn count(&self, endpoint: &str) -> u32 {
        self.counts.borrow().get(endpoint).copied().unwrap_or(0)
    }
}
impl HostLimiter for Fake {
    fn acquire(&self, endpoint: &'static str) -> Acquire<'_> {
        *self.counts.borrow_mut().entry(endpoint).or_default() += 1;
        let next = self.script.borrow_mut().pop_front();
        let answer = next.unwrap_or(self.then);
        Box::pin(async move {
            match answer {
                Answer::Go => Ok(()),
                Answer::Fail => Err(LimiterFailure {
                    message: "redis: connection refused".into(),
                    handle: Some(7),
                }),
                Answer::Never => std::future::pending().await,
            }
        })
    }
    fn fell_back(&self, e: &LimiterDownEvent<'_>) {
        self.downs.borrow_mut().push((e.endpoint, e.error.kind()));
    }
}

type TestClient = Client<Tp, Opaque, Counter, Rc<FakeClock>>;

fn client(limiter: Arc<Fake>, when_down: WhenDown) -> (TestClient, Rc<Scripted>, Rc<FakeClock>) {
    let transport = Rc::new(Scripted::default());
    let clock = FakeClock::new();
    let config = ClientConfig::builder(APP_ID, ADMIN)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let c = Client::new(config, Tp(transport.clone()), Opaque, Counter(Cell::new(1)))
        .with_clock(clock.clone())
        .with_host_limiter(limiter, when_down);
    (c, transport, clock)
}

fn group_get() -> SnsGroupGetRequest {
    SnsGroupGetRequest {
        from_account: "alice".into(),
        ..Default::default()
    }
}

const GROUP_GET: &str = "v4/sns/group_get";
const DEL: &str = "v4/recentcontact/del_contact_group";

#[test]
fn acquire_is_awaited_once_per_attempt_with_its_endpoint_retries_included() {
    let fake = Fake::new(Answer::Go);
    let (c, transport, clock) = client(fake.clone(), WhenDown::Fail);
    assert!(matches!(c.limiter(), Some(Limiter::Host(_))));
    assert!(c.rate_limiter().is_none());
    transport
        .answers
        .borrow_mut()
        .extend([(500, "busy"), (503, "busy")]);
    let r = block_on(c.sns_group_get(&group_get())).unwrap();
    assert_eq!(r.groups.len(), 1);
    assert_eq!(fake.count(GROUP_GET), 3);
    assert_eq!(transport.sent.borrow().len(), 3);
    // Only the two back-offs were slept: no local bucket behind the host's.
    let backoffs = RetryPolicy::default();
    assert!(
        clock.slept.get() <= u64::from(backoffs.max_delay_ms),
        "{}",
        clock.slept.get()
    );

    transport.answers.borrow_mut().push_back((200, DEL_OK));
    block_on(c.del_contact_group(&DelContactGroupRequest {
        from_account: "alice".into(),
        group_name: "g".into(),
    }))
    .unwrap();
    assert_eq!(fake.count(DEL), 1);
    assert_eq!(fake.count(GROUP_GET), 3);
}

#[test]
fn a_failing_limiter_fails_the_call_with_rate_limit_and_nothing_is_sent() {
    let fake = Fake::new(Answer::Fail);
    let (c, transport, _) = client(fake.clone(), WhenDown::default());
    let e = block_on(c.sns_group_get(&group_get())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimit);
    assert_eq!(e.kind().as_str(), "rate_limit");
    assert!(e.not_sent());
    assert!(
        e.is_retryable(),
        "a later call may succeed once the limiter is back"
    );
    assert_eq!(e.attempts(), 0);
    assert_eq!(e.endpoint(), Some(GROUP_GET));
    assert_eq!(e.limiter_handle(), Some(7));
    assert!(
        e.message().contains("connection refused"),
        "{}",
        e.message()
    );
    // Not retried within the call: one acquire, no request.
    assert_eq!(fake.count(GROUP_GET), 1);
    assert!(transport.sent.borrow().is_empty());

    // A write that is not idempotent: still retryable, nothing was sent.
    let e = block_on(c.del_contact_group(&DelContactGroupRequest {
        from_account: "alice".into(),
        group_name: "g".into(),
    }))
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimit);
    assert!(e.is_retryable());
    assert!(transport.sent.borrow().is_empty());
}

#[test]
fn a_limiter_failing_before_a_retry_keeps_the_attempts_made() {
    let fake = Fake::scripted(&[Answer::Go], Answer::Fail);
    let (c, transport, _) = client(fake.clone(), WhenDown::Fail);
    transport.answers.borrow_mut().push_back((500, "busy"));
    let e = block_on(c.sns_group_get(&group_get())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimit);
    assert_eq!(e.attempts(), 1);
    assert_eq!(e.delays_ms().len(), 1);
    assert!(
        e.random().is_some(),
        "the random of the attempt that was sent"
    );
    assert_eq!(fake.count(GROUP_GET), 2);
    assert_eq!(transport.sent.borrow().len(), 1);
}

#[test]
fn when_down_local_paces_at_a_quarter_of_the_limit_and_reports_it() {
    assert_eq!((FALLBACK_CALLS_PER_SECOND, FALLBACK_BURST), (50, 5));
    let fake = Fake::new(Answer::Fail);
    let (c, transport, clock) = client(fake.clone(), WhenDown::Local);
    let start = clock.now.get();
    for _ in 0..20 {
        block_on(c.sns_group_get(&group_get())).unwrap();
    }
    // 5 at once, then one per 20 ms: 15 waits.
    let elapsed = clock.now.get() - start;
    assert_eq!(elapsed, 15 * 1000 / 50, "{elapsed}");
    assert_eq!(transport.sent.borrow().len(), 20);
    assert_eq!(
        fake.count(GROUP_GET),
        20,
        "the limiter is asked again each attempt"
    );
    assert_eq!(
        *fake.downs.borrow(),
        vec![(GROUP_GET, ErrorKind::RateLimit); 20]
    );
    // Endpoints have their own fallback buckets.
    transport.answers.borrow_mut().push_back((200, DEL_OK));
    let before = clock.now.get();
    block_on(c.del_contact_group(&DelContactGroupRequest {
        from_account: "alice".into(),
        group_name: "g".into(),
    }))
    .unwrap();
    assert_eq!(clock.now.get(), before);
}

#[test]
fn a_limiter_back_up_is_used_again_at_once() {
    let fake = Fake::scripted(&[Answer::Fail; 6], Answer::Go);
    let (c, _, clock) = client(fake.clone(), WhenDown::Local);
    for _ in 0..6 {
        block_on(c.sns_group_get(&group_get())).unwrap();
    }
    let after_fallback = clock.now.get();
    // The 6th fallback attempt waited (burst 5); the host's answers now pace alone.
    for _ in 0..20 {
        block_on(c.sns_group_get(&group_get())).unwrap();
    }
    assert_eq!(clock.now.get(), after_fallback);
    assert_eq!(fake.count(GROUP_GET), 26);
}

#[test]
fn a_limiter_that_never_answers_is_bounded_by_the_calls_timeout() {
    let fake = Fake::new(Answer::Never);
    let (c, transport, clock) = client(fake.clone(), WhenDown::Local);
    let start = clock.now.get();
    let opts = CallOptions::new().timeout_ms(250);
    let e = block_on(c.execute_with(&group_get(), &opts)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.not_sent());
    assert!(e.is_retryable());
    assert!(e.message().contains("rate limiter"), "{}", e.message());
    assert_eq!(e.attempts(), 0);
    assert_eq!(clock.now.get() - start, 250);
    assert_eq!(
        fake.count(GROUP_GET),
        1,
        "a timeout is not retried within the call"
    );
    assert!(transport.sent.borrow().is_empty());
}

#[test]
fn a_call_cancelled_while_acquire_waited_is_aborted_unsent() {
    let fake = Fake::new(Answer::Go);
    let (c, transport, _) = client(fake.clone(), WhenDown::Fail);
    let asked = fake.clone();
    // Cancelled once the limiter was asked (as if during its wait).
    let opts = CallOptions::new().cancel(move || asked.count(GROUP_GET) > 0);
    let e = block_on(c.execute_with(&group_get(), &opts)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Aborted);
    assert_eq!(fake.count(GROUP_GET), 1);
    assert!(transport.sent.borrow().is_empty());
}
