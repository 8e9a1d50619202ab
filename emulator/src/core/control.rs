//! The control endpoints under `/__control/` (no auth, JSON in and out): reset,
//! runtime config, state dump, UserSig minting, request counts. They are never
//! faulted, rate-limited or counted.

use super::answer::Answer;
use super::{Emulator, Now};
use crate::state::{SeedDoc, State};
use crate::usersig;
use serde_json::{json, Map, Value};

fn body_object(body: &[u8]) -> Result<Map<String, Value>, Answer> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Answer::control_error(400, "body must be a JSON object")),
        Err(e) => Err(Answer::control_error(400, format!("invalid JSON: {e}"))),
    }
}

impl Emulator {
    /// Answer `method path` (path starting with `/__control`).
    pub(super) fn control(&mut self, method: &str, path: &str, body: &[u8], now: Now) -> Answer {
        let sub = path.trim_start_matches("/__control").trim_end_matches('/');
        let result = match (method, sub) {
            ("POST", "/reset") => body_object(body).and_then(|m| self.reset(m)),
            ("POST", "/config") => body_object(body).and_then(|m| {
                self.rt
                    .apply(&m)
                    .map_err(|e| Answer::control_error(400, e))?;
                self.buckets.clear();
                Ok(self.rt.to_json())
            }),
            ("GET", "/config") => Ok(self.rt.to_json()),
            ("GET", "/state") => {
                serde_json::to_value(self.state.to_seed(Some(self.app.sdk_app_id)))
                    .map_err(|e| Answer::control_error(400, e.to_string()))
            }
            ("POST", "/usersig") => body_object(body).and_then(|m| self.mint(&m, now)),
            ("GET", "/requests") => Ok(json!(self.counts)),
            ("POST", "/requests/clear") => {
                self.counts.clear();
                Ok(json!({"ok": true}))
            }
            _ => Err(Answer::control_error(
                404,
                format!("unknown control endpoint {method} {path}"),
            )),
        };
        match result {
            Ok(v) => Answer::json(200, &v),
            Err(a) => a,
        }
    }

    /// `{}` restores the startup seed, a document replaces the state; either
    /// way the startup runtime config comes back and the buckets refill.
    fn reset(&mut self, m: Map<String, Value>) -> Result<Value, Answer> {
        let state = if m.is_empty() {
            self.startup_state.clone()
        } else {
            let invalid = |e: String| Answer::control_error(400, format!("invalid seed: {e}"));
            let doc: SeedDoc =
                serde_json::from_value(Value::Object(m)).map_err(|e| invalid(e.to_string()))?;
            State::from_seed(&doc).map_err(invalid)?
        };
        self.state = state;
        self.rt = self.startup_rt.clone();
        self.buckets.clear();
        Ok(json!({"ok": true, "users": self.state.users.len()}))
    }

    /// A UserSig minted with the configured key (a stand-in for a signing backend).
    fn mint(&self, m: &Map<String, Value>, now: Now) -> Result<Value, Answer> {
        let identifier = match m.get("identifier") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            None => self
                .app
                .admins
                .first()
                .cloned()
                .ok_or_else(|| Answer::control_error(400, "identifier is required"))?,
            _ => {
                return Err(Answer::control_error(
                    400,
                    "identifier must be a non-empty string",
                ))
            }
        };
        let get = |k: &str, d: u64| match m.get(k) {
            None | Some(Value::Null) => Ok(d),
            Some(v) => v.as_u64().ok_or_else(|| {
                Answer::control_error(400, format!("{k} must be a non-negative integer"))
            }),
        };
        let expire = get("expire", 86_400)?;
        let time = get("time", now.unix_secs())?;
        let app = &self.app;
        let sig = usersig::gen_usersig(&app.secret_key, app.sdk_app_id, &identifier, time, expire);
        Ok(
            json!({"userSig": sig, "identifier": identifier, "sdkAppId": app.sdk_app_id, "time": time, "expire": expire}),
        )
    }
}
