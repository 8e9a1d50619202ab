//! `tim-emulator`: a local HTTP server that behaves like the Tencent Cloud IM
//! REST admin API for conversations (`v4/recentcontact/*`) and friend groups
//! (`v4/sns/group_*`), with UserSig verification, a per-endpoint rate limit,
//! CORS, fault injection and control endpoints. See `README.md`.
//!
//! ```no_run
//! let running = tim_emulator::start(tim_emulator::Config::default()).unwrap();
//! println!("{}", running.base_url());
//! running.shutdown();
//! ```

#![warn(missing_docs)]

pub mod api;
pub mod http;
pub mod seedgen;
pub mod state;
pub mod usersig;

use crate::api::{ApiError, Command, Ctx, Limits};
use crate::http::{Outcome, ReadError, Request, Response};
use crate::state::{SeedDoc, State};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub use crate::state::SeedDoc as Seed;

/// The published sample SecretKey (default `--secret-key`).
pub const DEFAULT_SECRET_KEY: &str = usersig::SAMPLE_SECRET_KEY;
/// Default SDKAppID.
pub const DEFAULT_SDK_APP_ID: u64 = 1_400_000_000;
/// Error code returned when the per-endpoint rate limit is exceeded.
pub const RATE_LIMIT_CODE: i64 = 60007;

/// An injected fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// No fault (useful as a script entry).
    None,
    /// HTTP 502 with a short HTML body, before processing (write NOT applied).
    Http502,
    /// Sleep this many milliseconds, then answer normally.
    Delay(u64),
    /// Close the connection without a response, before processing (NOT applied).
    Drop,
    /// Process the request (write applied), then close without a response.
    DropAfter,
    /// Process (write applied), answer HTTP 200 with the first half of the JSON.
    Truncate,
    /// HTTP 200 FAIL envelope with this ErrorCode (write NOT applied).
    Error(i64),
}

impl FaultKind {
    /// Parse `none`, `http502`, `delay:<ms>`, `drop`, `drop-after`, `truncate`, `error:<code>`.
    pub fn parse(s: &str) -> Result<FaultKind, String> {
        let s = s.trim();
        Ok(match s {
            "none" | "ok" => FaultKind::None,
            "http502" => FaultKind::Http502,
            "drop" => FaultKind::Drop,
            "drop-after" => FaultKind::DropAfter,
            "truncate" => FaultKind::Truncate,
            _ => {
                if let Some(ms) = s.strip_prefix("delay:") {
                    FaultKind::Delay(ms.parse().map_err(|_| format!("bad delay in {s:?}"))?)
                } else if let Some(code) = s.strip_prefix("error:") {
                    FaultKind::Error(code.parse().map_err(|_| format!("bad code in {s:?}"))?)
                } else {
                    return Err(format!("unknown fault kind {s:?}"));
                }
            }
        })
    }

    /// Inverse of [`FaultKind::parse`].
    pub fn name(&self) -> String {
        match self {
            FaultKind::None => "none".into(),
            FaultKind::Http502 => "http502".into(),
            FaultKind::Delay(ms) => format!("delay:{ms}"),
            FaultKind::Drop => "drop".into(),
            FaultKind::DropAfter => "drop-after".into(),
            FaultKind::Truncate => "truncate".into(),
            FaultKind::Error(c) => format!("error:{c}"),
        }
    }
}

/// Fault-injection settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultConfig {
    /// Probability in [0, 1] that an API request gets a random fault from `kinds`.
    pub rate: f64,
    /// Kinds drawn from when `rate` fires.
    pub kinds: Vec<FaultKind>,
    /// Deterministic queue, one entry consumed per API request (before `rate`).
    pub script: VecDeque<FaultKind>,
}

/// Emulator configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Bind host (default 127.0.0.1).
    pub host: String,
    /// Port (0 = pick a free one).
    pub port: u16,
    /// SDKAppID requests must carry.
    pub sdk_app_id: u64,
    /// SecretKey UserSigs are verified with.
    pub secret_key: String,
    /// Admin identifiers allowed to call the API.
    pub admins: Vec<String>,
    /// Initial data (also what `POST /__control/reset {}` restores).
    pub seed: SeedDoc,
    /// Per-endpoint calls per second (0 = unlimited).
    pub rate_limit: u32,
    /// get_list page size.
    pub get_list_page_size: usize,
    /// get_contact_group page size.
    pub contact_group_page_size: usize,
    /// Fault injection.
    pub faults: FaultConfig,
    /// Limits / codes.
    pub limits: Limits,
    /// Clock override (Unix seconds); `None` = system clock.
    pub now: Option<fn() -> u64>,
    /// Maximum request body size in bytes.
    pub max_body_bytes: usize,
    /// Time allowed to receive one request once it started.
    pub request_timeout: Duration,
    /// How long a kept-alive connection may sit idle before it is closed.
    pub idle_timeout: Duration,
    /// Connections served at once; further ones get a 503 and are closed.
    pub max_connections: usize,
    /// Log one line per request to stderr.
    pub log: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 0,
            sdk_app_id: DEFAULT_SDK_APP_ID,
            secret_key: DEFAULT_SECRET_KEY.into(),
            admins: vec!["administrator".into()],
            seed: SeedDoc::default(),
            rate_limit: 200,
            get_list_page_size: 100,
            contact_group_page_size: 100,
            faults: FaultConfig::default(),
            limits: Limits::default(),
            now: None,
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            idle_timeout: http::IDLE_TIMEOUT,
            max_connections: 1024,
            log: true,
        }
    }
}

/// Settings that `POST /__control/config` can change at run time.
#[derive(Debug, Clone)]
struct Runtime {
    rate_limit: u32,
    get_list_page_size: usize,
    contact_group_page_size: usize,
    faults: FaultConfig,
    limits: Limits,
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

struct Inner {
    state: State,
    rt: Runtime,
    buckets: HashMap<String, Bucket>,
    counts: BTreeMap<String, u64>,
    rng: u64,
}

struct Shared {
    cfg: Config,
    startup_state: State,
    startup_rt: Runtime,
    inner: Mutex<Inner>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn now(&self) -> u64 {
        match self.cfg.now {
            Some(f) => f(),
            None => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        }
    }
}

/// A running emulator; dropping it shuts it down.
pub struct Running {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop accepting, close connections and join the server thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Start the emulator on its own thread (with its own tokio runtime).
pub fn start(config: Config) -> std::io::Result<Running> {
    let state = State::from_seed(&config.seed)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    let listener = std::net::TcpListener::bind((config.host.as_str(), config.port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let rt = Runtime {
        rate_limit: config.rate_limit,
        get_list_page_size: config.get_list_page_size,
        contact_group_page_size: config.contact_group_page_size,
        faults: config.faults.clone(),
        limits: config.limits.clone(),
    };
    let seed_rng = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x9E37_79B9_7F4A_7C15)
        | 1;
    let shared = Arc::new(Shared {
        startup_state: state.clone(),
        startup_rt: rt.clone(),
        inner: Mutex::new(Inner {
            state,
            rt,
            buckets: HashMap::new(),
            counts: BTreeMap::new(),
            rng: seed_rng,
        }),
        cfg: config,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (tx, mut rx) = tokio::sync::watch::channel(false);
    let thread = std::thread::Builder::new()
        .name("tim-emulator".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => {
                        eprintln!("tim-emulator: listener error: {e}");
                        return;
                    }
                };
                let slots = Arc::new(tokio::sync::Semaphore::new(
                    shared.cfg.max_connections.max(1),
                ));
                loop {
                    tokio::select! {
                        acc = listener.accept() => match acc {
                            Ok((stream, _)) => match slots.clone().try_acquire_owned() {
                                Ok(permit) => {
                                    let sh = shared.clone();
                                    let stop = rx.clone();
                                    tokio::spawn(async move {
                                        serve_conn(stream, sh, stop).await;
                                        drop(permit);
                                    });
                                }
                                // Over the connection cap: answer 503 and close, never queue.
                                Err(_) => {
                                    tokio::spawn(refuse_conn(stream));
                                }
                            },
                            // Out of file descriptors or similar: back off instead of spinning.
                            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                        },
                        _ = rx.changed() => break,
                    }
                }
            });
            runtime.shutdown_timeout(Duration::from_secs(1));
        })?;
    Ok(Running {
        addr,
        shutdown: Some(tx),
        thread: Some(thread),
    })
}

fn cors_headers() -> Vec<(&'static str, String)> {
    vec![
        ("Access-Control-Allow-Origin", "*".into()),
        ("Access-Control-Allow-Methods", "POST, OPTIONS".into()),
        (
            "Access-Control-Allow-Headers",
            "Content-Type, X-Requested-With".into(),
        ),
        ("Access-Control-Max-Age", "600".into()),
    ]
}

fn with_cors(mut r: Response) -> Response {
    r.headers.extend(cors_headers());
    r
}

fn envelope(code: i64, info: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "ActionStatus".into(),
        json!(if code == 0 { "OK" } else { "FAIL" }),
    );
    m.insert("ErrorCode".into(), json!(code));
    m.insert("ErrorInfo".into(), json!(info));
    m.insert("ErrorDisplay".into(), json!(""));
    m
}

fn json_response(status: u16, v: &Value) -> Response {
    with_cors(Response::json(status, v.to_string().into_bytes()))
}

fn fail(code: i64, info: &str) -> Response {
    json_response(200, &Value::Object(envelope(code, info)))
}

async fn refuse_conn(mut stream: TcpStream) {
    let mut r = fail(60008, "too many connections");
    r.status = 503;
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream
            .write_all(&http::serialize(&r, r.body.len(), false))
            .await;
        let _ = stream.shutdown().await;
    })
    .await;
}

async fn serve_conn(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let (rd, mut wr) = stream.into_split();
    let mut rd = BufReader::new(rd);
    loop {
        // wait (idle) for the first byte of the next request
        let ready = tokio::select! {
            r = tokio::time::timeout(shared.cfg.idle_timeout, tokio::io::AsyncBufReadExt::fill_buf(&mut rd)) => r,
            _ = stop.changed() => return,
        };
        match ready {
            Ok(Ok(buf)) if !buf.is_empty() => {}
            _ => return,
        }
        let req = match tokio::time::timeout(
            shared.cfg.request_timeout,
            http::read_request(&mut rd, &mut wr, shared.cfg.max_body_bytes),
        )
        .await
        {
            Err(_) => {
                let r = fail(60008, "request timeout");
                let _ = wr
                    .write_all(&http::serialize(&r, r.body.len(), false))
                    .await;
                return;
            }
            Ok(Err(ReadError::TooLarge)) => {
                let mut r = fail(60003, "request body too large");
                r.status = 413;
                let _ = wr
                    .write_all(&http::serialize(&r, r.body.len(), false))
                    .await;
                let _ = wr.shutdown().await;
                // Drain (bounded) what the client is still sending, so closing
                // does not reset the connection before it read the 413.
                let _ = tokio::time::timeout(Duration::from_secs(2), async {
                    let mut sink = tokio::io::sink();
                    let mut limited = tokio::io::AsyncReadExt::take(&mut rd, 64 * 1024 * 1024);
                    let _ = tokio::io::copy(&mut limited, &mut sink).await;
                })
                .await;
                return;
            }
            Ok(Err(ReadError::Bad(why))) => {
                let mut r = fail(60002, &why);
                r.status = 400;
                let _ = wr
                    .write_all(&http::serialize(&r, r.body.len(), false))
                    .await;
                return;
            }
            Ok(Err(ReadError::Closed | ReadError::Io)) => return,
            Ok(Ok(req)) => req,
        };
        let keep_alive = req.keep_alive;
        let outcome = handle_request(&shared, req).await;
        let (bytes, keep) = match outcome {
            Outcome::Drop => return,
            Outcome::Respond(r) => (http::serialize(&r, r.body.len(), keep_alive), keep_alive),
            Outcome::Truncated(r, n) => (http::serialize(&r, n, false), false),
        };
        if wr.write_all(&bytes).await.is_err() || wr.flush().await.is_err() || !keep {
            let _ = wr.shutdown().await;
            return;
        }
    }
}

async fn handle_request(shared: &Arc<Shared>, req: Request) -> Outcome {
    let t0 = Instant::now();
    if req.method == "OPTIONS" {
        let mut r = with_cors(Response::json(204, Vec::new()));
        r.content_type = "";
        return Outcome::Respond(r);
    }
    if req.path.starts_with("/__control/") || req.path == "/__control" {
        let r = control(shared, &req);
        if shared.cfg.log {
            eprintln!(
                "{} {} status={} {:.1}ms",
                req.method,
                req.path,
                r.status,
                t0.elapsed().as_secs_f64() * 1000.0
            );
        }
        return Outcome::Respond(r);
    }
    if !req.path.starts_with("/v4/") {
        let r = json_response(
            404,
            &json!({"error": "not found; the API lives under /v4/, the control endpoints under /__control/"}),
        );
        return Outcome::Respond(r);
    }

    // API request: count, then maybe inject a fault.
    let endpoint = req.path.trim_start_matches('/').to_string();
    let fault = {
        let mut g = shared.lock();
        *g.counts.entry(endpoint.clone()).or_insert(0) += 1;
        next_fault(&mut g)
    };
    let log = |code: String, from: &str| {
        if shared.cfg.log {
            eprintln!(
                "{} {} from={} code={} {:.1}ms",
                req.method,
                req.path,
                if from.is_empty() { "-" } else { from },
                code,
                t0.elapsed().as_secs_f64() * 1000.0
            );
        }
    };
    match fault {
        FaultKind::Http502 => {
            log("fault:http502".into(), "");
            let r = with_cors(Response {
                status: 502,
                content_type: "text/html; charset=utf-8",
                headers: Vec::new(),
                body: b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n".to_vec(),
            });
            return Outcome::Respond(r);
        }
        FaultKind::Drop => {
            log("fault:drop".into(), "");
            return Outcome::Drop;
        }
        FaultKind::Error(code) => {
            log(format!("{code} (fault:error)"), "");
            return Outcome::Respond(fail(code, "injected fault"));
        }
        FaultKind::Delay(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        FaultKind::None | FaultKind::DropAfter | FaultKind::Truncate => {}
    }
    let (v, code, from) = process_api(shared, &req);
    let r = json_response(200, &v);
    match fault {
        FaultKind::DropAfter => {
            log(format!("{code} (fault:drop-after)"), &from);
            Outcome::Drop
        }
        FaultKind::Truncate => {
            log(format!("{code} (fault:truncate)"), &from);
            let n = r.body.len() / 2;
            Outcome::Truncated(r, n)
        }
        _ => {
            log(code.to_string(), &from);
            Outcome::Respond(r)
        }
    }
}

fn next_rand(g: &mut Inner) -> f64 {
    // xorshift64*
    let mut x = g.rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    g.rng = x;
    (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
}

fn next_fault(g: &mut Inner) -> FaultKind {
    if let Some(f) = g.rt.faults.script.pop_front() {
        return f;
    }
    let rate = g.rt.faults.rate;
    if rate > 0.0 && !g.rt.faults.kinds.is_empty() && next_rand(g) < rate {
        let n = g.rt.faults.kinds.len();
        let i = ((next_rand(g) * n as f64) as usize).min(n - 1);
        return g.rt.faults.kinds[i].clone();
    }
    FaultKind::None
}

fn take_token(g: &mut Inner, endpoint: &str) -> bool {
    let rate = g.rt.rate_limit;
    if rate == 0 {
        return true;
    }
    let cap = f64::from(rate);
    let now = Instant::now();
    let b = g.buckets.entry(endpoint.to_string()).or_insert(Bucket {
        tokens: cap,
        last: now,
    });
    let dt = now.duration_since(b.last).as_secs_f64();
    b.tokens = (b.tokens + dt * cap).min(cap);
    b.last = now;
    if b.tokens >= 1.0 {
        b.tokens -= 1.0;
        true
    } else {
        false
    }
}

/// Validate and run one API request. Returns (response JSON, ErrorCode, From_Account).
fn process_api(shared: &Shared, req: &Request) -> (Value, i64, String) {
    let mut from = String::new();
    let result = process_inner(shared, req, &mut from);
    match result {
        Ok(mut data) => {
            for (k, v) in envelope(0, "") {
                data.insert(k, v);
            }
            (Value::Object(data), 0, from)
        }
        Err(e) => (Value::Object(envelope(e.code, &e.info)), e.code, from),
    }
}

fn process_inner(
    shared: &Shared,
    req: &Request,
    from: &mut String,
) -> Result<Map<String, Value>, ApiError> {
    let params = req.params();
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let cfg = &shared.cfg;
    if req.method != "POST" {
        return Err(ApiError::new(60002, "only POST is supported"));
    }
    let appid_s = param("sdkappid").ok_or_else(|| ApiError::new(60012, "sdkappid missing"))?;
    let segs: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    let cmd = match segs.as_slice() {
        ["v4", service, command] => Command::parse(service, command),
        _ => None,
    }
    .ok_or_else(|| ApiError::new(60009, "bad request resource (unknown command)"))?;
    let appid: u64 = appid_s
        .parse()
        .map_err(|_| ApiError::new(60006, "invalid sdkappid"))?;
    match param("random").map(str::parse::<u32>) {
        Some(Ok(_)) => {}
        _ => {
            return Err(ApiError::new(
                60002,
                "random must be an unsigned 32-bit integer",
            ))
        }
    }
    if param("contenttype") != Some("json") {
        return Err(ApiError::new(60002, "contenttype must be json"));
    }
    {
        let mut g = shared.lock();
        let endpoint = req.path.trim_start_matches('/').to_string();
        if !take_token(&mut g, &endpoint) {
            return Err(ApiError::new(
                RATE_LIMIT_CODE,
                "REST call frequency limit exceeded (per endpoint), retry later",
            ));
        }
    }
    let identifier = match param("identifier") {
        Some(s) if !s.is_empty() => s,
        _ => return Err(ApiError::new(60004, "identifier missing")),
    };
    let sig = param("usersig").unwrap_or("");
    let dec = usersig::decode(sig).map_err(|e| ApiError::new(e.code(), e.message()))?;
    if dec.sdkappid != appid {
        let e = usersig::SigError::AppIdMismatch;
        return Err(ApiError::new(e.code(), e.message()));
    }
    if appid != cfg.sdk_app_id {
        return Err(ApiError::new(60006, "SDKAppID invalid"));
    }
    let checks = [
        (
            dec.identifier != identifier,
            usersig::SigError::IdentifierMismatch,
        ),
        (dec.is_expired(shared.now()), usersig::SigError::Expired),
        (
            !dec.hmac_matches(&cfg.secret_key),
            usersig::SigError::SigMismatch,
        ),
    ];
    if let Some((_, e)) = checks.iter().find(|(bad, _)| *bad) {
        return Err(ApiError::new(e.code(), e.message()));
    }
    if !cfg.admins.iter().any(|a| a == identifier) {
        return Err(ApiError::new(60010, "identifier must be an app admin"));
    }
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(60003, "request body is empty; send {}"));
    }
    let body: Value = serde_json::from_slice(&req.body)
        .map_err(|e| ApiError::new(60003, format!("request JSON parse error: {e}")))?;
    let obj = body
        .as_object()
        .ok_or_else(|| ApiError::new(60003, "request body must be a JSON object"))?;
    if let Some(Value::String(s)) = obj.get("From_Account") {
        from.clone_from(s);
    }
    let now = shared.now();
    let mut g = shared.lock();
    let inner = &mut *g;
    let ctx = Ctx {
        limits: &inner.rt.limits,
        now,
        get_list_page_size: inner.rt.get_list_page_size,
        contact_group_page_size: inner.rt.contact_group_page_size,
    };
    api::handle(cmd, obj, &mut inner.state, &ctx)
}

// ---------------------------------------------------------------------------
// control endpoints
// ---------------------------------------------------------------------------

fn control_err(status: u16, msg: impl Into<String>) -> Response {
    json_response(status, &json!({"error": msg.into()}))
}

fn parse_body_obj(req: &Request) -> Result<Map<String, Value>, Response> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(control_err(400, "body must be a JSON object")),
        Err(e) => Err(control_err(400, format!("invalid JSON: {e}"))),
    }
}

fn runtime_json(rt: &Runtime) -> Value {
    json!({
        "rateLimit": rt.rate_limit,
        "getListPageSize": rt.get_list_page_size,
        "contactGroupPageSize": rt.contact_group_page_size,
        "faults": {
            "rate": rt.faults.rate,
            "kinds": rt.faults.kinds.iter().map(FaultKind::name).collect::<Vec<_>>(),
            "script": rt.faults.script.iter().map(FaultKind::name).collect::<Vec<_>>(),
        },
        "limits": {
            "maxContactGroups": rt.limits.max_contact_groups,
            "maxMarkedConversations": rt.limits.max_marked_conversations,
            "createGroupNameMax": rt.limits.create_group_name_max,
            "renameGroupNameMax": rt.limits.rename_group_name_max,
            "maxMarkItems": rt.limits.max_mark_items,
            "maxSearchItems": rt.limits.max_search_items,
            "customMarkMax": rt.limits.custom_mark_max,
            "maxFriendGroups": rt.limits.max_friend_groups,
        }
    })
}

fn kinds_from(v: &Value, what: &str) -> Result<Vec<FaultKind>, String> {
    let a = v
        .as_array()
        .ok_or_else(|| format!("{what} must be an array of strings"))?;
    a.iter()
        .map(|k| {
            k.as_str()
                .ok_or_else(|| format!("{what} must be an array of strings"))
                .and_then(FaultKind::parse)
        })
        .collect()
}

fn apply_config(rt: &mut Runtime, m: &Map<String, Value>) -> Result<(), String> {
    let mut next = rt.clone();
    let num = |v: &Value, k: &str| {
        v.as_u64()
            .ok_or_else(|| format!("{k} must be a non-negative integer"))
    };
    for (k, v) in m {
        match k.as_str() {
            "rateLimit" => {
                next.rate_limit =
                    u32::try_from(num(v, k)?).map_err(|_| "rateLimit too large".to_string())?
            }
            "getListPageSize" => next.get_list_page_size = num(v, k)?.max(1) as usize,
            "contactGroupPageSize" => next.contact_group_page_size = num(v, k)?.max(1) as usize,
            "faults" => {
                let f = v.as_object().ok_or("faults must be an object")?;
                for (fk, fv) in f {
                    match fk.as_str() {
                        "rate" => {
                            let r = fv.as_f64().ok_or("faults.rate must be a number")?;
                            if !(0.0..=1.0).contains(&r) {
                                return Err("faults.rate must be in [0, 1]".into());
                            }
                            next.faults.rate = r;
                        }
                        "kinds" => next.faults.kinds = kinds_from(fv, "faults.kinds")?,
                        "script" => next.faults.script = kinds_from(fv, "faults.script")?.into(),
                        other => return Err(format!("unknown field faults.{other}")),
                    }
                }
            }
            "limits" => {
                let l = v.as_object().ok_or("limits must be an object")?;
                for (lk, lv) in l {
                    let n = num(lv, lk)? as usize;
                    let slot = match lk.as_str() {
                        "maxContactGroups" => &mut next.limits.max_contact_groups,
                        "maxMarkedConversations" => &mut next.limits.max_marked_conversations,
                        "createGroupNameMax" => &mut next.limits.create_group_name_max,
                        "renameGroupNameMax" => &mut next.limits.rename_group_name_max,
                        "maxMarkItems" => &mut next.limits.max_mark_items,
                        "maxSearchItems" => &mut next.limits.max_search_items,
                        "customMarkMax" => &mut next.limits.custom_mark_max,
                        "maxFriendGroups" => &mut next.limits.max_friend_groups,
                        other => return Err(format!("unknown field limits.{other}")),
                    };
                    *slot = n;
                }
            }
            other => return Err(format!("unknown field {other}")),
        }
    }
    *rt = next;
    Ok(())
}

fn control(shared: &Shared, req: &Request) -> Response {
    let sub = req
        .path
        .trim_start_matches("/__control")
        .trim_end_matches('/');
    match (req.method.as_str(), sub) {
        ("POST", "/reset") => {
            let m = match parse_body_obj(req) {
                Ok(m) => m,
                Err(r) => return r,
            };
            let new_state = if m.is_empty() {
                shared.startup_state.clone()
            } else {
                let doc: SeedDoc = match serde_json::from_value(Value::Object(m)) {
                    Ok(d) => d,
                    Err(e) => return control_err(400, format!("invalid seed: {e}")),
                };
                match State::from_seed(&doc) {
                    Ok(s) => s,
                    Err(e) => return control_err(400, format!("invalid seed: {e}")),
                }
            };
            let mut g = shared.lock();
            g.state = new_state;
            g.rt = shared.startup_rt.clone();
            g.buckets.clear();
            json_response(200, &json!({"ok": true, "users": g.state.users.len()}))
        }
        ("POST", "/config") => {
            let m = match parse_body_obj(req) {
                Ok(m) => m,
                Err(r) => return r,
            };
            let mut g = shared.lock();
            if let Err(e) = apply_config(&mut g.rt, &m) {
                return control_err(400, e);
            }
            g.buckets.clear();
            json_response(200, &runtime_json(&g.rt))
        }
        ("GET", "/config") => json_response(200, &runtime_json(&shared.lock().rt)),
        ("GET", "/state") => {
            let doc = shared.lock().state.to_seed(Some(shared.cfg.sdk_app_id));
            match serde_json::to_value(&doc) {
                Ok(v) => json_response(200, &v),
                Err(e) => control_err(400, e.to_string()),
            }
        }
        ("POST", "/usersig") => {
            let m = match parse_body_obj(req) {
                Ok(m) => m,
                Err(r) => return r,
            };
            let identifier = match m.get("identifier") {
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                None => match shared.cfg.admins.first() {
                    Some(a) => a.clone(),
                    None => return control_err(400, "identifier is required"),
                },
                _ => return control_err(400, "identifier must be a non-empty string"),
            };
            let get = |k: &str, d: u64| match m.get(k) {
                None | Some(Value::Null) => Ok(d),
                Some(v) => v
                    .as_u64()
                    .ok_or_else(|| format!("{k} must be a non-negative integer")),
            };
            let (expire, time) = match (get("expire", 86_400), get("time", shared.now())) {
                (Ok(e), Ok(t)) => (e, t),
                (Err(e), _) | (_, Err(e)) => return control_err(400, e),
            };
            let sig = usersig::gen_usersig(
                &shared.cfg.secret_key,
                shared.cfg.sdk_app_id,
                &identifier,
                time,
                expire,
            );
            json_response(
                200,
                &json!({"userSig": sig, "identifier": identifier, "sdkAppId": shared.cfg.sdk_app_id, "time": time, "expire": expire}),
            )
        }
        ("GET", "/requests") => json_response(200, &json!(shared.lock().counts)),
        ("POST", "/requests/clear") => {
            shared.lock().counts.clear();
            json_response(200, &json!({"ok": true}))
        }
        _ => control_err(
            404,
            format!("unknown control endpoint {} {}", req.method, req.path),
        ),
    }
}
