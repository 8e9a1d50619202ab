//! # tim-contacts
//!
//! A typed client for the Tencent Cloud IM (Chat) REST admin API around
//! conversations: conversation lists, conversation groups, conversation marks
//! and friend groups. The core is sans-IO Rust; the `wasm` module (built only
//! for `wasm32`) is the JavaScript boundary of the npm package.
//!
//! | module | what it holds |
//! |---|---|
//! | [`marks`] | the `StandardMark` bit-string codec |
//! | [`usersig`] | TLSSigAPIv2: generate, decode, verify |
//! | [`error`] | the error type, ordered by phase |
//! | [`limits`] | documented limits and error-code classes |
//! | [`region`] | regional hosts |
//! | [`model`] | the public request and result types |
//! | [`api`] | one file per command family: build a request, parse an answer |
//! | [`transport`] | `HttpRequest`/`HttpResponse`, the `Transport`, `Signer`, `Entropy` and `Clock` traits |
//! | [`retry`] | which failures are retried, and the back-off |
//! | [`ratelimit`] | a token bucket per endpoint |
//! | [`sigcache`] | the UserSig cache (expiry read from the UserSig) |
//! | [`paging`] | pagers for `get_list` and `get_contact_group`, item streams |
//! | [`chunk`] | splitting batches into compliant calls, merging the answers |
//! | [`client`] | `Client`: config, signing, retries, pacing, one generic `execute`, one method per command |
//! | [`bulk`] | snapshots of a user (format v1), plans from live to desired, export / apply / verify of one user |

pub mod api;
pub mod bulk;
pub mod chunk;
pub mod client;
mod codec;
pub mod error;
pub mod limits;
pub mod marks;
pub mod model;
pub mod paging;
pub mod plan;
pub mod ratelimit;
pub mod region;
pub mod retry;
pub mod sigcache;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod suggest;
pub mod transport;
pub mod usersig;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use client::{CallOptions, Client, ClientConfig, Observer};
pub use error::{Error, ErrorKind};
pub use marks::{decode_standard_mark, encode_marks, Marks, MarksInput};
pub use region::Region;
