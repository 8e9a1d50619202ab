//! The bulk engine's exports ([`crate::bulk`]): `validateSnapshot` and
//! `planSnapshot`, and `TimClient`'s `exportUser`, `applyUser` and
//! `verifyUser`. Converts and delegates, like the rest of the boundary.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::args::{string_arg, Opts};
use super::call::{call_options_of, throw_call, Inner, PerCall};
use super::client::TimClient;
use super::convert::{from_js, promise, throw, to_js, to_js_value, JsFutureOf};
use super::runtime::abortable;
use crate::bulk::{self, Snapshot};
use crate::client::CallOptions;
use crate::error::Error;

const PLAN_KEYS: &[&str] = &["prune"];
const EXPORT_KEYS: &[&str] = &["signal", "timeoutMs"];
const APPLY_KEYS: &[&str] = &["prune", "dryRun", "keepBefore", "signal", "timeoutMs"];
const VERIFY_KEYS: &[&str] = &["prune", "signal", "timeoutMs"];

#[wasm_bindgen(typescript_custom_section)]
const TS_BULK: &'static str = r#"
/** Options of `planSnapshot`. */
export interface PlanSnapshotOptions {
  /** Also delete or clear what a managed section of desired does not name (default false). */
  prune?: boolean;
}

/** Options of `TimClient.exportUser`. */
export interface ExportUserOptions {
  /** Abort the export: it rejects with a `TimError` of kind `"aborted"` and its requests are aborted. */
  signal?: AbortSignal;
  /** Timeout of each HTTP attempt in ms, instead of the client's `timeoutMs` (0 = none). */
  timeoutMs?: number;
}

/** Options of `TimClient.applyUser`. */
export interface ApplyUserOptions {
  /** Also delete or clear what a managed section of desired does not name (default false). */
  prune?: boolean;
  /** Read and plan only: `executed` stays empty and nothing is written (default false). */
  dryRun?: boolean;
  /** Keep the live state the plan was computed from in the report's `before` (default false). */
  keepBefore?: boolean;
  /** Abort the apply between or during steps: it rejects with a `TimError` of kind `"aborted"`. */
  signal?: AbortSignal;
  /** Timeout of each HTTP attempt in ms, instead of the client's `timeoutMs` (0 = none). */
  timeoutMs?: number;
}

/** Options of `TimClient.verifyUser`. */
export interface VerifyUserOptions {
  /** Compare as an apply with `prune` would: what desired does not name must be absent (default false). */
  prune?: boolean;
  /** Abort the verification: it rejects with a `TimError` of kind `"aborted"`. */
  signal?: AbortSignal;
  /** Timeout of each HTTP attempt in ms, instead of the client's `timeoutMs` (0 = none). */
  timeoutMs?: number;
}
"#;

/// Reads a snapshot; an error in it names its field, under `prefix`
/// (`live.conversations[0].marks`) when one is given.
fn snapshot_arg(value: JsValue, what: &str, prefix: &str) -> Result<Snapshot, Error> {
    from_js::<Snapshot>(value, what).map_err(|e| match e.field() {
        Some(f) if !prefix.is_empty() && f != what => {
            Error::invalid(&format!("{prefix}{f}"), e.message())
        }
        _ => e,
    })
}

/// Checks a snapshot line (parsed JSON) of format v1 and returns it as read.
///
/// See `Snapshot` for the format; the package ships its JSON Schema as
/// `snapshot.v1.json`.
///
/// @example
/// ```js
/// const line = '{"version":1,"user":"alice","conversations":[{"conversation":{"type":"c2c","userId":"bob"},"marks":"1"}]}';
/// const desired = validateSnapshot(JSON.parse(line));
/// ```
/// @throws {TimError} `kind: "invalid_input"` naming the field
/// (`version`, `conversations[3].marks`, `friendGroups[0].friends[2]`, an unknown key).
#[wasm_bindgen(js_name = validateSnapshot, unchecked_return_type = "Snapshot")]
pub fn validate_snapshot(
    #[wasm_bindgen(unchecked_param_type = "unknown")] snapshot: JsValue,
) -> Result<JsValue, JsValue> {
    let s = snapshot_arg(snapshot, "snapshot", "")
        .and_then(|s| bulk::validate_snapshot(&s).map(|()| s))
        .map_err(|e| throw(&e))?;
    to_js(&s)
}

/// The writes that take `live` (a full export of the user, e.g. from
/// `exportUser`) to `desired` (whole or partial: an absent section or
/// field is not managed). Pure: nothing is sent.
///
/// Rules: groups are matched by name (no rename is inferred); reserved mark
/// bits 4..31 are never set or cleared; a friend group whose members differ
/// is deleted and created again (the API cannot move friends); without
/// `prune`, what desired does not name is left alone. Each step is one REST
/// call (`writes` = the number of steps).
///
/// @example
/// ```js
/// const live = await tim.exportUser("alice");
/// const plan = planSnapshot({ version: 1, user: "alice", conversationGroups: ["Work", "VIP"] }, live);
/// // { user: "alice", steps: [{ op: "createGroup", name: "VIP", conversations: [] }], writes: 1 }
/// ```
/// @throws {TimError} `kind: "invalid_input"` naming the field: of desired
/// (`conversations[3].marks`), of live under `live.` (`live.user` for
/// another user), or `friendGroups[i].friends` for a friend group to create
/// with more than 1000 friends.
#[wasm_bindgen(js_name = planSnapshot, unchecked_return_type = "Plan")]
pub fn plan_snapshot(
    #[wasm_bindgen(unchecked_param_type = "Snapshot")] desired: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Snapshot")] live: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "PlanSnapshotOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let run = || -> Result<bulk::Plan, Error> {
        let o = Opts::new(&options.unwrap_or(JsValue::UNDEFINED), "options", PLAN_KEYS)?;
        let prune = match &o {
            Some(o) => o.bool("prune")?.unwrap_or(false),
            None => false,
        };
        let desired = snapshot_arg(desired, "desired", "")?;
        let live = snapshot_arg(live, "live", "live.")?;
        bulk::plan(&desired, &live, prune)
    };
    let plan = run().map_err(|e| throw(&e))?;
    to_js(&plan)
}

/// A parsed bulk call waiting for the client and its per-call options.
type BulkJob = Box<dyn FnOnce(Rc<Inner>, CallOptions) -> JsFutureOf<Result<JsValue, Error>>>;

/// The flags of a bulk method's options (false when absent or not among its keys).
struct Flags {
    prune: bool,
    dry_run: bool,
    keep_before: bool,
}

/// The options of a bulk method: the flags asked for, and the per-call part.
fn bulk_options(options: Option<JsValue>, keys: &[&str]) -> Result<(Flags, PerCall), Error> {
    let o = Opts::new(&options.unwrap_or(JsValue::UNDEFINED), "options", keys)?;
    let flag = |key: &str| -> Result<bool, Error> {
        match &o {
            Some(o) if keys.contains(&key) => Ok(o.bool(key)?.unwrap_or(false)),
            _ => Ok(false),
        }
    };
    let flags = Flags {
        prune: flag("prune")?,
        dry_run: flag("dryRun")?,
        keep_before: flag("keepBefore")?,
    };
    Ok((flags, call_options_of(o.as_ref())?))
}

/// Runs a bulk job under its options (abortable); a bad input rejects.
fn spawn_bulk(
    client: &Rc<Inner>,
    method: &'static str,
    job: Result<(BulkJob, PerCall), Error>,
) -> js_sys::Promise {
    let client = Rc::clone(client);
    promise(Box::pin(async move {
        let (job, per_call) = job.map_err(|e| throw(&e))?;
        let abort = per_call.abort;
        abortable(
            abort.as_ref(),
            method,
            job(Rc::clone(&client), per_call.core),
        )
        .await
        .map_err(|e| throw_call(&client, abort.as_ref(), &e))
    }))
}

#[wasm_bindgen]
impl TimClient {
    /// One user's snapshot (format v1): every conversation of `get_list`
    /// and of `get_contact_group` (marked or grouped conversations that are
    /// not in the recent list are only there) with its marks, custom mark and
    /// group names, the conversation groups, and the friend groups with
    /// their friends. The three listings are read at the same time. Every
    /// section and field is written, sorted (conversations by key, names
    /// and friends by name), so `JSON.stringify` of it is one JSONL line.
    ///
    /// @example
    /// ```js
    /// const snapshot = await tim.exportUser("alice");
    /// await writeLine(JSON.stringify(snapshot));
    /// ```
    /// @throws {TimError} as any call (`invalid_input` naming `userId`, `api`,
    /// `transport`, `pagination`, `aborted`, ...).
    #[wasm_bindgen(js_name = exportUser, unchecked_return_type = "Promise<Snapshot>")]
    pub fn export_user(
        &self,
        #[wasm_bindgen(js_name = userId, unchecked_param_type = "string")] user_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ExportUserOptions")] options: Option<
            JsValue,
        >,
    ) -> js_sys::Promise {
        let job = string_arg(&user_id, "userId").and_then(|user| {
            let (_, per_call) = bulk_options(options, EXPORT_KEYS)?;
            let job: BulkJob = Box::new(move |client, opts| {
                Box::pin(
                    async move { to_js_value(&bulk::export_user(&client, &user, &opts).await?) },
                )
            });
            Ok((job, per_call))
        });
        spawn_bulk(&self.inner, "exportUser", job)
    }

    /// Makes a user's state match `desired` (a snapshot, whole or partial):
    /// reads the live state (as `exportUser`), plans (as `planSnapshot`) and,
    /// unless `dryRun`, executes the steps in order. Each executed step is
    /// reported with its per-item results; a failed step does not stop the
    /// others (a step that needs it is reported as skipped). Running it again
    /// after it completed sends no write.
    ///
    /// @example
    /// ```js
    /// const report = await tim.applyUser(desired, { dryRun: true });
    /// console.log(report.plan.writes, report.plan.steps.map((s) => s.op));
    /// const done = await tim.applyUser(desired);
    /// for (const s of done.executed) if (!s.ok) console.error(s.op, s.error ?? s.results);
    /// ```
    /// @throws {TimError} `kind: "invalid_input"` naming the field of desired
    /// (nothing sent); a failed read of the live state; `kind: "aborted"`. A
    /// failed write does not reject: it is in the report (`ok: false`).
    #[wasm_bindgen(js_name = applyUser, unchecked_return_type = "Promise<ApplyReport>")]
    pub fn apply_user(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Snapshot")] desired: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ApplyUserOptions")] options: Option<
            JsValue,
        >,
    ) -> js_sys::Promise {
        let job = bulk_options(options, APPLY_KEYS).and_then(|(flags, per_call)| {
            let Flags {
                prune,
                dry_run,
                keep_before,
            } = flags;
            let desired = snapshot_arg(desired, "desired", "")?;
            bulk::validate_snapshot(&desired)?;
            let job: BulkJob = Box::new(move |client, opts| {
                Box::pin(async move {
                    let mut report =
                        bulk::apply_user(&client, &desired, prune, dry_run, &opts).await?;
                    if !keep_before {
                        report.before = None;
                    }
                    to_js_value(&report)
                })
            });
            Ok((job, per_call))
        });
        spawn_bulk(&self.inner, "applyUser", job)
    }

    /// Whether a user's live state matches `desired`: `matches` is true when
    /// the plan from it (as `planSnapshot`, with `prune` as given) has no
    /// step; `plan` says what differs.
    ///
    /// @example
    /// ```js
    /// const { matches, plan } = await tim.verifyUser(desired);
    /// if (!matches) console.log(plan.steps);
    /// ```
    /// @throws {TimError} as `applyUser` before its first write.
    #[wasm_bindgen(js_name = verifyUser, unchecked_return_type = "Promise<VerifyReport>")]
    pub fn verify_user(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Snapshot")] desired: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyUserOptions")] options: Option<
            JsValue,
        >,
    ) -> js_sys::Promise {
        let job = bulk_options(options, VERIFY_KEYS).and_then(|(flags, per_call)| {
            let prune = flags.prune;
            let desired = snapshot_arg(desired, "desired", "")?;
            bulk::validate_snapshot(&desired)?;
            let job: BulkJob = Box::new(move |client, opts| {
                Box::pin(async move {
                    to_js_value(&bulk::verify_user(&client, &desired, prune, &opts).await?)
                })
            });
            Ok((job, per_call))
        });
        spawn_bulk(&self.inner, "verifyUser", job)
    }
}
