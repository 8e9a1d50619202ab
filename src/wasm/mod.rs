//! The JavaScript boundary: converts and delegates, no Tencent semantics here.
//!
//! - [`client`]: the `TimClient` class, one method per command.
//! - [`fetch`]: the `fetch`-based [`crate::transport::Transport`].
//! - [`signer`]: the host `userSig` callback as a [`crate::transport::Signer`].
//! - [`convert`]: values in and out of JS, and errors as real `Error`s.
//! - [`list`]: the async-iterable results of `listConversations` / `listContactGroupItems`.
//! - [`marks_in`]: mark sets from JS for `encodeStandardMark(s)`, without JSON for the plain shape.
//! - [`observe`]: the `onRequest` / `onResponse` / `onRetry` hooks.
//! - [`ratelimit`]: the shareable `RateLimiter` class.
//! - [`runtime`]: the clock (`Date.now`, `setTimeout`) and `AbortSignal` glue.

mod client;
mod convert;
mod fetch;
mod list;
mod marks_in;
mod observe;
pub(crate) mod ratelimit;
mod runtime;
mod signer;

use wasm_bindgen::prelude::*;

use convert::{from_js, small_to_js, throw, to_js};

/// Installs the panic hook once, when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Decodes a `StandardMark` bit string (MSB-first binary numeral; `""` = no mark).
///
/// @example
/// ```js
/// decodeStandardMark("1001");
/// // { star: true, unread: false, fold: false, hide: true, custom: [], value: 9n }
/// ```
/// @throws {TimError} `kind: "invalid_input"`, `field: "bits"` for a character
/// other than 0/1 or more than 64 digits.
#[wasm_bindgen(js_name = decodeStandardMark, unchecked_return_type = "Marks")]
pub fn decode_standard_mark(bits: &str) -> Result<JsValue, JsValue> {
    crate::marks::decode_standard_mark(bits)
        .map_err(|e| throw(&e))
        .and_then(|m| small_to_js(&m))
}

/// Encodes marks as a `StandardMark` string; the inverse of `decodeStandardMark`.
///
/// The result is the union of `value`, the flags set to `true` and the
/// `custom` bits (32..63); reserved bits 4..31 in `value` are preserved.
///
/// @example
/// ```js
/// encodeStandardMark({ star: true, custom: [32] }); // "100000000000000000000000000000001"
/// ```
/// @throws {TimError} `kind: "invalid_input"` naming the field at fault.
#[wasm_bindgen(js_name = encodeStandardMark)]
pub fn encode_standard_mark(
    #[wasm_bindgen(unchecked_param_type = "MarksInput")] marks: JsValue,
) -> Result<String, JsValue> {
    let input = marks_in::marks_input(marks).map_err(|e| throw(&e))?;
    crate::marks::encode_marks(&input).map_err(|e| throw(&e))
}

/// Decodes a whole page of `StandardMark` strings in one call (one boundary
/// crossing instead of one per mark).
///
/// @example
/// ```js
/// decodeStandardMarks(["1", "", "10"]).map((m) => m.star); // [true, false, false]
/// ```
/// @throws {TimError} `kind: "invalid_input"`, `field: "bits[i]"` for the first bad string.
#[wasm_bindgen(js_name = decodeStandardMarks, unchecked_return_type = "Marks[]")]
pub fn decode_standard_marks(
    #[wasm_bindgen(unchecked_param_type = "string[]")] bits: JsValue,
) -> Result<JsValue, JsValue> {
    let all: Vec<String> = from_js(bits, "bits").map_err(|e| throw(&e))?;
    let marks = crate::marks::decode_standard_marks(&all).map_err(|e| throw(&e))?;
    to_js(&marks)
}

/// Encodes a whole page of marks in one call; the inverse of `decodeStandardMarks`.
///
/// @throws {TimError} `kind: "invalid_input"`, `field: "marks[i]...."` for the first bad entry.
#[wasm_bindgen(js_name = encodeStandardMarks, unchecked_return_type = "string[]")]
pub fn encode_standard_marks(
    #[wasm_bindgen(unchecked_param_type = "MarksInput[]")] marks: JsValue,
) -> Result<JsValue, JsValue> {
    let all = marks_in::marks_inputs(marks).map_err(|e| throw(&e))?;
    let strings = crate::marks::encode_marks_batch(&all).map_err(|e| throw(&e))?;
    to_js(&strings)
}

/// Reads a UserSig without its key: who it is for and when it expires.
///
/// @example
/// ```js
/// const { identifier, expiresAt } = decodeUserSig(userSig);
/// ```
/// @throws {TimError} `kind: "invalid_input"`, `field: "userSig"` when it is
/// not a TLSSigAPIv2 ticket.
#[wasm_bindgen(js_name = decodeUserSig, unchecked_return_type = "UserSigInfo")]
pub fn decode_user_sig(user_sig: &str) -> Result<JsValue, JsValue> {
    crate::usersig::decode(user_sig)
        .map_err(|e| throw(&crate::Error::invalid("userSig", e.to_string())))
        .and_then(|info| small_to_js(&info))
}

fn in_browser() -> bool {
    let global = js_sys::global();
    let has = |k: &str| {
        js_sys::Reflect::get(&global, &JsValue::from_str(k)).is_ok_and(|v| !v.is_undefined())
    };
    has("window") && has("document") && !has("Deno")
}

fn key_options(options: &JsValue) -> Result<(u32, String, String), crate::Error> {
    if !options.is_object() {
        return Err(crate::Error::invalid("options", "is required (an object)"));
    }
    crate::sigcache::check_signing_environment(
        in_browser(),
        client::get(options, "dangerouslyAllowBrowser").is_truthy(),
    )?;
    let sdk_app_id = client::optional_u32(options, "sdkAppId")?
        .filter(|&n| n > 0)
        .ok_or_else(|| crate::Error::invalid("sdkAppId", "is required (the app's SDKAppID)"))?;
    let string = |key: &str| {
        client::get(options, key)
            .as_string()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| crate::Error::invalid(key, "is required (a non-empty string)"))
    };
    Ok((sdk_app_id, string("secretKey")?, string("identifier")?))
}

fn now_s() -> u32 {
    (js_sys::Date::now() / 1000.0) as u32
}

/// Mints a TLSSigAPIv2 UserSig with the app's SecretKey, for Node and Deno
/// scripts (and tests). Refuses to run in a browser, where the SecretKey
/// would be exposed, unless `dangerouslyAllowBrowser: true`.
///
/// @example
/// ```js
/// const tim = new TimClient({ sdkAppId, identifier: "administrator", region: "singapore",
///   userSig: (id) => genUserSig({ sdkAppId, secretKey: process.env.TIM_KEY, identifier: id }) });
/// ```
/// @throws {TimError} `kind: "invalid_input"` for a missing option, or
/// `field: "dangerouslyAllowBrowser"` in a browser.
#[wasm_bindgen(js_name = genUserSig)]
pub fn gen_user_sig(
    #[wasm_bindgen(unchecked_param_type = "GenUserSigOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let (sdk_app_id, key, identifier) = key_options(&options).map_err(|e| throw(&e))?;
    let expire = client::optional_u32(&options, "expire")
        .map_err(|e| throw(&e))?
        .unwrap_or(crate::usersig::DEFAULT_EXPIRE_S);
    let time = client::optional_u32(&options, "time")
        .map_err(|e| throw(&e))?
        .unwrap_or_else(now_s);
    Ok(crate::usersig::generate(
        &key,
        sdk_app_id,
        &identifier,
        time,
        expire,
    ))
}

/// Verifies a UserSig the way the server does (key, app, identifier,
/// expiry at `now`, Unix seconds, default the current time). Same browser
/// rule as `genUserSig`.
///
/// @throws {TimError} `kind: "invalid_input"`, `field: "userSig"`, `code`
/// = the server's code for the failure (70001 expired, 70009 wrong key, ...).
#[wasm_bindgen(js_name = verifyUserSig, unchecked_return_type = "UserSigInfo")]
pub fn verify_user_sig(
    #[wasm_bindgen(unchecked_param_type = "VerifyUserSigOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let (sdk_app_id, key, identifier) = key_options(&options).map_err(|e| throw(&e))?;
    let usersig = client::get(&options, "userSig")
        .as_string()
        .ok_or_else(|| throw(&crate::Error::invalid("userSig", "is required (a string)")))?;
    let now = client::optional_u32(&options, "now")
        .map_err(|e| throw(&e))?
        .unwrap_or_else(now_s);
    match crate::usersig::verify(&usersig, &key, sdk_app_id, &identifier, now) {
        Ok(info) => small_to_js(&info),
        Err(e) => {
            let err = throw(&crate::Error::invalid("userSig", e.to_string()));
            let _ = js_sys::Reflect::set(&err, &"code".into(), &JsValue::from_f64(e.code() as f64));
            Err(err)
        }
    }
}

/// True when `e` is an error thrown by this package.
#[wasm_bindgen(js_name = isTimError, unchecked_return_type = "e is TimError")]
pub fn is_tim_error(e: &JsValue) -> bool {
    convert::is_tim_error(e)
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `new TimClient(...)`. */
export interface TimClientOptions {
  /** The app's SDKAppID. */
  sdkAppId: number;
  /** The app-admin account every call is made as. */
  identifier: string;
  /**
   * Returns a UserSig for `identifier`, typically fetched from your backend.
   * Called when a UserSig is needed: once, then again shortly before the one it returned expires
   * (see `cacheUserSig`). May return a Promise. Never put the SecretKey in a browser.
   */
  userSig: (identifier: string) => string | Promise<string>;
  /** The app's data-centre region (ignored when `baseUrl` is given). */
  region?: Region;
  /** A proxy or the local emulator, e.g. `http://127.0.0.1:8080`. Plain http only for loopback unless `allowInsecureHttp`. */
  baseUrl?: string;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout in milliseconds (default 10000; 0 = none). */
  timeoutMs?: number;
  /** Allow a non-loopback `http://` baseUrl (the UserSig then travels in clear). */
  allowInsecureHttp?: boolean;
  /**
   * Retries with exponential back-off and jitter (default: 4 attempts, 200 ms base, 10 s cap).
   * `false` = one attempt (a 70001 / 70052 UserSig answer still gets one re-signed resend). Writes that are not idempotent (createContactGroup, delContactGroup,
   * updateContactGroup, snsGroupAdd, snsGroupDelete) are retried only when the request certainly
   * did not take effect, unless `retryNonIdempotent`.
   */
  retry?: RetryOptions | false;
  /**
   * Client-side pacing per endpoint: `{ callsPerSecond }` (default 200, the documented limit),
   * a shared `RateLimiter`, or `false` for none.
   */
  rateLimit?: { callsPerSecond?: number } | RateLimiter | false;
  /**
   * Cache the UserSig until shortly before it expires (read from the UserSig; default true).
   * A UserSig that cannot be decoded is never cached: it is asked for once per call.
   */
  cacheUserSig?: boolean;
  /** Called before each HTTP attempt (the UserSig is redacted from `url`). */
  onRequest?: (event: TimRequestEvent) => void;
  /** Called after each HTTP attempt, answered or failed. */
  onResponse?: (event: TimResponseEvent) => void;
  /** Called before each retry. */
  onRetry?: (event: TimRetryEvent) => void;
}

/** Retry settings of a `TimClient`. */
export interface RetryOptions {
  /** HTTP attempts per call, the first included (default 4; 1 = no retry). */
  maxAttempts?: number;
  /** First back-off delay in ms (default 200); doubles per retry, times a random 0.8..1.2. */
  baseDelayMs?: number;
  /** Longest back-off delay in ms (default 10000). */
  maxDelayMs?: number;
  /** Also retry non-idempotent writes after failures that may have been applied (default false). */
  retryNonIdempotent?: boolean;
}

/** Options of `new RateLimiter(...)`. */
export interface RateLimiterOptions {
  /** Calls per second per endpoint (default 200). */
  callsPerSecond?: number;
  /** Most calls sent back to back (default a tenth of `callsPerSecond`). */
  burst?: number;
}

/** The optional last argument of every method. */
export interface TimCallOptions {
  /** Abort the call: it rejects with a `TimError` of kind `"aborted"` and its fetch is aborted. */
  signal?: AbortSignal;
  /** Timeout of each HTTP attempt in ms, instead of the client's `timeoutMs` (0 = none). */
  timeoutMs?: number;
  /** searchContactGroup / markContact: chunks in flight at once (default 1, sequential). */
  concurrency?: number;
}

/** Options of `listConversations`. */
export interface ListConversationsOptions {
  /** Resume from a saved `cursor`. */
  cursor?: GetListCursor | null;
  pinned?: boolean;
  empty?: boolean;
  pinnedPaging?: boolean;
  assistFlags?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Options of `listContactGroupItems`. */
export interface ListContactGroupItemsOptions {
  /** Resume from a saved `cursor` (a `startIndex`). */
  cursor?: number | null;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Options of `collect`. */
export interface CollectOptions {
  /** At most this many items (default: all). */
  limit?: number;
}

/** `onRequest` argument. */
export interface TimRequestEvent {
  endpoint: string;
  /** The request URL with `usersig=***`. */
  url: string;
  body: string;
  random: number;
  /** 1 for the first attempt of a call, 2 for the first retry, ... */
  attempt: number;
}

/** `onResponse` argument. */
export interface TimResponseEvent {
  endpoint: string;
  random: number;
  attempt: number;
  /** HTTP status, when an answer arrived. */
  status?: number;
  durationMs: number;
  /** The failure of this attempt, if any. */
  error?: TimError;
}

/** `onRetry` argument. */
export interface TimRetryEvent {
  endpoint: string;
  /** The attempt that failed. */
  attempt: number;
  /** Wait before the next attempt (0 when re-signing after 70001 / 70052). */
  delayMs: number;
  error: TimError;
}

/** Options of `genUserSig`. */
export interface GenUserSigOptions {
  sdkAppId: number;
  /** The app's SecretKey: keep it on a server. */
  secretKey: string;
  identifier: string;
  /** Validity in seconds (default 86400). */
  expire?: number;
  /** Issue time, Unix seconds (default now). */
  time?: number;
  /** Allow running in a browser, where the SecretKey would be exposed (demos only). */
  dangerouslyAllowBrowser?: boolean;
}

/** Options of `verifyUserSig`. */
export interface VerifyUserSigOptions {
  userSig: string;
  sdkAppId: number;
  secretKey: string;
  identifier: string;
  /** Check expiry at this Unix time in seconds (default now). */
  now?: number;
  dangerouslyAllowBrowser?: boolean;
}

/**
 * What every method's result also carries, as non-enumerable properties (so they stay out of
 * `JSON.stringify`, spreads and deep-equality checks).
 */
export interface TimCallInfo {
  /** The `random` query value of the call's last request, to match the server's logs. */
  readonly random?: number;
  /** HTTP attempts the call took: retries and chunks included. */
  readonly attempts: number;
}

/** Which phase of a call failed. */
export type TimErrorKind =
  | "invalid_input" | "signing" | "transport" | "timeout" | "decode" | "api" | "aborted" | "pagination";

/** Every failure of this package: a real `Error` with `name === "TimError"`. Never contains the UserSig. */
export interface TimError extends Error {
  name: "TimError";
  /** Which phase failed: nothing was sent for `invalid_input` and `signing`. */
  kind: TimErrorKind;
  /** Tencent's `ErrorCode` (for `kind: "api"`). */
  code?: number;
  /** Tencent's `ErrorInfo` (for `kind: "api"`). */
  info?: string;
  /** Tencent's `ErrorDisplay` (for `kind: "api"`). */
  display?: string;
  /** The input field (`invalid_input`) or response JSON path (`decode`) at fault. */
  field?: string;
  /** HTTP status of a non-200 answer (`transport`). */
  status?: number;
  /** The endpoint, e.g. `v4/recentcontact/get_list`. */
  endpoint?: string;
  /** The request's `random` query value (of the last attempt), to match server logs. */
  random?: number;
  /** HTTP attempts made by the call (absent when nothing was sent). */
  attempts?: number;
  /** Back-off delays waited between the attempts, in ms. */
  delaysMs?: number[];
}
"#;

#[cfg(test)]
mod tests;
