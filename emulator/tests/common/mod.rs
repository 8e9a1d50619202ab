//! Shared helpers: a tiny blocking HTTP/1.1 client and an emulator in one of its three forms,
//! chosen by `TIM_EMULATOR_FORM` (the same behaviour tests run against each):
//!
//! | form | what runs | how the tests reach it |
//! |---|---|---|
//! | `native` (default) | `tim_emulator::start`: the hyper server in this process | HTTP over loopback |
//! | `node` | `node emulator/pkg/bin/tim-emulator.js` (`npx tim-emulator`: the wasm core behind `node:http`) | HTTP over loopback |
//! | `fetch` | the npm package's in-process `fetch` in a Node child (`tests/fetch-bridge.mjs`) | one JSON line per request over its stdin / stdout |
//!
//! The `node` and `fetch` forms need `./scripts/build-emulator` first (`scripts/ci/emulator-forms`).
#![allow(dead_code)]

use base64::Engine as _;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;
use tim_emulator::state::SeedDoc;
use tim_emulator::{usersig, Config, Running};

/// Which form of the emulator the tests drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The hyper server (Rust).
    Native,
    /// The wasm core behind `node:http` (the npm package's bin).
    Node,
    /// The wasm core as an in-process `fetch`.
    Fetch,
}

/// `TIM_EMULATOR_FORM`: `native` (default), `node` or `fetch`.
pub fn form() -> Form {
    match std::env::var("TIM_EMULATOR_FORM").as_deref() {
        Err(_) | Ok("") | Ok("native") => Form::Native,
        Ok("node") => Form::Node,
        Ok("fetch") => Form::Fetch,
        Ok(other) => panic!("TIM_EMULATOR_FORM={other:?}: expected native, node or fetch"),
    }
}

/// The built npm package (`./scripts/build-emulator`), for the `node` and `fetch` forms.
fn npm_pkg(file: &str) -> std::path::PathBuf {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    assert!(
        p.exists(),
        "{} missing: run ./scripts/build-emulator first (the {:?} form of the emulator)",
        p.display(),
        form()
    );
    p
}

/// A Node child answering requests with the in-process emulator's `fetch`.
pub struct Bridge {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    now: Option<fn() -> u64>,
}

impl Bridge {
    fn start(cfg: &Config) -> Bridge {
        let dir = std::env::temp_dir().join(format!(
            "tim-emulator-bridge-{}-{}",
            std::process::id(),
            BRIDGES.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        let mut opts = cfg.to_json();
        opts["virtual"] = json!(cfg.now.is_some());
        std::fs::write(&dir, opts.to_string()).expect("write the bridge's options");
        let mut child = Command::new("node")
            .arg(npm_pkg("tests/fetch-bridge.mjs"))
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn node tests/fetch-bridge.mjs");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("bridge first line");
        let _ = std::fs::remove_file(&dir);
        assert_eq!(first.trim_end(), "ready", "the fetch bridge did not start");
        Bridge {
            child,
            stdin,
            stdout,
            now: cfg.now,
        }
    }

    fn request(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Resp> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut line = json!({
            "method": method,
            "target": target,
            "headers": headers.iter().map(|(k, v)| [k, v]).collect::<Vec<_>>(),
            "body": b64.encode(body),
        });
        if let Some(now) = self.now {
            line["nowMs"] = json!(now().saturating_mul(1000));
        }
        writeln!(self.stdin, "{line}")?;
        self.stdin.flush()?;
        let mut out = String::new();
        if self.stdout.read_line(&mut out)? == 0 {
            return Err(std::io::Error::other("the fetch bridge exited"));
        }
        let v: Value = serde_json::from_str(&out).map_err(std::io::Error::other)?;
        if let Some(e) = v.get("error") {
            // what a connection closed without an answer looks like to a fetch caller
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("fetch rejected: {e} ({})", v["cause"]),
            ));
        }
        let headers = v["headers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| {
                (
                    h[0].as_str().unwrap_or("").to_string(),
                    h[1].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        Ok(Resp {
            status: v["status"].as_u64().unwrap_or(0) as u16,
            headers,
            body: b64
                .decode(v["body"].as_str().unwrap_or(""))
                .map_err(std::io::Error::other)?,
        })
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

static BRIDGES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub const APPID: u64 = 1_400_000_000;
pub const KEY: &str = usersig::SAMPLE_SECRET_KEY;
pub const ADMIN: &str = "administrator";

/// A raw HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }
}

/// Keep-alive HTTP/1.1 client (reconnects when the server closed), or the
/// in-process form's bridge.
pub struct Client {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
    bridge: Option<Bridge>,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Self {
        Client {
            addr,
            conn: None,
            bridge: None,
        }
    }

    fn bridged(bridge: Bridge) -> Self {
        Client {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            conn: None,
            bridge: Some(bridge),
        }
    }

    fn connect(&mut self) -> std::io::Result<&mut BufReader<TcpStream>> {
        if self.conn.is_none() {
            let s = TcpStream::connect(self.addr)?;
            s.set_read_timeout(Some(Duration::from_secs(20)))?;
            s.set_nodelay(true)?;
            self.conn = Some(BufReader::new(s));
        }
        Ok(self.conn.as_mut().expect("connected"))
    }

    /// Send a request; `Err` when the connection was closed without a (complete) response.
    pub fn request(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Resp> {
        if let Some(b) = self.bridge.as_mut() {
            return b.request(method, target, headers, body);
        }
        let res = self.request_once(method, target, headers, body);
        if res.is_err() {
            self.conn = None;
        }
        res
    }

    fn request_once(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Resp> {
        let conn = self.connect()?;
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let s = conn.get_mut();
        s.write_all(head.as_bytes())?;
        s.write_all(body)?;
        s.flush()?;
        let mut line = String::new();
        if conn.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed without response",
            ));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            if conn.read_line(&mut line)? == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "eof in headers",
                ));
            }
            let t = line.trim_end();
            if t.is_empty() {
                break;
            }
            if let Some((k, v)) = t.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        conn.read_exact(&mut body)?;
        let close = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"));
        if close {
            self.conn = None;
        }
        Ok(Resp {
            status,
            headers,
            body,
        })
    }
}

/// The real binary as a child process on a free port (`--port 0` and `args`):
/// the child, once its first stdout line (checked to the letter) named the address.
/// In the `node` form the binary is the npm package's (`npx tim-emulator`).
pub fn spawn_binary(
    args: &[&str],
    stderr: std::process::Stdio,
) -> (std::process::Child, SocketAddr) {
    let mut cmd = match form() {
        Form::Node => {
            let mut c = Command::new("node");
            c.arg(npm_pkg("pkg/bin/tim-emulator.js"));
            c
        }
        Form::Native => Command::new(env!("CARGO_BIN_EXE_tim-emulator")),
        Form::Fetch => panic!("this test needs a server process: not the in-process (fetch) form"),
    };
    let mut child = cmd
        .args(["--port", "0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("spawn tim-emulator");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("first line");
    let line = first.trim_end();
    let port: u16 = line
        .strip_prefix("tim-emulator listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("bad first line {line:?}"))
        .parse()
        .expect("port");
    assert!(port > 0);
    (child, SocketAddr::from(([127, 0, 0, 1], port)))
}

/// A UserSig for `identifier` minted by `POST /__control/usersig`.
pub fn mint(c: &mut Client, identifier: &str) -> String {
    let body = json!({ "identifier": identifier }).to_string();
    let r = c
        .request("POST", "/__control/usersig", &[], body.as_bytes())
        .expect("usersig");
    r.json()["userSig"].as_str().expect("userSig").to_string()
}

/// Write `parts` on a new connection and read until the server closes it.
pub fn exchange(addr: SocketAddr, parts: &[&[u8]]) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    for p in parts {
        s.write_all(p).expect("write");
    }
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read to the end");
    out
}

/// What runs the emulator.
pub enum Host {
    /// The hyper server in this process.
    Native(Running),
    /// `npx tim-emulator` as a child process.
    Node(NodeChild, SocketAddr),
    /// The in-process fetch (its bridge lives in the client).
    Fetch,
}

/// A child process killed (by its PID) and reaped when dropped.
pub struct NodeChild(Child);

impl Drop for NodeChild {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An emulator (in the form `TIM_EMULATOR_FORM` names) plus a client and an admin UserSig.
pub struct Emu {
    pub host: Host,
    pub client: Client,
    pub sig: String,
}

/// `npx tim-emulator` with the flags that say `cfg` (the seed through a file).
fn start_node(cfg: &Config) -> (Child, SocketAddr) {
    let d = Config::default();
    assert!(
        cfg.limits == d.limits
            && cfg.max_body_bytes == d.max_body_bytes
            && cfg.now.is_none()
            && cfg.request_timeout == d.request_timeout
            && cfg.idle_timeout == d.idle_timeout
            && cfg.max_connections == d.max_connections,
        "the node form takes the native binary's flags: no limits, body size, clock, timeouts or connection cap of a test's own"
    );
    let file = std::env::temp_dir().join(format!(
        "tim-emulator-seed-{}-{}.json",
        std::process::id(),
        BRIDGES.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    std::fs::write(&file, serde_json::to_string(&cfg.seed).expect("seed")).expect("seed file");
    let kinds =
        |v: &[tim_emulator::FaultKind]| v.iter().map(|k| k.name()).collect::<Vec<_>>().join(",");
    let script: Vec<_> = cfg.faults.script.iter().cloned().collect();
    let mut args: Vec<String> = vec![
        "--seed".into(),
        file.display().to_string(),
        "--sdkappid".into(),
        cfg.sdk_app_id.to_string(),
        "--secret-key".into(),
        cfg.secret_key.clone(),
        "--rate-limit".into(),
        cfg.rate_limit.to_string(),
        "--page-size".into(),
        cfg.get_list_page_size.to_string(),
        "--contact-group-page-size".into(),
        cfg.contact_group_page_size.to_string(),
        "--friend-page-size".into(),
        cfg.friend_page_size.to_string(),
        "--fault-rate".into(),
        cfg.faults.rate.to_string(),
        "--fault-kinds".into(),
        kinds(&cfg.faults.kinds),
        "--fault-script".into(),
        kinds(&script),
    ];
    for a in &cfg.admins {
        args.extend(["--admin".into(), a.clone()]);
    }
    if !cfg.log {
        args.push("--quiet".into());
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = spawn_binary(&argv, Stdio::inherit());
    let _ = std::fs::remove_file(&file);
    out
}

pub fn config(seed: SeedDoc) -> Config {
    Config {
        seed,
        log: false,
        ..Config::default()
    }
}

pub fn seed(v: Value) -> SeedDoc {
    serde_json::from_value(v).expect("valid seed")
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

impl Emu {
    pub fn start(cfg: Config) -> Emu {
        let (host, client) = match form() {
            Form::Native => {
                let running = tim_emulator::start(cfg).expect("start emulator");
                let client = Client::new(running.addr());
                (Host::Native(running), client)
            }
            Form::Node => {
                let (child, addr) = start_node(&cfg);
                (Host::Node(NodeChild(child), addr), Client::new(addr))
            }
            Form::Fetch => (Host::Fetch, Client::bridged(Bridge::start(&cfg))),
        };
        let sig = usersig::gen_usersig(KEY, APPID, ADMIN, now(), 86_400);
        Emu { host, client, sig }
    }

    /// The server's address (the forms with a socket).
    pub fn addr(&self) -> SocketAddr {
        match &self.host {
            Host::Native(r) => r.addr(),
            Host::Node(_, a) => *a,
            Host::Fetch => panic!("this test needs a socket: not the in-process (fetch) form"),
        }
    }

    /// Stop the server (and wait until it has).
    pub fn shutdown(self) {
        match self.host {
            Host::Native(r) => r.shutdown(),
            Host::Node(child, _) => drop(child),
            Host::Fetch => {}
        }
    }

    pub fn with_seed(v: Value) -> Emu {
        Emu::start(config(seed(v)))
    }

    pub fn query(&self) -> String {
        format!(
            "sdkappid={APPID}&identifier={ADMIN}&usersig={}&random=12345&contenttype=json",
            self.sig
        )
    }

    /// POST an API command ("recentcontact/get_list") and return the JSON.
    pub fn call(&mut self, cmd: &str, body: Value) -> Value {
        let target = format!("/v4/{cmd}?{}", self.query());
        let r = self.raw("POST", &target, body.to_string().as_bytes());
        assert_eq!(r.status, 200, "HTTP status for {cmd}");
        r.json()
    }

    pub fn raw(&mut self, method: &str, target: &str, body: &[u8]) -> Resp {
        self.client
            .request(
                method,
                target,
                &[("Content-Type", "application/json")],
                body,
            )
            .expect("response")
    }

    pub fn try_raw(&mut self, method: &str, target: &str, body: &[u8]) -> std::io::Result<Resp> {
        self.client.request(
            method,
            target,
            &[("Content-Type", "application/json")],
            body,
        )
    }

    pub fn control(&mut self, method: &str, path: &str, body: Value) -> Value {
        let b = if method == "GET" {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        let r = self.raw(method, &format!("/__control/{path}"), &b);
        assert_eq!(
            r.status,
            200,
            "control {path}: {}",
            String::from_utf8_lossy(&r.body)
        );
        r.json()
    }

    pub fn state(&mut self) -> Value {
        self.control("GET", "state", json!(null))
    }
}

/// Assert envelope OK.
pub fn ok(v: &Value) {
    assert_eq!(v["ActionStatus"], "OK", "{v}");
    assert_eq!(v["ErrorCode"], 0, "{v}");
    assert_eq!(v["ErrorInfo"], "", "{v}");
    assert_eq!(v["ErrorDisplay"], "", "{v}");
}

/// Assert envelope FAIL with `code`.
pub fn err(v: &Value, code: i64) {
    assert_eq!(v["ActionStatus"], "FAIL", "{v}");
    assert_eq!(v["ErrorCode"], code, "{v}");
    assert_eq!(v["ErrorDisplay"], "", "{v}");
    assert!(v["ErrorInfo"].is_string(), "{v}");
}

/// Remove the envelope fields that doc samples sometimes omit.
pub fn strip(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("ErrorDisplay");
    }
    v
}
