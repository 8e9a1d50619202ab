//! The sans-IO core: everything the emulator decides, with no sockets, threads
//! or clock of its own, so any host can drive it (the native hyper server in
//! `src/server/`; later a `node:http` server or an in-process `fetch` in wasm).
//!
//! A host reads a whole request (bounded by [`Emulator::max_body_bytes`]), passes
//! it in with the time ([`Now`]), and acts out the [`Reply`]:
//!
//! ```
//! use tim_emulator::core::{Action, Emulator, Now, Request};
//! let mut emu = Emulator::new(&tim_emulator::Config::default(), 42).unwrap();
//! let req = Request { method: "GET", target: "/__control/config", body: b"" };
//! let reply = emu.handle(&req, Now::at(1_700_000_000_000));
//! match reply.action {
//!     Action::Answer(a) => assert_eq!(a.status, 200), // write status, headers, body
//!     Action::Drop => {}                              // close without answering
//!     Action::Delay(d) => {                           // wait d.ms, then:
//!         let _ = emu.resume(&req, d, Now::at(1_700_000_000_000));
//!     }
//! }
//! ```
//!
//! State, the rate limit, UserSig checks, the control endpoints, CORS and the
//! choice of faults all live here; `reply.log` is the request's log line
//! without its duration (the host appends ` {ms}ms`), `None` for requests that
//! are not logged.

mod answer;
mod auth;
mod config;
mod control;
mod faults;
mod ratelimit;

pub use answer::Answer;
pub use config::{Config, DEFAULT_SDK_APP_ID, DEFAULT_SECRET_KEY};
pub use faults::{FaultConfig, FaultKind};

use crate::commands::{self, ApiError, Ctx};
use crate::state::State;
use answer::envelope;
use auth::{App, Query};
use config::Runtime;
use faults::Rng;
use ratelimit::Buckets;
use serde_json::Value;
use std::collections::BTreeMap;

/// Error code returned when the per-endpoint rate limit is exceeded.
pub const RATE_LIMIT_CODE: i64 = 60007;

/// The time a request is handled at, read by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Wall clock, Unix milliseconds: UserSig expiry, minted UserSigs, mark timestamps.
    pub unix_ms: u64,
    /// A monotonic clock in milliseconds (any origin): the rate limit's refill.
    pub mono_ms: u64,
}

impl Now {
    /// One clock for both (a virtual clock, or a test).
    pub fn at(ms: u64) -> Now {
        Now {
            unix_ms: ms,
            mono_ms: ms,
        }
    }

    fn unix_secs(self) -> u64 {
        self.unix_ms / 1000
    }
}

/// A whole request, as the host received it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Method, e.g. `"POST"`.
    pub method: &'a str,
    /// Path and query string, e.g. `"/v4/sns/group_get?sdkappid=…"`.
    pub target: &'a str,
    /// Body bytes.
    pub body: &'a [u8],
}

/// What the host does with the connection.
#[derive(Debug)]
pub enum Action {
    /// Write this answer (and close afterwards if [`Answer::close`]).
    Answer(Answer),
    /// Close the connection without writing anything: the `drop` fault (nothing
    /// applied) or `drop-after` (the request was processed).
    Drop,
    /// The `delay:<ms>` fault: wait, then call [`Emulator::resume`] with the
    /// same request (it is processed then, at the later time).
    Delay(Delayed),
}

/// A request held back by the `delay` fault.
#[derive(Debug)]
pub struct Delayed {
    /// How long to wait, in milliseconds.
    pub ms: u64,
}

/// The core's decision for one request.
#[derive(Debug)]
pub struct Reply {
    /// What to do.
    pub action: Action,
    /// The log line without the duration; `None` = not logged.
    pub log: Option<String>,
}

/// The emulated service: state, runtime config, rate-limit buckets, request
/// counts and the fault generator.
pub struct Emulator {
    app: App,
    max_body_bytes: usize,
    startup_state: State,
    startup_rt: Runtime,
    state: State,
    rt: Runtime,
    buckets: Buckets,
    counts: BTreeMap<String, u64>,
    rng: Rng,
}

fn split_target(target: &str) -> (&str, &str) {
    target.split_once('?').unwrap_or((target, ""))
}

impl Emulator {
    /// An emulator holding `config.seed`; `rng_seed` seeds the random faults.
    ///
    /// # Errors
    /// The seed is invalid (a message naming what is wrong).
    pub fn new(config: &Config, rng_seed: u64) -> Result<Emulator, String> {
        let state = State::from_seed(&config.seed)?;
        let rt = Runtime::from_config(config);
        Ok(Emulator {
            app: App {
                sdk_app_id: config.sdk_app_id,
                secret_key: config.secret_key.clone(),
                admins: config.admins.clone(),
            },
            max_body_bytes: config.max_body_bytes,
            startup_state: state.clone(),
            startup_rt: rt.clone(),
            state,
            rt,
            buckets: Buckets::default(),
            counts: BTreeMap::new(),
            rng: Rng::new(rng_seed),
        })
    }

    /// The largest body a host should read; over it, answer [`Answer::too_large`].
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Decide one request: preflight, control endpoint, 404, or an API call
    /// (counted, then maybe faulted, then checked and run).
    pub fn handle(&mut self, req: &Request<'_>, now: Now) -> Reply {
        let (path, _) = split_target(req.target);
        if req.method == "OPTIONS" {
            return quiet(Answer::preflight());
        }
        if path == "/__control" || path.starts_with("/__control/") {
            let a = self.control(req.method, path, req.body, now);
            let log = format!("{} {} status={}", req.method, path, a.status);
            return Reply {
                log: Some(log),
                action: Action::Answer(a),
            };
        }
        if !path.starts_with("/v4/") {
            return quiet(Answer::control_error(
                404,
                "not found; the API lives under /v4/, the control endpoints under /__control/",
            ));
        }
        *self
            .counts
            .entry(path.trim_start_matches('/').to_string())
            .or_insert(0) += 1;
        let fault = self.rt.faults.next(&mut self.rng);
        let line = |code: &str| Some(log_line(req, path, "", code));
        match fault {
            FaultKind::Http502 => Reply {
                action: Action::Answer(Answer::bad_gateway()),
                log: line("fault:http502"),
            },
            FaultKind::Drop => Reply {
                action: Action::Drop,
                log: line("fault:drop"),
            },
            FaultKind::Error(code) => Reply {
                action: Action::Answer(Answer::fail(code, "injected fault")),
                log: line(&format!("{code} (fault:error)")),
            },
            FaultKind::Delay(ms) => Reply {
                action: Action::Delay(Delayed { ms }),
                log: None,
            },
            FaultKind::None | FaultKind::DropAfter | FaultKind::Truncate => {
                self.process(req, &fault, now)
            }
        }
    }

    /// Process a request held back by [`Action::Delay`], at the time it is
    /// released.
    pub fn resume(&mut self, req: &Request<'_>, _delayed: Delayed, now: Now) -> Reply {
        self.process(req, &FaultKind::None, now)
    }

    /// Run an API request, then act out the faults that come after processing.
    fn process(&mut self, req: &Request<'_>, fault: &FaultKind, now: Now) -> Reply {
        let (path, _) = split_target(req.target);
        let mut from = String::new();
        let (v, code) = match self.api(req, &mut from, now) {
            Ok(mut data) => {
                data.extend(envelope(0, ""));
                (Value::Object(data), 0)
            }
            Err(e) => (Value::Object(envelope(e.code, &e.info)), e.code),
        };
        let mut answer = Answer::json(200, &v);
        let (action, code) = match fault {
            FaultKind::DropAfter => (Action::Drop, format!("{code} (fault:drop-after)")),
            FaultKind::Truncate => {
                answer.body.truncate(answer.body.len() / 2);
                answer.close = true;
                (Action::Answer(answer), format!("{code} (fault:truncate)"))
            }
            _ => (Action::Answer(answer), code.to_string()),
        };
        Reply {
            action,
            log: Some(log_line(req, path, &from, &code)),
        }
    }

    /// The checks in their documented order, then the command. `from` gets the
    /// body's `From_Account` once the body parsed (for the log line).
    fn api(
        &mut self,
        req: &Request<'_>,
        from: &mut String,
        now: Now,
    ) -> Result<commands::Obj, ApiError> {
        let (path, query) = split_target(req.target);
        let q = Query::parse(query);
        let (cmd, appid) = auth::route(req.method, path, &q)?;
        let endpoint = path.trim_start_matches('/');
        if !self.buckets.take(endpoint, self.rt.rate_limit, now.mono_ms) {
            return Err(ApiError::new(
                RATE_LIMIT_CODE,
                "REST call frequency limit exceeded (per endpoint), retry later",
            ));
        }
        self.app.admit(&q, appid, now.unix_secs())?;
        if req.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::new(60003, "request body is empty; send {}"));
        }
        let body: Value = serde_json::from_slice(req.body)
            .map_err(|e| ApiError::new(60003, format!("request JSON parse error: {e}")))?;
        let obj = body
            .as_object()
            .ok_or_else(|| ApiError::new(60003, "request body must be a JSON object"))?;
        if let Some(Value::String(s)) = obj.get("From_Account") {
            from.clone_from(s);
        }
        let ctx = Ctx {
            limits: &self.rt.limits,
            now: now.unix_secs(),
            get_list_page_size: self.rt.get_list_page_size,
            contact_group_page_size: self.rt.contact_group_page_size,
            friend_page_size: self.rt.friend_page_size,
        };
        commands::handle(cmd, obj, &mut self.state, &ctx)
    }
}

fn quiet(a: Answer) -> Reply {
    Reply {
        action: Action::Answer(a),
        log: None,
    }
}

fn log_line(req: &Request<'_>, path: &str, from: &str, code: &str) -> String {
    let from = if from.is_empty() { "-" } else { from };
    format!("{} {} from={from} code={code}", req.method, path)
}

#[cfg(test)]
mod tests;
