// @ts-check
// What the console can start before the package's wasm is ready: the page loads this module
// first (it imports nothing, so it runs as soon as the page is parsed) and app.js imports the same
// instance. With `?user=` in the URL, the first UserSig is asked of the default signing endpoint
// here, while the wasm is still downloading and compiling; the console's signer takes that answer
// for its first call (same endpoint and identifier) instead of asking again.

const params = new URLSearchParams(location.search);

/** The emulator (or service) base URL the console connects to by default. */
export const EMULATOR = (params.get("emulator") ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
/** The default admin identifier. */
export const IDENTIFIER = params.get("identifier") ?? "administrator";
/** The default signing endpoint. */
export const SIGN_ENDPOINT = `${EMULATOR}/__control/usersig`;

/** @type {{ endpoint: string, identifier: string, answer: Promise<Response | null> } | null} */
let early = params.get("user")
  ? {
    endpoint: SIGN_ENDPOINT,
    identifier: IDENTIFIER,
    // A failure here is not reported: the signer asks again and reports its own.
    answer: fetch(SIGN_ENDPOINT, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identifier: IDENTIFIER }),
    }).then((r) => (r.ok ? r : null), () => null),
  }
  : null;

/**
 * The early answer of `endpoint` for `identifier`, once (null when there is none, it failed, or it
 * was for another endpoint or identifier).
 * @param {string} endpoint @param {string} identifier
 */
export async function takeEarlySig(endpoint, identifier) {
  const e = early;
  early = null;
  if (!e || e.endpoint !== endpoint || e.identifier !== identifier) return null;
  return e.answer;
}
