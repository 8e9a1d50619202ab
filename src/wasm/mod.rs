//! The JavaScript boundary: converts and delegates, no Tencent semantics here.
//!
//! - [`client`]: the `TimClient` class, one method per command (from the table in `crate::api`).
//! - [`call`]: one call's options, promise, result report and error (shared with [`list`]).
//! - [`args`]: reading arguments and option objects safely (wrong types, traps, unknown keys).
//! - [`fetch`]: the `fetch`-based [`crate::transport::Transport`].
//! - [`signer`]: the host `userSig` callback as a [`crate::transport::Signer`].
//! - [`convert`]: values in and out of JS, and errors as real `Error`s.
//! - [`limiter`]: a host rate limiter (`rateLimit: { acquire }`) and the `onLimiterDown` hook.
//! - [`list`]: the async-iterable results of `listConversations` / `listContactGroupItems`.
//! - [`marks_in`]: mark sets from JS for `encodeStandardMark(s)`, without JSON for the plain shape.
//! - [`observe`]: the `onRequest` / `onResponse` / `onRetry` hooks.
//! - [`ratelimit`]: the shareable `RateLimiter` class.
//! - [`runtime`]: the clock (`Date.now`, `setTimeout`) and `AbortSignal` glue.

mod args;
mod bulk;
mod call;
mod client;
mod convert;
mod limiter;
mod list;
mod marks_in;
mod observe;
pub(crate) mod ratelimit;
mod runtime;
mod signer;

use wasm_bindgen::prelude::*;

use convert::{from_js, small_to_js, throw, to_js};

/// The allocator of the npm package: talc, 2.4 KB gzip smaller than std's
/// dlmalloc in the size build (issue 20), no `unsafe` here. Only the JS layer
/// sets it, so a Rust program using the crate keeps its own choice.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

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
pub fn decode_standard_mark(
    #[wasm_bindgen(unchecked_param_type = "string")] bits: JsValue,
) -> Result<JsValue, JsValue> {
    args::string_arg(&bits, "bits")
        .and_then(|bits| crate::marks::decode_standard_mark(&bits))
        .map_err(|e| throw(&e))
        .and_then(|m| convert::marks_to_js(&m))
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
    #[wasm_bindgen(unchecked_param_type = "MarksInput | string")] marks: JsValue,
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
    #[wasm_bindgen(unchecked_param_type = "(MarksInput | string)[]")] marks: JsValue,
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
pub fn decode_user_sig(
    #[wasm_bindgen(unchecked_param_type = "string")] user_sig: JsValue,
) -> Result<JsValue, JsValue> {
    args::string_arg(&user_sig, "userSig")
        .and_then(|sig| {
            crate::usersig::decode(&sig)
                .map_err(|e| crate::Error::invalid("userSig", e.to_string()))
        })
        .map_err(|e| throw(&e))
        .and_then(|info| small_to_js(&info))
}

fn in_browser() -> bool {
    let global = js_sys::global();
    let has = |k: &str| {
        js_sys::Reflect::get(&global, &JsValue::from_str(k)).is_ok_and(|v| !v.is_undefined())
    };
    has("window") && has("document") && !has("Deno")
}

const GEN_KEYS: &[&str] = &[
    "sdkAppId",
    "secretKey",
    "identifier",
    "expire",
    "time",
    "dangerouslyAllowBrowser",
];
const VERIFY_KEYS: &[&str] = &[
    "userSig",
    "sdkAppId",
    "secretKey",
    "identifier",
    "now",
    "dangerouslyAllowBrowser",
];

fn key_options(o: &args::Opts) -> Result<(u32, String, String), crate::Error> {
    crate::sigcache::check_signing_environment(
        in_browser(),
        o.bool("dangerouslyAllowBrowser")?.unwrap_or(false),
    )?;
    let sdk_app_id = o
        .u32("sdkAppId")?
        .filter(|&n| n > 0)
        .ok_or_else(|| crate::Error::invalid("sdkAppId", "is required (the app's SDKAppID)"))?;
    let string = |key: &str| {
        o.string(key)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| crate::Error::invalid(key, "is required (a non-empty string)"))
    };
    Ok((sdk_app_id, string("secretKey")?, string("identifier")?))
}

/// False in the size build (`index.web.js`: browsers, bundlers, workers), which
/// `scripts/build` compiles with `TIM_CONTACTS_NO_MINTING` set: SecretKey
/// minting is left out of what a browser loads (issue 20, 5.4 KB gzip), where
/// the SecretKey must never be. Node (`index.node.js`) and Deno
/// (`index.deno.js`), server runtimes, load the speed build, which mints.
const MINTING: bool = option_env!("TIM_CONTACTS_NO_MINTING").is_none();

/// Refuses `genUserSig` / `verifyUserSig` in a build without minting (the
/// options are read first, so a misspelt key is still named).
fn minting_here(what: &str) -> Result<(), crate::Error> {
    if MINTING {
        return Ok(());
    }
    Err(crate::Error::invalid(
        "dangerouslyAllowBrowser",
        format!(
            "{what} is not in the browser build (index.web.js): the SecretKey must stay on a \
             server; mint UserSigs in Node or Deno and hand them to the browser"
        ),
    ))
}

fn now_s() -> u32 {
    (js_sys::Date::now() / 1000.0) as u32
}

/// Mints a TLSSigAPIv2 UserSig with the app's SecretKey, for Node and Deno
/// scripts (and tests). Not in the browser build (`index.web.js`), where the
/// SecretKey would be exposed: there it always throws. The Node build loaded
/// into a browser refuses too, unless `dangerouslyAllowBrowser: true`.
///
/// @example
/// ```js
/// const tim = new TimClient({ sdkAppId, identifier: "administrator", region: "singapore",
///   userSig: (id) => genUserSig({ sdkAppId, secretKey: process.env.TIM_KEY, identifier: id }) });
/// ```
/// @throws {TimError} `kind: "invalid_input"` for a missing option, or
/// `field: "dangerouslyAllowBrowser"` in a browser (always with `index.web.js`).
#[wasm_bindgen(js_name = genUserSig)]
pub fn gen_user_sig(
    #[wasm_bindgen(unchecked_param_type = "GenUserSigOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let read = || -> Result<String, crate::Error> {
        let o = args::Opts::required(&options, "options", GEN_KEYS)?;
        minting_here("genUserSig")?;
        let (sdk_app_id, key, identifier) = key_options(&o)?;
        let expire = o.u32("expire")?.unwrap_or(crate::usersig::DEFAULT_EXPIRE_S);
        let time = o.u32("time")?.unwrap_or_else(now_s);
        Ok(crate::usersig::generate(
            &key,
            sdk_app_id,
            &identifier,
            time,
            expire,
        ))
    };
    read().map_err(|e| throw(&e))
}

/// Verifies a UserSig the way the server does (key, app, identifier,
/// expiry at `now`, Unix seconds, default the current time). Same browser
/// rule as `genUserSig` (not in the browser build).
///
/// @throws {TimError} `kind: "invalid_input"`, `field: "userSig"`, `code`
/// = the server's code for the failure (70001 expired, 70009 wrong key, ...).
#[wasm_bindgen(js_name = verifyUserSig, unchecked_return_type = "UserSigInfo")]
pub fn verify_user_sig(
    #[wasm_bindgen(unchecked_param_type = "VerifyUserSigOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let read = || -> Result<_, crate::Error> {
        let o = args::Opts::required(&options, "options", VERIFY_KEYS)?;
        minting_here("verifyUserSig")?;
        let (sdk_app_id, key, identifier) = key_options(&o)?;
        let usersig = o
            .string("userSig")?
            .ok_or_else(|| crate::Error::invalid("userSig", "is required (a string)"))?;
        let now = o.u32("now")?.unwrap_or_else(now_s);
        Ok((usersig, key, sdk_app_id, identifier, now))
    };
    let (usersig, key, sdk_app_id, identifier, now) = read().map_err(|e| throw(&e))?;
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
pub fn is_tim_error(#[wasm_bindgen(unchecked_param_type = "unknown")] e: JsValue) -> bool {
    convert::is_tim_error(&e)
}

mod ts_types;

#[cfg(test)]
mod tests;
