//! The TypeScript of the package that wasm-bindgen and tsify do not generate:
//! the option objects, hook events and the error interface. It is appended to
//! the generated `.d.ts`; `scripts/lib/public-dts.mjs` then turns that into the
//! public declaration file (every optional property also accepts `undefined`,
//! wasm-bindgen's init API and internals removed, JSDoc required on every member).

use wasm_bindgen::prelude::*;

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
  /** A `fetch` to use instead of the global one (`globalThis.fetch` fits; see `TimFetch`). */
  fetch?: TimFetch;
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
   * Client-side pacing per endpoint: `{ callsPerSecond, burst }` (default 200, the documented limit),
   * a shared `RateLimiter`, a limiter of your own shared beyond this process (`TimRateLimiter`:
   * any object with an `acquire` function), or `false` for none.
   */
  rateLimit?: RateLimiterOptions | RateLimiter | TimRateLimiter | false;
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
  /**
   * Called when a `TimRateLimiter` with `whenDown: "local"` failed and the attempt is paced by the
   * client's own fallback bucket instead (50 calls/s per endpoint, burst 5).
   */
  onLimiterDown?: (event: TimLimiterDownEvent) => void;
  /**
   * Fail over to a backup host when the primary cannot be reached (a DNS or connect failure:
   * nothing was sent). Absent or `true` = the region's backup host (none with `baseUrl`);
   * `false` = never; an object to choose the backup host or the cool-down.
   */
  failover?: FailoverOptions | boolean;
}

/** The `failover` option of a `TimClient`. */
export interface FailoverOptions {
  /** The backup base URL (default: the region's backup host). */
  backupUrl?: string;
  /** How long to stay on the backup before trying the primary again, in ms (default 60000). */
  coolDownMs?: number;
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

/**
 * A rate limiter of your own, shared beyond one process (e.g. a token bucket in a store every
 * process of the app uses): pass it as `rateLimit`. Its only keys are `acquire` and `whenDown`
 * (an unknown key is an error; a class instance may keep its state in `#private` fields).
 *
 * @example
 * ```js
 * const shared = { acquire: (endpoint, { signal }) => myStore.takeToken(endpoint, { signal }), whenDown: "local" };
 * const tim = new TimClient({ ...options, rateLimit: shared });
 * ```
 */
export interface TimRateLimiter {
  /**
   * Called before each HTTP attempt (retries included) with its endpoint; the attempt is sent
   * when it returns or its Promise resolves. A throw or rejection is a `TimError` of kind
   * `"rate_limit"` (nothing sent, `cause` = what it threw), or under `whenDown: "local"` the
   * fallback pacing. The call's `timeoutMs` bounds the wait (then `kind: "timeout"`, nothing sent).
   * `signal` aborts when the attempt stops waiting: the call's signal fired, its timeout ran out,
   * or the call was dropped.
   */
  acquire(endpoint: TimEndpoint, options: TimAcquireOptions): Promise<void> | void;
  /**
   * When `acquire` throws or rejects (the limiter is down): `"fail"` (default) fails the call with
   * `kind: "rate_limit"`; `"local"` paces that attempt with the client's own token bucket at a
   * quarter of the limit (50 calls/s per endpoint, burst 5) and calls `onLimiterDown`.
   */
  whenDown?: "fail" | "local";
}

/** The second argument of `TimRateLimiter.acquire`. */
export interface TimAcquireOptions {
  /** Aborted when the attempt stops waiting (the call's signal, its timeout, or the call dropped). */
  signal?: AbortSignal;
}

/** `onLimiterDown` argument. */
export interface TimLimiterDownEvent {
  /** The command of the attempt, e.g. `v4/recentcontact/get_list`. */
  endpoint: TimEndpoint;
  /** The limiter's failure: `kind: "rate_limit"`, with what `acquire` threw as its `cause`. */
  error: TimError;
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
  /** Serve pinned conversations first and flag them (default true); as `getList`'s `pinned`. */
  pinned?: boolean;
  /** Include conversations without messages (default true); as `getList`'s `empty`. */
  empty?: boolean;
  /** Page pinned conversations too (default true); as `getList`'s `pinnedPaging`. */
  pinnedPaging?: boolean;
  /** Raw `AssistFlags`, overriding the three options above; as `getList`'s `assistFlags`. */
  assistFlags?: number;
  /** Abort the listing: the pending `next()` rejects with a `TimError` of kind `"aborted"`. */
  signal?: AbortSignal;
  /** Timeout of each HTTP attempt in ms, instead of the client's `timeoutMs` (0 = none). */
  timeoutMs?: number;
}

/** Options of `listContactGroupItems`. */
export interface ListContactGroupItemsOptions {
  /** Resume from a saved `cursor` (a `startIndex`). */
  cursor?: number | null;
  /** Abort the listing: the pending `next()` rejects with a `TimError` of kind `"aborted"`. */
  signal?: AbortSignal;
  /** Timeout of each HTTP attempt in ms, instead of the client's `timeoutMs` (0 = none). */
  timeoutMs?: number;
}

/** Options of `listFriends`. */
export interface ListFriendsOptions {
  /** Resume from a saved `cursor` (a `startIndex`). */
  cursor?: number | null;
  /** Abort the listing: the pending `next()` rejects with a `TimError` of kind `"aborted"`. */
  signal?: AbortSignal;
  /** Timeout of each HTTP attempt in ms, instead of the client's `timeoutMs` (0 = none). */
  timeoutMs?: number;
}

/** Options of `collect`. */
export interface CollectOptions {
  /** At most this many items (default: all). */
  limit?: number;
}

/** `onRequest` argument. */
export interface TimRequestEvent {
  /** The command, e.g. `v4/recentcontact/get_list`. */
  endpoint: TimEndpoint;
  /** The request URL with `usersig=***`. */
  url: string;
  /** The JSON request body, as sent. */
  body: string;
  /** The request's `random` query value (new for each attempt), to match server logs. */
  random: number;
  /** 1 for the first attempt of a call, 2 for the first retry, ... */
  attempt: number;
}

/** `onResponse` argument. */
export interface TimResponseEvent {
  /** The command, e.g. `v4/recentcontact/get_list`. */
  endpoint: TimEndpoint;
  /** The request's `random` query value, as in its `onRequest` event. */
  random: number;
  /** Which attempt of the call (1 = the first). */
  attempt: number;
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** Time from sending to the answer (or the failure), in ms. */
  durationMs: number;
  /** The failure of this attempt, if any. */
  error?: TimError;
}

/** `onRetry` argument. */
export interface TimRetryEvent {
  /** The command, e.g. `v4/recentcontact/get_list`. */
  endpoint: TimEndpoint;
  /** The attempt that failed. */
  attempt: number;
  /** Wait before the next attempt (0 when re-signing after 70001 / 70052). */
  delayMs: number;
  /** Why the attempt failed. */
  error: TimError;
}

/** Options of `genUserSig`. */
export interface GenUserSigOptions {
  /** The app's SDKAppID. */
  sdkAppId: number;
  /** The app's SecretKey: keep it on a server. */
  secretKey: string;
  /** The account the UserSig is for (the app admin, for this client). */
  identifier: string;
  /** Validity in seconds (default 86400). */
  expire?: number;
  /** Issue time, Unix seconds (default now). */
  time?: number;
  /** Allow the Node build, loaded into a browser, to run there (demos only); the browser build (`index.web.js`) has no minting at all. */
  dangerouslyAllowBrowser?: boolean;
}

/** Options of `verifyUserSig`. */
export interface VerifyUserSigOptions {
  /** The UserSig to check. */
  userSig: string;
  /** The app it must have been issued for. */
  sdkAppId: number;
  /** The app's SecretKey: keep it on a server. */
  secretKey: string;
  /** The account it must have been issued for. */
  identifier: string;
  /** Check expiry at this Unix time in seconds (default now). */
  now?: number;
  /** Allow the Node build, loaded into a browser, to run there (demos only); the browser build (`index.web.js`) has no minting at all. */
  dangerouslyAllowBrowser?: boolean;
}

/** Every mark set the package returns also has this (not enumerable). */
export interface Marks {
  /**
   * The mark set as its `StandardMark` bit string (`"1001"`; `""` = no mark), so `JSON.stringify`
   * of a page works; every input that takes a mark set also takes this string.
   */
  toJSON(): string;
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
  /** The host (`host[:port]`) the call's last request went to: after a failover, the backup. */
  readonly host?: string;
}

/** The REST commands this client calls: the `endpoint` of errors and hook events. */
export type TimEndpoint =
  | "v4/recentcontact/get_list"
  | "v4/recentcontact/delete"
  | "v4/recentcontact/create_contact_group"
  | "v4/recentcontact/del_contact_group"
  | "v4/recentcontact/update_contact_group"
  | "v4/recentcontact/search_contact_group"
  | "v4/recentcontact/get_contact_group"
  | "v4/recentcontact/mark_contact"
  | "v4/sns/group_add"
  | "v4/sns/group_delete"
  | "v4/sns/group_get"
  | "v4/sns/friend_get";

/**
 * A `fetch` function as the client calls it: `globalThis.fetch` of browsers, Node (>= 18) and
 * Deno fits, and so does a stub. Declared here so the types need no DOM lib.
 */
export type TimFetch = (url: string, init: TimFetchInit) => Promise<TimFetchResponse> | TimFetchResponse;

/** The second argument a custom `fetch` receives: always a POST of a JSON body. */
export interface TimFetchInit {
  /** Always `"POST"`. */
  method: "POST";
  /** `{ "Content-Type": "application/json" }`. */
  headers: Record<string, string>;
  /** The JSON request body. */
  body: string;
  /** Aborted on timeout, on the call's own `signal`, or when the call is dropped. */
  signal: AbortSignal;
}

/** What a custom `fetch` must resolve to: the part of a `Response` the client reads. */
export interface TimFetchResponse {
  /** The HTTP status. */
  readonly status: number;
  /** The body bytes (read for every answer, whatever its status). */
  arrayBuffer(): Promise<ArrayBufferLike | ArrayBufferView> | ArrayBufferLike | ArrayBufferView;
}

/** A friend group of a `snsGroupGet` with `needFriends: true`: its friends are listed. */
export interface FriendGroupWithFriends extends FriendGroup {
  /** Its friends' UserIDs. */
  friends: string[];
}

/** Result of `snsGroupGet` with `needFriends: true`: every group lists its friends. */
export interface SnsGroupGetResultWithFriends extends SnsGroupGetResult {
  /** The friend groups, each with its friends. */
  groups: FriendGroupWithFriends[];
}

/** Which phase of a call failed. */
export type TimErrorKind =
  | "invalid_input" | "signing" | "rate_limit" | "transport" | "timeout" | "decode" | "api" | "aborted" | "pagination";

/** Every failure of this package: a real `Error` with `name === "TimError"`. Never contains the UserSig. */
export interface TimError extends Error {
  /** Always `"TimError"`. */
  name: "TimError";
  /** Which phase failed: nothing was sent for `invalid_input`, `signing` and `rate_limit`. */
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
  /** The command that failed, e.g. `v4/recentcontact/get_list` (absent when no call was made). */
  endpoint?: TimEndpoint;
  /** The request's `random` query value (of the last attempt), to match server logs. */
  random?: number;
  /** HTTP attempts made by the call (absent when nothing was sent). */
  attempts?: number;
  /** Back-off delays waited between the attempts, in ms. */
  delaysMs?: number[];
  /**
   * True when making the same call again later may succeed under the client's retry policy
   * (a transient failure, and for a write that is not idempotent, one that certainly took no
   * effect). The client has already retried as far as its policy allows.
   */
  retryable: boolean;
  /** The host (`host[:port]`) the call's last request went to: after a failover, the backup. */
  host?: string;
  /**
   * The underlying failure, when there is one: the `fetch` error (a refused connection and a
   * DNS failure look different), the signer's own error, what a `TimRateLimiter`'s `acquire`
   * threw, or the abort reason.
   */
  cause?: unknown;
}
"#;
