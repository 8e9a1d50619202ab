//! Configuration: [`Config`] (what `start` and the CLI take), and the part of it
//! that `POST /__control/config` can change at run time ([`Runtime`]).
//!
//! The core reads the app (SDKAppID, SecretKey, admins), the seed, the runtime
//! settings and the body limit; a server reads the rest (bind address,
//! timeouts, connection cap, clock override, logging).

use super::faults::{FaultConfig, FaultKind};
use crate::commands::Limits;
use crate::state::SeedDoc;
use crate::usersig;
use serde_json::{json, Map, Value};
use std::time::Duration;

/// The published sample SecretKey (default `--secret-key`).
pub const DEFAULT_SECRET_KEY: &str = usersig::SAMPLE_SECRET_KEY;
/// Default SDKAppID.
pub const DEFAULT_SDK_APP_ID: u64 = 1_400_000_000;

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
    /// sns/friend_get page size (the real one is not documented).
    pub friend_page_size: usize,
    /// Fault injection.
    pub faults: FaultConfig,
    /// Limits / codes.
    pub limits: Limits,
    /// Clock override (Unix seconds); `None` = system clock.
    pub now: Option<fn() -> u64>,
    /// Maximum request body size in bytes.
    pub max_body_bytes: usize,
    /// Time allowed to receive one request once its first byte arrived.
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
            friend_page_size: 100,
            faults: FaultConfig::default(),
            limits: Limits::default(),
            now: None,
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(120),
            max_connections: 1024,
            log: true,
        }
    }
}

/// Settings that `POST /__control/config` can change at run time.
#[derive(Debug, Clone)]
pub(crate) struct Runtime {
    pub(crate) rate_limit: u32,
    pub(crate) get_list_page_size: usize,
    pub(crate) contact_group_page_size: usize,
    pub(crate) friend_page_size: usize,
    pub(crate) faults: FaultConfig,
    pub(crate) limits: Limits,
}

impl Runtime {
    pub(crate) fn from_config(c: &Config) -> Runtime {
        Runtime {
            rate_limit: c.rate_limit,
            get_list_page_size: c.get_list_page_size,
            contact_group_page_size: c.contact_group_page_size,
            friend_page_size: c.friend_page_size,
            faults: c.faults.clone(),
            limits: c.limits.clone(),
        }
    }

    /// The `GET /__control/config` document.
    pub(crate) fn to_json(&self) -> Value {
        let l = &self.limits;
        json!({
            "rateLimit": self.rate_limit,
            "getListPageSize": self.get_list_page_size,
            "contactGroupPageSize": self.contact_group_page_size,
            "friendPageSize": self.friend_page_size,
            "faults": {
                "rate": self.faults.rate,
                "kinds": self.faults.kinds.iter().map(FaultKind::name).collect::<Vec<_>>(),
                "script": self.faults.script.iter().map(FaultKind::name).collect::<Vec<_>>(),
            },
            "limits": {
                "maxContactGroups": l.max_contact_groups,
                "maxMarkedConversations": l.max_marked_conversations,
                "createGroupNameMax": l.create_group_name_max,
                "renameGroupNameMax": l.rename_group_name_max,
                "maxMarkItems": l.max_mark_items,
                "maxSearchItems": l.max_search_items,
                "customMarkMax": l.custom_mark_max,
                "maxFriendGroups": l.max_friend_groups,
            }
        })
    }

    /// Apply a `POST /__control/config` body: all of it, or (on an error)
    /// nothing.
    pub(crate) fn apply(&mut self, m: &Map<String, Value>) -> Result<(), String> {
        let mut next = self.clone();
        for (k, v) in m {
            match k.as_str() {
                "rateLimit" => {
                    next.rate_limit =
                        u32::try_from(num(v, k)?).map_err(|_| "rateLimit too large".to_string())?
                }
                "getListPageSize" => next.get_list_page_size = num(v, k)?.max(1) as usize,
                "contactGroupPageSize" => next.contact_group_page_size = num(v, k)?.max(1) as usize,
                "friendPageSize" => next.friend_page_size = num(v, k)?.max(1) as usize,
                "faults" => apply_faults(&mut next.faults, v)?,
                "limits" => apply_limits(&mut next.limits, v)?,
                other => return Err(format!("unknown field {other}")),
            }
        }
        *self = next;
        Ok(())
    }
}

fn num(v: &Value, k: &str) -> Result<u64, String> {
    v.as_u64()
        .ok_or_else(|| format!("{k} must be a non-negative integer"))
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

fn apply_faults(f: &mut FaultConfig, v: &Value) -> Result<(), String> {
    for (fk, fv) in v.as_object().ok_or("faults must be an object")? {
        match fk.as_str() {
            "rate" => {
                let r = fv.as_f64().ok_or("faults.rate must be a number")?;
                if !(0.0..=1.0).contains(&r) {
                    return Err("faults.rate must be in [0, 1]".into());
                }
                f.rate = r;
            }
            "kinds" => f.kinds = kinds_from(fv, "faults.kinds")?,
            "script" => f.script = kinds_from(fv, "faults.script")?.into(),
            other => return Err(format!("unknown field faults.{other}")),
        }
    }
    Ok(())
}

fn apply_limits(l: &mut Limits, v: &Value) -> Result<(), String> {
    for (lk, lv) in v.as_object().ok_or("limits must be an object")? {
        let n = num(lv, lk)? as usize;
        let slot = match lk.as_str() {
            "maxContactGroups" => &mut l.max_contact_groups,
            "maxMarkedConversations" => &mut l.max_marked_conversations,
            "createGroupNameMax" => &mut l.create_group_name_max,
            "renameGroupNameMax" => &mut l.rename_group_name_max,
            "maxMarkItems" => &mut l.max_mark_items,
            "maxSearchItems" => &mut l.max_search_items,
            "customMarkMax" => &mut l.custom_mark_max,
            "maxFriendGroups" => &mut l.max_friend_groups,
            other => return Err(format!("unknown field limits.{other}")),
        };
        *slot = n;
    }
    Ok(())
}

impl Config {
    /// The configuration as the options object [`Config::from_json`] reads
    /// (its inverse: `Config::from_json(&c.to_json())` gives `c` back), for a
    /// host that hands a native configuration to the JavaScript forms.
    pub fn to_json(&self) -> Value {
        let mut v = Runtime::from_config(self).to_json();
        let m = v
            .as_object_mut()
            .expect("the runtime document is an object");
        m.insert("sdkAppId".into(), json!(self.sdk_app_id));
        m.insert("secretKey".into(), json!(self.secret_key));
        m.insert("admins".into(), json!(self.admins));
        m.insert("seed".into(), json!(self.seed));
        m.insert("maxBodyBytes".into(), json!(self.max_body_bytes));
        v
    }

    /// A configuration from a JSON object, the form the JavaScript hosts (the
    /// in-process `fetch` and the `node:http` server) pass in: `sdkAppId`,
    /// `secretKey`, `admins`, `seed` (a seed document; absent = no users),
    /// `maxBodyBytes`, and the runtime settings `POST /__control/config` takes
    /// (`rateLimit`, `getListPageSize`, `contactGroupPageSize`,
    /// `friendPageSize`, `faults`, `limits`). Every field is optional; an unknown one is an error.
    ///
    /// # Errors
    /// A message naming the field that is unknown or has a bad value.
    pub fn from_json(v: &Value) -> Result<Config, String> {
        let m = v.as_object().ok_or("the options must be an object")?;
        let mut c = Config::default();
        let mut runtime = Map::new();
        for (k, v) in m {
            match k.as_str() {
                "sdkAppId" => c.sdk_app_id = num(v, k)?,
                "secretKey" => match v.as_str() {
                    Some(s) if !s.is_empty() => c.secret_key = s.to_string(),
                    _ => return Err("secretKey must be a non-empty string".into()),
                },
                "admins" => {
                    let a = v.as_array().ok_or("admins must be an array of strings")?;
                    let admins = a
                        .iter()
                        .map(|x| match x.as_str() {
                            Some(s) if !s.is_empty() => Ok(s.to_string()),
                            _ => Err("admins must be an array of non-empty strings".to_string()),
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    if admins.is_empty() {
                        return Err("admins must name at least one identifier".into());
                    }
                    c.admins = admins;
                }
                "seed" => {
                    c.seed = if v.is_null() {
                        SeedDoc::default()
                    } else {
                        serde_json::from_value(v.clone()).map_err(|e| format!("seed: {e}"))?
                    }
                }
                "maxBodyBytes" => {
                    c.max_body_bytes = usize::try_from(num(v, k)?.max(1))
                        .map_err(|_| "maxBodyBytes too large".to_string())?
                }
                "rateLimit"
                | "getListPageSize"
                | "contactGroupPageSize"
                | "friendPageSize"
                | "faults"
                | "limits" => {
                    runtime.insert(k.clone(), v.clone());
                }
                other => return Err(format!("unknown option {other}")),
            }
        }
        let mut rt = Runtime::from_config(&c);
        rt.apply(&runtime)?;
        c.rate_limit = rt.rate_limit;
        c.get_list_page_size = rt.get_list_page_size;
        c.contact_group_page_size = rt.contact_group_page_size;
        c.friend_page_size = rt.friend_page_size;
        c.faults = rt.faults;
        c.limits = rt.limits;
        Ok(c)
    }
}

#[cfg(test)]
mod from_json_tests {
    use super::*;

    #[test]
    fn options_object_sets_every_field_and_names_bad_ones() {
        let c = Config::from_json(&json!({
            "sdkAppId": 1400000001u64, "secretKey": "k", "admins": ["a", "b"],
            "seed": {"users": {"u": {}}}, "rateLimit": 5, "getListPageSize": 7,
            "contactGroupPageSize": 9, "friendPageSize": 4, "faults": {"script": ["http502"]},
            "limits": {"maxContactGroups": 3}, "maxBodyBytes": 1000
        }))
        .unwrap();
        assert_eq!((c.sdk_app_id, c.secret_key.as_str()), (1_400_000_001, "k"));
        assert_eq!(c.admins, ["a", "b"]);
        assert!(c.seed.users.contains_key("u"));
        assert_eq!((c.rate_limit, c.get_list_page_size), (5, 7));
        assert_eq!((c.contact_group_page_size, c.friend_page_size), (9, 4));
        assert_eq!(c.faults.script.front(), Some(&FaultKind::Http502));
        assert_eq!((c.limits.max_contact_groups, c.max_body_bytes), (3, 1000));
        let e = |v: Value| Config::from_json(&v).unwrap_err();
        assert!(e(json!({"rateLimt": 1})).contains("rateLimt"));
        assert!(e(json!({"admins": []})).contains("admins"));
        assert!(e(json!({"faults": {"rate": 3}})).contains("faults.rate"));
        assert!(e(json!({"seed": {"users": 1}})).contains("seed"));
        assert!(e(json!([])).contains("object"));
    }

    #[test]
    fn to_json_is_read_back_as_the_same_configuration() {
        let mut c = Config::from_json(&json!({
            "sdkAppId": 1400000002u64, "secretKey": "k2", "admins": ["x"],
            "seed": {"users": {"u": {}}}, "rateLimit": 4, "getListPageSize": 3,
            "contactGroupPageSize": 2, "friendPageSize": 6, "faults": {"rate": 0.5, "kinds": ["drop"], "script": ["http502"]},
            "limits": {"maxFriendGroups": 7}, "maxBodyBytes": 999
        }))
        .unwrap();
        c.limits.custom_mark_max = 11;
        let back = Config::from_json(&c.to_json()).unwrap();
        assert_eq!(back.to_json(), c.to_json());
        assert_eq!(
            (back.limits.custom_mark_max, back.max_body_bytes),
            (11, 999)
        );
        assert_eq!(back.faults.kinds, [FaultKind::Drop]);
    }
}
