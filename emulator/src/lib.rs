//! `tim-emulator`: a local HTTP server that behaves like the Tencent Cloud IM
//! REST admin API for conversations (`v4/recentcontact/*`) and friend groups
//! (`v4/sns/group_*`), with UserSig verification, a per-endpoint rate limit,
//! CORS, fault injection and control endpoints. See `README.md`.
//!
//! | module | job |
//! |---|---|
//! | [`core`] | the sans-IO emulator: request + time in, answer or fault out (state, rate limit, UserSig checks, control endpoints, CORS, faults) |
//! | [`commands`] | the eleven REST commands by family, pure functions over [`state`] |
//! | [`state`] | the in-memory state and the seed-document format |
//! | [`usersig`] | TLSSigAPIv2: mint, decode, verify |
//! | [`seedgen`] | deterministic seed documents (`tim-seedgen`) |
//! | `wasm` | the JavaScript boundary (feature `wasm`, wasm32): the npm package `tim-emulator` drives the core through it |
//! | `server` | the native server: hyper on tokio, acting out the core's replies ([`start`], [`Running`]) |
//!
//! ```no_run
//! let running = tim_emulator::start(tim_emulator::Config::default()).unwrap();
//! println!("{}", running.base_url());
//! running.shutdown();
//! ```

#![warn(missing_docs)]

pub mod commands;
pub mod core;
pub mod seedgen;
#[cfg(not(target_arch = "wasm32"))]
mod server;
pub mod state;
pub mod usersig;
#[cfg(all(target_arch = "wasm32", feature = "wasm"))]
mod wasm;

pub use crate::commands::Limits;
pub use crate::core::{
    Config, FaultConfig, FaultKind, DEFAULT_SDK_APP_ID, DEFAULT_SECRET_KEY, RATE_LIMIT_CODE,
};
#[cfg(not(target_arch = "wasm32"))]
pub use crate::server::{start, Running};
pub use crate::state::SeedDoc as Seed;
