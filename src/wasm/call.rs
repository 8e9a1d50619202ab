//! One call from JS: its per-call options (`{ signal, timeoutMs,
//! concurrency }`), the promise it returns, the report on its result
//! (`random`, `attempts`, `host`) and its error with the standard `cause`.
//! Shared by the `TimClient` methods and the listing iterators.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::args::Opts;
use super::convert::{throw, throw_caused};
use super::runtime::{abortable, Abort};
use super::signer::JsSigner;
use crate::chunk::ChunkOptions;
use crate::client::{CallOptions, CallReport, Client};
use crate::error::{Error, ErrorKind};
use crate::web::{CryptoEntropy, FetchTransport, JsClock};

/// The client behind a `TimClient`.
pub(crate) type Inner = Client<FetchTransport, JsSigner, CryptoEntropy, JsClock>;

/// The keys of the per-call options of every method.
pub(crate) const CALL_KEYS: &[&str] = &["signal", "timeoutMs", "concurrency"];

/// The second argument of every method: `{ signal?, timeoutMs?, concurrency? }`.
pub(crate) struct PerCall {
    pub(crate) abort: Option<Abort>,
    pub(crate) core: CallOptions,
}

/// Reads per-call options whose keys were checked by the caller.
pub(crate) fn call_options_of(o: Option<&Opts>) -> Result<PerCall, Error> {
    let Some(o) = o else {
        return Ok(PerCall {
            abort: None,
            core: CallOptions::default(),
        });
    };
    let abort = Abort::parse(o.value("signal")?)?;
    let timeout_ms = o.u32("timeoutMs")?;
    let chunks = match o.u32("concurrency")? {
        Some(n) => ChunkOptions::new(n as usize)?,
        None => ChunkOptions::default(),
    };
    let cancel = abort.clone().map(|a| {
        let f: std::sync::Arc<dyn Fn() -> bool> = std::sync::Arc::new(move || a.aborted());
        f
    });
    Ok(PerCall {
        abort,
        core: CallOptions {
            timeout_ms,
            cancel,
            chunks,
            report: None,
        },
    })
}

pub(crate) fn parse_call_options(options: &JsValue) -> Result<PerCall, Error> {
    let o = Opts::new(options, "options", CALL_KEYS)?;
    call_options_of(o.as_ref())
}

#[wasm_bindgen(module = "/src/wasm/js/call.js")]
extern "C" {
    /// Defines `random` (when known) and `attempts` on `obj`, read-only and
    /// non-enumerable (one boundary call instead of six).
    fn tim_attach_report(obj: &JsValue, random: Option<u32>, attempts: u32, host: Option<String>);
}

/// Puts the call's `random` and `attempts` on a result object as
/// non-enumerable properties: readable, but not part of the data (they stay
/// out of `JSON.stringify`, spreads and deep-equality checks).
fn attach_report(result: &JsValue, report: &CallReport) {
    if result.is_object() {
        tim_attach_report(result, report.random(), report.attempts(), report.host());
    }
}

/// Converts a failed call's error for JS, with its standard `cause`: what
/// the fetch threw, what the signer threw, or the abort signal's reason.
pub(crate) fn throw_call(client: &Inner, abort: Option<&Abort>, e: &Error) -> JsValue {
    let cause = match e.kind() {
        ErrorKind::Aborted => abort.map(Abort::reason),
        ErrorKind::Signing => client.signer().take_last_error(),
        ErrorKind::Transport | ErrorKind::Timeout => {
            e.random().and_then(|r| client.transport().take_cause(r))
        }
        _ => None,
    };
    throw_caused(e, cause)
}

/// A parsed call waiting for its per-call options: runs it and converts
/// the result for JS.
pub(crate) type Job =
    Box<dyn FnOnce(CallOptions) -> super::convert::JsFutureOf<Result<JsValue, Error>>>;

/// Reads the per-call options and runs `job` under them. Not generic: the
/// async plumbing every method shares exists once in the wasm (one copy per
/// command type cost about 2.5 KB each).
pub(crate) fn spawn_call(
    client: Rc<Inner>,
    endpoint: &'static str,
    job: Result<Job, Error>,
    options: JsValue,
) -> js_sys::Promise {
    super::convert::promise(Box::pin(async move {
        let mut per_call =
            parse_call_options(&options).map_err(|e| throw(&e.at(endpoint, None)))?;
        let job = job.map_err(|e| throw(&e.at(endpoint, None)))?;
        let report = std::sync::Arc::new(CallReport::default());
        per_call.core.report = Some(std::sync::Arc::clone(&report));
        let abort = per_call.abort;
        let js = abortable(abort.as_ref(), endpoint, job(per_call.core))
            .await
            .map_err(|e| throw_call(&client, abort.as_ref(), &e))?;
        attach_report(&js, &report);
        Ok(js)
    }))
}
