//! # tim-contacts
//!
//! A typed client for the Tencent Cloud IM (Chat) REST admin API around
//! conversations: conversation lists, conversation groups, conversation marks
//! and friend groups. The core is sans-IO Rust: it validates requests, signs,
//! paces, retries and reads answers, and asks its host for the I/O through four
//! small traits ([`transport`]). Features bring ready-made hosts:
//!
//! | feature | target | what it adds |
//! |---|---|---|
//! | `reqwest` | native | `native`: a reqwest transport with timeouts, a tokio clock, OS entropy, a signer from the SecretKey |
//! | `web` | `wasm32` | `web`: the `fetch` transport, clock and entropy of the npm package, for Rust wasm apps |
//! | `js` | `wasm32` | the npm package's JavaScript layer (`TimClient`, its start function, every JS export); only the npm build turns it on |
//!
//! No feature is on by default.
//!
//! ## Quick start (native, feature `reqwest`)
//!
//! ```no_run
//! # #[cfg(feature = "reqwest")]
//! # async fn run() -> Result<(), tim_contacts::Error> {
//! use tim_contacts::model::GetListRequest;
//! use tim_contacts::{ClientConfig, Region};
//!
//! let config = ClientConfig::builder(1_400_000_000, "administrator")
//!     .region(Region::Singapore)
//!     .build()?;
//! let secret_key = std::env::var("TIM_SECRET_KEY").unwrap_or_default();
//! // Retries, pacing at 200 calls/s per endpoint and the UserSig cache are on.
//! let client = tim_contacts::native::client(config, &secret_key)?;
//! let req = GetListRequest { from_account: "alice".into(), ..Default::default() };
//! let page = client.get_list(&req).await?;
//! for c in &page.items {
//!     println!("{:?} pinned={}", c.conversation, c.pinned);
//! }
//! # Ok(()) }
//! ```
//!
//! The client is `Send + Sync` natively: share one (`Arc<Client>`) between
//! the tasks of a multi-threaded runtime, and they share one rate limiter.
//! Listings are [`futures_core::Stream`]s ([`Client::items`]).
//!
//! ## Any host
//!
//! Without a feature, implement [`transport::Transport`] (send one POST),
//! [`transport::Signer`] (a UserSig for the admin), [`transport::Entropy`]
//! and, for retries, pacing and the UserSig cache, [`transport::Clock`]:
//!
//! ```
//! # #[cfg(not(target_arch = "wasm32"))] // block_on: a native executor
//! # fn main() -> Result<(), tim_contacts::Error> {
//! use tim_contacts::model::SnsGroupGetRequest;
//! use tim_contacts::transport::{
//!     Entropy, HttpRequest, HttpResponse, StaticSigner, Transport, TransportError,
//! };
//! use tim_contacts::{Client, ClientConfig};
//!
//! struct Canned;
//! impl Transport for Canned {
//!     async fn send(&self, _req: &HttpRequest) -> Result<HttpResponse, TransportError> {
//!         let body = br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[],"CurrentSequence":7}"#;
//!         Ok(HttpResponse { status: 200, body: body.to_vec() })
//!     }
//! }
//! struct Four;
//! impl Entropy for Four {
//!     fn random_u32(&self) -> u32 {
//!         4
//!     }
//! }
//!
//! let config = ClientConfig::builder(1_400_000_000, "administrator")
//!     .base_url("http://127.0.0.1:8080")
//!     .build()?;
//! let client = Client::new(config, Canned, StaticSigner("a UserSig".into()), Four);
//! let req = SnsGroupGetRequest { from_account: "alice".into(), ..Default::default() };
//! let groups = futures::executor::block_on(client.sns_group_get(&req))?;
//! assert_eq!(groups.current_sequence, 7);
//! # Ok(())
//! # }
//! # #[cfg(target_arch = "wasm32")]
//! # fn main() {}
//! ```
//!
//! | module | what it holds |
//! |---|---|
//! | [`client`] | `Client`: config (a builder), signing, retries, pacing, one method per command, streams |
//! | [`model`] | the public request and result types |
//! | [`error`] | the error type, ordered by phase |
//! | [`transport`] | `HttpRequest`/`HttpResponse`, the `Transport`, `Signer`, `Entropy` and `Clock` traits |
//! | [`marks`] | the `StandardMark` bit-string codec |
//! | [`usersig`] | TLSSigAPIv2: generate, decode, verify |
//! | [`limits`] | documented limits and error-code classes |
//! | [`region`] | regional hosts |
//! | [`api`] | the command table and the `Command` trait |
//! | [`retry`] | which failures are retried, and the back-off |
//! | [`ratelimit`] | a token bucket per endpoint, host limiters |
//! | [`paging`] | pagers for `get_list` and `get_contact_group`, item streams |
//! | [`bulk`] | snapshots of a user (format v1), plans from live to desired, export / apply / verify of one user |

pub mod api;
pub mod bulk;
mod chunk;
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
mod sigcache;
#[cfg_attr(not(all(feature = "js", target_arch = "wasm32")), allow(dead_code))]
mod suggest;
pub mod transport;
pub mod usersig;

#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
pub mod native;
#[cfg(all(feature = "web", target_arch = "wasm32"))]
pub mod web;

#[cfg(all(feature = "js", target_arch = "wasm32"))]
mod wasm;

pub use chunk::ChunkOptions;
pub use client::{CallOptions, Client, ClientConfig, ConfigBuilder, Observer};
pub use error::{Error, ErrorKind};
pub use marks::{decode_standard_mark, encode_marks, Marks, MarksInput};
pub use region::Region;
