// @ts-check
// Presentation only: turns a TimError's fields (kind, code, field, info, status, endpoint, random)
// into plain words for the operator. Nothing here decides anything about the data.

/** @typedef {import("tim-contacts").TimError} TimError */
/** @typedef {import("tim-contacts").TimErrorKind} TimErrorKind */

/**
 * Advice per Tencent `ErrorCode` (envelope codes and per-item `ResultCode`s).
 * @type {Record<number, { what: string, todo: string }>}
 */
export const CODE_ADVICE = {
  50001: { what: "No such user in this app.", todo: "Check the user ID (it is case-sensitive) and the SDKAppID you are connected to." },
  30003: { what: "No such user in this app (friend service).", todo: "Check the user ID and the SDKAppID you are connected to." },
  50002: { what: "The request was refused as invalid (for example a group name that already exists).", todo: "Read the server's message below, change the value and try again." },
  30001: { what: "The friend-group request was refused as invalid (for example an unknown or duplicate group name).", todo: "Reload the friend groups and check the names." },
  51006: { what: "Too many (or no) conversations in one mark call.", todo: "Select at least one conversation (the client sends them 100 per call)." },
  51008: { what: "The 1000-conversation cap is reached: at most 1000 conversations may carry marks or groups.", todo: "Clear marks or remove conversations from groups first, then retry. Nothing was applied." },
  51009: { what: "The conversation group does not exist.", todo: "It was probably deleted or renamed elsewhere (another tab or admin). The groups have been reloaded: pick one from the current list." },
  51010: { what: "Too many conversation groups: a user has at most 20.", todo: "Delete a group you no longer need, then create the new one." },
  51011: { what: "The group name is too long.", todo: "Use at most 64 bytes (non-ASCII letters take 2–4 bytes each)." },
  30011: { what: "Too many friend groups: a user has at most 32.", todo: "Delete a friend group first." },
  32216: { what: "Not a friend of this user.", todo: "Only friends can be put into a friend group." },
  60007: { what: "Throttled: too many REST calls per second.", todo: "Wait a second or two and try again; scroll more slowly through large lists." },
  60018: { what: "Throttled: the app's request frequency limit was hit.", todo: "Wait a moment and try again." },
  60003: { what: "The request body was refused (too large or not JSON).", todo: "Try with fewer items." },
  60010: { what: "The identifier is not an app administrator.", todo: "Connect with an app-admin account (e.g. `administrator`)." },
  70001: { what: "The UserSig has expired.", todo: "Get a fresh one: press Connect again (signing endpoint) or paste a new UserSig." },
  70002: { what: "The UserSig is empty.", todo: "Paste a UserSig or configure a signing endpoint, then Connect." },
  70003: { what: "The UserSig is malformed.", todo: "Paste the whole UserSig string again, or use your signing endpoint." },
  70009: { what: "The UserSig was signed with a different SecretKey.", todo: "Check that your signing backend uses this app's key." },
  70013: { what: "The UserSig belongs to a different identifier.", todo: "Make the identifier field match the account the UserSig was issued for." },
  70014: { what: "The UserSig belongs to a different SDKAppID.", todo: "Check the SDKAppID field." },
  60006: { what: "The SDKAppID is not the server's.", todo: "Check the SDKAppID field." },
};

/** @type {Record<TimErrorKind, { what: string, todo: string }>} */
export const KIND_ADVICE = {
  invalid_input: { what: "The input was refused before anything was sent.", todo: "Fix the field named below and try again." },
  signing: { what: "No UserSig could be obtained, so nothing was sent.", todo: "Check the signing endpoint (it must answer {\"userSig\": \"...\"}) or paste a UserSig." },
  rate_limit: { what: "The shared rate limiter could not be reached, so nothing was sent.", todo: "Check the limiter's store (e.g. Redis), or pace locally (rateLimit whenDown: \"local\"), then try again." },
  transport: { what: "The server could not be reached or answered with an HTTP error.", todo: "Check the base URL and that the server is up." },
  timeout: { what: "The server did not answer in time.", todo: "Check that the server is up and not overloaded." },
  decode: { what: "The server's answer was not the documented JSON.", todo: "Check that the base URL points at the IM REST API (not a proxy's error page)." },
  api: { what: "The server refused the request.", todo: "See the code below." },
  aborted: { what: "The request was cancelled.", todo: "Nothing to fix: start it again when needed." },
  pagination: { what: "The server's paging did not advance, so listing stopped instead of looping.", todo: "Retry later; if it persists, report the user ID to the service." },
};

/**
 * Advice for an `invalid_input` field (matched on its name).
 * @param {string} field
 * @returns {string | undefined}
 */
function fieldAdvice(field) {
  if (/^(groupName|newName)$/.test(field)) return "Group names must be non-empty and at most 64 bytes.";
  if (field === "fromAccount") return "Enter the user ID to look up.";
  if (field === "items") return "Select at least one conversation for a mark change.";
  if (/^items\[\d+\]\.(set|clear)/.test(field)) return "Custom mark bits are 32..63; bits 4..31 are reserved.";
  if (field === "conversations") return "Select at least one conversation.";
  if (/^(baseUrl|allowInsecureHttp)$/.test(field)) return "Use https://, or plain http:// only for a loopback address (the local emulator).";
  if (field === "sdkAppId") return "The SDKAppID is a positive number from the IM console.";
  if (field === "identifier") return "Enter the app-admin account (e.g. administrator).";
  if (field === "userSig") return "That is not a UserSig (TLSSigAPIv2 ticket): paste the whole string.";
  return undefined;
}

/**
 * @param {number} code
 * @returns {string}
 */
export function codeWords(code) {
  const a = CODE_ADVICE[code];
  return a ? `${a.what} ${a.todo}` : "";
}

/**
 * @typedef {object} Explained
 * @property {string} title   one line: what went wrong
 * @property {string} advice  what to do
 * @property {[string, string][]} facts  label / value pairs from the error's fields
 */

/** Kinds after which a write's fate is unknown (it may have reached the server). */
const UNCERTAIN = new Set(["transport", "timeout", "aborted"]);

/**
 * Explains any thrown value; TimErrors by their fields. `write` says whether the failed call was
 * a write: only then can a transport failure, a timeout or an abort have changed anything.
 * @param {unknown} e
 * @param {(e: unknown) => boolean} isTimError
 * @param {{ write?: boolean }} [context]
 * @returns {Explained}
 */
export function explain(e, isTimError, context = {}) {
  if (!isTimError(e)) {
    const msg = e instanceof Error ? e.message : String(e);
    return { title: "Unexpected error", advice: "This is not an error of the SDK; reload the page.", facts: [["message", msg]] };
  }
  const err = /** @type {TimError} */ (e);
  /** @type {[string, string][]} */
  const facts = [["kind", err.kind]];
  if (err.code !== undefined) facts.push(["code", String(err.code)]);
  if (err.field) facts.push(["field", err.field]);
  if (err.status !== undefined) facts.push(["HTTP status", String(err.status)]);
  if (err.info) facts.push(["server said", err.info]);
  if (err.display) facts.push(["display", err.display]);
  if (err.kind !== "api") facts.push(["details", err.message]);
  if (err.endpoint) facts.push(["endpoint", err.endpoint]);
  if (err.random !== undefined) facts.push(["random", String(err.random)]);

  const byCode = err.code !== undefined ? CODE_ADVICE[err.code] : undefined;
  const byKind = KIND_ADVICE[err.kind] ?? KIND_ADVICE.api;
  let title = byCode ? byCode.what : byKind.what;
  let advice = byCode ? byCode.todo : byKind.todo;
  if (err.kind === "api" && !byCode) title = `The server refused the request (code ${err.code ?? "?"}).`;
  if (err.kind === "api" && !byCode) advice = "Look the code up in Tencent's error code list; the server's message is below.";
  if (err.kind === "invalid_input" && err.field) {
    title = `Invalid ${err.field}: nothing was sent.`;
    advice = fieldAdvice(err.field) ?? byKind.todo;
  }
  if (err.kind === "transport" && err.status !== undefined) title = `The server answered HTTP ${err.status}.`;
  if (UNCERTAIN.has(err.kind)) {
    advice += context.write
      ? " The write may have been applied: reload before retrying."
      : " Nothing was changed (this was a read): retry when the server answers.";
  }
  return { title, advice, facts };
}
