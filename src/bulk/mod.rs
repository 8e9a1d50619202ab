//! Bulk jobs, one user at a time: export a user's conversation groups, marks
//! and friend groups as a [`Snapshot`] (one JSONL line), plan the writes from
//! the live state to a desired one ([`plan()`], pure and property-tested),
//! and apply or verify a desired state over the [`crate::Client`].
//!
//! - [`snapshot`]: the format (v1), its validation; the JSON Schema is
//!   `schema/snapshot.v1.json`.
//! - [`plan`](mod@plan): desired + live -> [`Plan`] (the rules are there), and
//!   [`simulate`], what a plan does to a snapshot.
//! - [`engine`]: [`export_user`], [`apply_user`], [`verify_user`] over a client.
//!
//! Orchestration over many users (concurrency, checkpoints, files) is the
//! host's: the package's JavaScript layer and CLI.

pub mod engine;
pub mod plan;
pub mod snapshot;
pub(crate) mod sort;
mod state;

pub use engine::{
    apply_user, export_user, verify_user, ApplyReport, ExecutedStep, StepError, StepItemResult,
    VerifyReport,
};
pub use plan::{plan, simulate, CustomMarkStepItem, MarkStepItem, Plan, Step};
pub use snapshot::{
    parse_snapshot, validate_snapshot, Snapshot, SnapshotConversation, SnapshotFriendGroup,
    SNAPSHOT_VERSION,
};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
