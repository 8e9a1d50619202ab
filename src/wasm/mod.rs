//! The JavaScript boundary: converts and delegates, no Tencent semantics here.
//!
//! - [`client`]: the `TimClient` class, one method per command.
//! - [`fetch`]: the `fetch`-based [`crate::transport::Transport`].
//! - [`signer`]: the host `userSig` callback as a [`crate::transport::Signer`].
//! - [`convert`]: values in and out of JS, and errors as real `Error`s.

mod client;
mod convert;
mod fetch;
mod signer;

use wasm_bindgen::prelude::*;

use crate::marks::MarksInput;
use convert::{from_js, throw, to_js};

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
        .and_then(|m| to_js(&m))
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
    let input: MarksInput = from_js(marks, "marks").map_err(|e| throw(&e))?;
    crate::marks::encode_marks(&input).map_err(|e| throw(&e))
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
        .and_then(|info| to_js(&info))
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
   * Called before each request; may return a Promise. Never put the SecretKey in a browser.
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
}

/** Which phase of a call failed. */
export type TimErrorKind = "invalid_input" | "signing" | "transport" | "timeout" | "decode" | "api";

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
  /** The request's `random` query value, to match server logs. */
  random?: number;
}
"#;

#[cfg(test)]
mod tests;
