//! The JavaScript boundary of the core (feature `wasm`, wasm32 only): what the
//! npm package `tim-emulator` (`emulator/npm/`) drives, in-process as a `fetch`
//! and behind `node:http`. It passes requests and the time in and answers out,
//! and nothing else: timers, the clock, bodies and sockets are the JS host's.
//!
//! Numbers cross as `f64` (JS numbers); a seed for `tim-seedgen` crosses as a
//! decimal string, since it is a full `u64`.

use crate::core::{Action, Answer, Delayed, Emulator, Now, Request};
use crate::seedgen::{generate, GenOptions};
use crate::Config;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

/// An emulator: the sans-IO core plus its startup options.
#[wasm_bindgen]
pub struct Core {
    emu: Emulator,
    sdk_app_id: u64,
    secret_key: String,
    admins: Vec<String>,
}

/// One decision of the core, as the host acts it out.
#[wasm_bindgen]
pub struct Reply {
    kind: &'static str,
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    close: bool,
    delay_ms: f64,
    log: Option<String>,
}

fn ms(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        v as u64
    } else {
        0
    }
}

impl Reply {
    fn answer(a: Answer, log: Option<String>) -> Reply {
        Reply {
            kind: "answer",
            status: a.status,
            headers: a.headers,
            body: a.body,
            close: a.close,
            delay_ms: 0.0,
            log,
        }
    }

    fn from_core(r: crate::core::Reply) -> Reply {
        match r.action {
            Action::Answer(a) => Reply::answer(a, r.log),
            Action::Drop => Reply {
                kind: "drop",
                ..Reply::answer(Answer::busy(), r.log)
            }
            .emptied(),
            Action::Delay(d) => Reply {
                kind: "delay",
                delay_ms: d.ms as f64,
                ..Reply::answer(Answer::busy(), r.log)
            }
            .emptied(),
        }
    }

    fn emptied(mut self) -> Reply {
        self.status = 0;
        self.headers.clear();
        self.body.clear();
        self
    }
}

#[wasm_bindgen]
impl Reply {
    /// `"answer"`, `"drop"` (close without answering) or `"delay"` (wait
    /// `delayMs`, then `Core.resume`).
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.kind.to_string()
    }
    /// HTTP status (answers only).
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> u16 {
        self.status
    }
    /// Header pairs as a JSON array of `[name, value]`.
    #[wasm_bindgen(getter, js_name = headersJson)]
    pub fn headers_json(&self) -> String {
        json!(self.headers).to_string()
    }
    /// The body bytes (a copy).
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> Vec<u8> {
        self.body.clone()
    }
    /// Close the connection after this answer.
    #[wasm_bindgen(getter)]
    pub fn close(&self) -> bool {
        self.close
    }
    /// How long the `delay` fault holds the request.
    #[wasm_bindgen(getter, js_name = delayMs)]
    pub fn delay_ms(&self) -> f64 {
        self.delay_ms
    }
    /// The log line without its duration, or `undefined` (not logged).
    #[wasm_bindgen(getter)]
    pub fn log(&self) -> Option<String> {
        self.log.clone()
    }
}

#[wasm_bindgen]
impl Core {
    /// An emulator from the options object as JSON (`Config::from_json`);
    /// `rng_seed` seeds the random faults.
    ///
    /// # Errors
    /// An option or the seed is invalid (the message names it).
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str, rng_seed: f64) -> Result<Core, JsError> {
        let v: Value = serde_json::from_str(options_json)
            .map_err(|e| JsError::new(&format!("options: {e}")))?;
        let config = Config::from_json(&v).map_err(|e| JsError::new(&e))?;
        let emu = Emulator::new(&config, ms(rng_seed))
            .map_err(|e| JsError::new(&format!("invalid seed: {e}")))?;
        Ok(Core {
            emu,
            sdk_app_id: config.sdk_app_id,
            secret_key: config.secret_key,
            admins: config.admins,
        })
    }

    /// The largest body to read; over it, answer `Core.tooLarge()`.
    #[wasm_bindgen(getter, js_name = maxBodyBytes)]
    pub fn max_body_bytes(&self) -> f64 {
        self.emu.max_body_bytes() as f64
    }

    /// The configured SDKAppID.
    #[wasm_bindgen(getter, js_name = sdkAppId)]
    pub fn sdk_app_id(&self) -> f64 {
        self.sdk_app_id as f64
    }

    /// The configured admins.
    #[wasm_bindgen(getter)]
    pub fn admins(&self) -> Vec<String> {
        self.admins.clone()
    }

    /// Decide one request at `unix_ms` (wall or virtual clock) / `mono_ms`
    /// (the rate limit's clock).
    pub fn handle(
        &mut self,
        method: &str,
        target: &str,
        body: &[u8],
        unix_ms: f64,
        mono_ms: f64,
    ) -> Reply {
        let (req, now) = request_at(method, target, body, unix_ms, mono_ms);
        Reply::from_core(self.emu.handle(&req, now))
    }

    /// Process a request held back by the `delay` fault, once released.
    pub fn resume(
        &mut self,
        method: &str,
        target: &str,
        body: &[u8],
        delay_ms: f64,
        unix_ms: f64,
        mono_ms: f64,
    ) -> Reply {
        let (req, now) = request_at(method, target, body, unix_ms, mono_ms);
        let d = Delayed { ms: ms(delay_ms) };
        Reply::from_core(self.emu.resume(&req, d, now))
    }

    /// A UserSig minted with the configured key (`identifier` empty = the
    /// first admin), like `POST /__control/usersig`.
    #[wasm_bindgen(js_name = mintUserSig)]
    pub fn mint_user_sig(&self, identifier: &str, time_secs: f64, expire_secs: f64) -> String {
        let id = if identifier.is_empty() {
            self.admins.first().map_or("administrator", String::as_str)
        } else {
            identifier
        };
        crate::usersig::gen_usersig(
            &self.secret_key,
            self.sdk_app_id,
            id,
            ms(time_secs),
            ms(expire_secs),
        )
    }
}

/// The host's answer to a body over `maxBodyBytes` (HTTP 413, FAIL 60003).
/// A request and its clocks as the core takes them.
fn request_at<'a>(
    method: &'a str,
    target: &'a str,
    body: &'a [u8],
    unix_ms: f64,
    mono_ms: f64,
) -> (Request<'a>, Now) {
    let req = Request {
        method,
        target,
        body,
    };
    let now = Now {
        unix_ms: ms(unix_ms),
        mono_ms: ms(mono_ms),
    };
    (req, now)
}

#[wasm_bindgen(js_name = tooLarge)]
pub fn too_large() -> Reply {
    Reply::answer(Answer::too_large(), None)
}

/// The host's answer to a request it could not read (HTTP 400, FAIL 60002).
#[wasm_bindgen]
pub fn malformed(why: &str) -> Reply {
    Reply::answer(Answer::malformed(why), None)
}

/// The host's answer to a request not complete in time (FAIL 60008).
#[wasm_bindgen(js_name = timedOut)]
pub fn timed_out() -> Reply {
    Reply::answer(Answer::timed_out(), None)
}

/// The host's answer over its connection cap (HTTP 503, FAIL 60008).
#[wasm_bindgen]
pub fn busy() -> Reply {
    Reply::answer(Answer::busy(), None)
}

/// `tim-seedgen`'s standard output for these options, byte for byte:
/// `users`, `conversations` (counts), `seed` (a decimal `u64`), `demo`,
/// `base_time` (Unix seconds).
///
/// # Errors
/// `seed` is not a decimal `u64`.
#[wasm_bindgen(js_name = generateSeedText)]
pub fn generate_seed_text(
    users: f64,
    conversations: f64,
    seed: &str,
    demo: bool,
    base_time: f64,
) -> Result<String, JsError> {
    let seed: u64 = seed
        .parse()
        .map_err(|_| JsError::new("seed must be a non-negative integer below 2^64"))?;
    let opts = GenOptions {
        users: ms(users) as usize,
        conversations: ms(conversations) as usize,
        seed,
        demo,
        base_time: ms(base_time),
    };
    let doc = generate(&opts);
    let text = serde_json::to_string_pretty(&doc).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(text + "\n")
}
