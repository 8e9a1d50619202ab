//! Host parts shared by the integration tests that drive the core client
//! against the in-process emulator: a blocking TCP transport, real and fake
//! clocks, a counter as entropy, a minting signer and control-endpoint helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use tim_contacts::transport::{
    Clock, Entropy, HttpRequest, HttpResponse, Signer, Transport, TransportError,
};
use tim_emulator::{seedgen, usersig, Config, Running};

pub const APPID: u64 = 1_400_000_000;
/// [`APPID`] as the client takes it.
pub const APP_ID: u32 = APPID as u32;
pub const ADMIN: &str = "administrator";

// ------------------------------------------------------------- host parts

/// Blocking HTTP/1.1 over `TcpStream`, one connection per request.
pub struct Tcp;

impl Transport for Tcp {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let rest = req.url.strip_prefix("http://").expect("http url");
        let (authority, target) = rest.split_at(rest.find('/').unwrap());
        let mut s =
            TcpStream::connect(authority).map_err(|e| TransportError::Connect(e.to_string()))?;
        if req.timeout_ms > 0 {
            s.set_read_timeout(Some(Duration::from_millis(u64::from(req.timeout_ms))))
                .unwrap();
        }
        let head = format!(
            "POST {target} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            req.body.len()
        );
        let io = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                TransportError::Timeout
            }
            _ => TransportError::Network(e.to_string()),
        };
        s.write_all(head.as_bytes()).map_err(io)?;
        s.write_all(req.body.as_bytes()).map_err(io)?;
        let mut r = BufReader::new(s);
        let mut line = String::new();
        if r.read_line(&mut line).map_err(io)? == 0 {
            return Err(TransportError::Network("closed without a response".into()));
        }
        let status: u16 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        let mut len = 0usize;
        loop {
            line.clear();
            if r.read_line(&mut line).map_err(io)? == 0 {
                return Err(TransportError::Network("eof in headers".into()));
            }
            let t = line.trim_end();
            if t.is_empty() {
                break;
            }
            if let Some((k, v)) = t.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).map_err(io)?;
        Ok(HttpResponse { status, body })
    }
}

/// Wall-clock time; sleeps block the thread.
pub struct RealClock;
impl Clock for RealClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64
    }
    async fn sleep(&self, ms: u32) {
        std::thread::sleep(Duration::from_millis(u64::from(ms)));
    }
}

/// Virtual time: starts at the wall clock, advances only when slept on.
pub struct FakeClock {
    pub now: Cell<u64>,
    pub slept: Cell<u64>,
}
impl FakeClock {
    pub fn new() -> Rc<FakeClock> {
        Rc::new(FakeClock {
            now: Cell::new(RealClock.now_ms()),
            slept: Cell::new(0),
        })
    }
}
impl Clock for FakeClock {
    fn now_ms(&self) -> u64 {
        self.now.get()
    }
    async fn sleep(&self, ms: u32) {
        self.now.set(self.now.get() + u64::from(ms));
        self.slept.set(self.slept.get() + u64::from(ms));
    }
}

pub struct Counter(pub Cell<u32>);
impl Entropy for Counter {
    fn random_u32(&self) -> u32 {
        let n = self.0.get().wrapping_mul(2_654_435_761).wrapping_add(12345);
        self.0.set(n);
        n
    }
}

/// Mints UserSigs like a customer's backend; counts the calls.
pub struct Minting {
    pub calls: Cell<u32>,
    pub expire: u64,
    pub clock: fn() -> u64,
}
impl Signer for Minting {
    async fn sign(&self, identifier: &str) -> Result<String, String> {
        self.calls.set(self.calls.get() + 1);
        Ok(usersig::gen_usersig(
            usersig::SAMPLE_SECRET_KEY,
            APPID,
            identifier,
            (self.clock)(),
            self.expire,
        ))
    }
}

pub fn now_s() -> u64 {
    RealClock.now_ms() / 1000
}

pub fn signer() -> Rc<Minting> {
    Rc::new(Minting {
        calls: Cell::new(0),
        expire: 86_400,
        clock: now_s,
    })
}

impl<S: Signer> Signer for RcSigner<S> {
    async fn sign(&self, identifier: &str) -> Result<String, String> {
        self.0.sign(identifier).await
    }
}
pub struct RcSigner<S>(pub Rc<S>);

// ---------------------------------------------------------------- emulator

pub fn start(seed: tim_emulator::state::SeedDoc, tweak: impl FnOnce(&mut Config)) -> Running {
    let mut cfg = Config {
        seed,
        log: false,
        ..Config::default()
    };
    tweak(&mut cfg);
    tim_emulator::start(cfg).expect("emulator")
}

pub fn big_seed(conversations: usize) -> tim_emulator::state::SeedDoc {
    seedgen::generate(&seedgen::GenOptions {
        users: 1,
        conversations,
        seed: 7,
        demo: false,
        ..Default::default()
    })
}

pub fn control(running: &Running, method: &str, path: &str, body: Option<Value>) -> Value {
    let mut s = TcpStream::connect(running.addr()).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        s,
        "{method} /__control/{path} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (_, json) = out.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(json).unwrap()
}

pub fn script(running: &Running, faults: &[&str]) {
    control(
        running,
        "POST",
        "config",
        Some(json!({ "faults": { "script": faults } })),
    );
}

pub fn requests(running: &Running, endpoint: &str) -> u64 {
    control(running, "GET", "requests", None)[endpoint]
        .as_u64()
        .unwrap_or(0)
}

// --------------------------------------- thread-safe stand-ins for hooks

/// A `RefCell` look-alike over a `Mutex`, for hooks the client stores
/// (observers, host limiters: `Send + Sync` natively).
#[derive(Default, Debug)]
pub struct Shared<T>(std::sync::Mutex<T>);
impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(std::sync::Mutex::new(value))
    }
    pub fn borrow(&self) -> std::sync::MutexGuard<'_, T> {
        self.0.lock().unwrap()
    }
    pub fn borrow_mut(&self) -> std::sync::MutexGuard<'_, T> {
        self.0.lock().unwrap()
    }
}

/// A `Cell<u64>` look-alike over an atomic.
#[derive(Default, Debug)]
pub struct Count(std::sync::atomic::AtomicU64);
impl Count {
    pub fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
    pub fn set(&self, v: u64) {
        self.0.store(v, std::sync::atomic::Ordering::SeqCst);
    }
}
