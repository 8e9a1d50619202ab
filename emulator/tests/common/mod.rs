//! Shared helpers: a tiny blocking HTTP/1.1 client and an in-process emulator.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;
use tim_emulator::state::SeedDoc;
use tim_emulator::{usersig, Config, Running};

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

/// Keep-alive HTTP/1.1 client (reconnects when the server closed).
pub struct Client {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Self {
        Client { addr, conn: None }
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
pub fn spawn_binary(
    args: &[&str],
    stderr: std::process::Stdio,
) -> (std::process::Child, SocketAddr) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tim-emulator"))
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

/// An in-process emulator plus a client and an admin UserSig.
pub struct Emu {
    pub running: Running,
    pub client: Client,
    pub sig: String,
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
        let running = tim_emulator::start(cfg).expect("start emulator");
        let client = Client::new(running.addr());
        let sig = usersig::gen_usersig(KEY, APPID, ADMIN, now(), 86_400);
        Emu {
            running,
            client,
            sig,
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
