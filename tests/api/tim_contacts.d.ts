/* tslint:disable */
/* eslint-disable */

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


/**
 * A Tencent Cloud IM data-centre region.
 */
export type Region = "china" | "singapore" | "seoul" | "frankfurt" | "mumbai" | "siliconValley" | "jakarta" | "tokyo" | "riyadh";

/**
 * A conversation group (a folder of conversations).
 */
export interface ContactGroup {
    /**
     * The group's name.
     */
    name: string;
    /**
     * The group's numeric id (as listed in `groupIds` of a conversation).
     */
    id: number;
}

/**
 * A conversation's group and mark data (`get_contact_group`, `search_contact_group`).
 */
export interface ContactData {
    /**
     * Which conversation.
     */
    conversation: ConversationRef;
    /**
     * The raw `StandardMark` string as received (`""` when none).
     */
    standardMark: string;
    /**
     * The decoded marks.
     */
    marks: Marks;
    /**
     * The app's custom mark, when set.
     */
    customMark?: string;
    /**
     * Ids of the conversation groups holding this conversation.
     */
    groupIds: number[];
    /**
     * Last change of this data, Unix seconds.
     */
    timestamp?: number;
}

/**
 * A conversation: with a user (`c2c`) or in a group (`group`).
 */
export type ConversationRef = { type: "c2c"; userId: string } | { type: "group"; groupId: string };

/**
 * A decoded mark set.
 *
 * `value` is the whole 64-bit set (a `bigint` in JavaScript); the named
 * booleans and `custom` are views of it. Bits 4..=31 (reserved by Chat) are
 * only visible in `value`, and are preserved by every operation.
 */
export interface Marks {
    /**
     * Bit 0: starred / favourite.
     */
    star: boolean;
    /**
     * Bit 1: marked unread (a flag only; real unread counts are unaffected).
     */
    unread: boolean;
    /**
     * Bit 2: folded / collapsed.
     */
    fold: boolean;
    /**
     * Bit 3: hidden.
     */
    hide: boolean;
    /**
     * The set app-defined bits, ascending, each in 32..=63.
     */
    custom: number[];
    /**
     * The whole 64-bit mark set.
     */
    value: bigint;
}

/**
 * A friend group.
 */
export interface FriendGroup {
    /**
     * The group's name.
     */
    name: string;
    /**
     * How many friends it holds.
     */
    friendCount: number;
    /**
     * Its friends' UserIDs (only when `needFriends` was asked).
     */
    friends?: string[];
}

/**
 * A mark to set or clear: a built-in name or a custom bit 32..=63.
 */
export type MarkName = BuiltinMark | number;

/**
 * A page of `getContactGroup`.
 */
export interface ContactGroupPage {
    /**
     * Conversations with group or mark data.
     */
    items: ContactData[];
    /**
     * The user's conversation groups.
     */
    groups: ContactGroup[];
    /**
     * True on the last page.
     */
    complete: boolean;
    /**
     * Where the next page starts (absent when the server sent none).
     */
    nextStartIndex?: number;
}

/**
 * A page of `getList`.
 */
export interface GetListPage {
    /**
     * The conversations of this page, in server order.
     */
    items: Conversation[];
    /**
     * True on the last page (`CompleteFlag` 1).
     */
    complete: boolean;
    /**
     * The cursor for the next page (as returned, even on the last page).
     */
    nextCursor: GetListCursor;
}

/**
 * One conversation of a `getList` page.
 */
export interface Conversation {
    /**
     * Which conversation.
     */
    conversation: ConversationRef;
    /**
     * Time of the conversation's last message (Unix seconds).
     */
    msgTime: number;
    /**
     * Pinned (`TopFlag` 1).
     */
    pinned: boolean;
    /**
     * The raw `StandardMark`, when the server attached one.
     */
    standardMark?: string;
    /**
     * The decoded marks, when the server attached them.
     */
    marks?: Marks;
    /**
     * The custom mark, when set.
     */
    customMark?: string;
    /**
     * Ids of the conversation groups holding it (empty when none or not asked).
     */
    groupIds: number[];
}

/**
 * One conversation's mark change in `markContact`.
 *
 * `set` and `clear` change standard marks; or `target` names the whole mark
 * set wanted, and the client reads the current marks and sends the
 * difference (reserved bits 4..31 are never written). `customMark` replaces
 * the custom mark (`""` clears it). The SDK derives `OptType` from what is given.
 */
export interface MarkChange {
    /**
     * Which conversation.
     */
    conversation: ConversationRef;
    /**
     * Marks to set.
     */
    set?: MarkName[];
    /**
     * Marks to clear.
     */
    clear?: MarkName[];
    /**
     * New custom mark (at most 256 bytes; `""` clears it).
     */
    customMark?: string;
    /**
     * The mark set wanted (instead of `set` / `clear`).
     */
    target?: MarksInput;
}

/**
 * One conversation's outcome in `updateContactGroup`.
 */
export interface GroupChangeOutcome {
    /**
     * Added or removed.
     */
    change: GroupChange;
    /**
     * Which conversation.
     */
    conversation: ConversationRef;
    /**
     * True when `code` is 0.
     */
    ok: boolean;
    /**
     * The per-item `ResultCode` (0 = applied).
     */
    code: number;
    /**
     * The per-item `ResultInfo`.
     */
    info: string;
}

/**
 * One conversation's outcome in a batch call: applied, or refused with a code.
 */
export interface ConversationOutcome {
    /**
     * Which conversation.
     */
    conversation: ConversationRef;
    /**
     * True when `code` is 0.
     */
    ok: boolean;
    /**
     * The per-item `ResultCode` (0 = applied).
     */
    code: number;
    /**
     * The per-item `ResultInfo`.
     */
    info: string;
}

/**
 * One friend's outcome in `snsGroupAdd`.
 */
export interface FriendOutcome {
    /**
     * The friend's UserID.
     */
    userId: string;
    /**
     * True when `code` is 0.
     */
    ok: boolean;
    /**
     * The per-item `ResultCode` (0 = applied; 32216 = not a friend).
     */
    code: number;
    /**
     * The per-item `ResultInfo`.
     */
    info: string;
}

/**
 * Result of `createContactGroup`.
 */
export interface CreateContactGroupResult {
    /**
     * The new group.
     */
    group: ContactGroup;
    /**
     * Per-conversation outcomes, in request order.
     */
    results: ConversationOutcome[];
}

/**
 * Result of `delContactGroup`.
 */
export interface DelContactGroupResult {
    /**
     * The deleted groups.
     */
    deleted: ContactGroup[];
}

/**
 * Result of `markContact`.
 */
export interface MarkContactResult {
    /**
     * Per-conversation outcomes, in request order.
     */
    results: ConversationOutcome[];
}

/**
 * Result of `searchContactGroup`.
 */
export interface SearchContactGroupResult {
    /**
     * Data of the requested conversations that have any (others are absent).
     */
    items: ContactData[];
    /**
     * The user's conversation groups.
     */
    groups: ContactGroup[];
}

/**
 * Result of `snsGroupAdd`.
 */
export interface SnsGroupAddResult {
    /**
     * The friend-group sequence after the change.
     */
    currentSequence: number;
    /**
     * Per-friend outcomes (empty when no friends were given).
     */
    results: FriendOutcome[];
    /**
     * `Fail_Account`: the friends that were not added.
     */
    failedAccounts: string[];
}

/**
 * Result of `snsGroupDelete`.
 */
export interface SnsGroupDeleteResult {
    /**
     * The friend-group sequence after the change.
     */
    currentSequence: number;
}

/**
 * Result of `snsGroupGet`.
 */
export interface SnsGroupGetResult {
    /**
     * The friend groups.
     */
    groups: FriendGroup[];
    /**
     * The friend-group sequence now.
     */
    currentSequence: number;
}

/**
 * Result of `updateContactGroup`.
 */
export interface UpdateContactGroupResult {
    /**
     * `"rename"` or `"conversations"`.
     */
    kind: UpdateKind;
    /**
     * The group's name now.
     */
    groupName: string;
    /**
     * The group's id.
     */
    groupId: number;
    /**
     * The group's name before the call.
     */
    oldGroupName: string;
    /**
     * Per-conversation outcomes, in request order (empty for a rename).
     */
    results: GroupChangeOutcome[];
}

/**
 * The decoded content of a UserSig.
 */
export interface UserSigInfo {
    /**
     * The identifier the UserSig was issued for.
     */
    identifier: string;
    /**
     * The app it was issued for.
     */
    sdkAppId: number;
    /**
     * Issue time, Unix seconds.
     */
    time: number;
    /**
     * Validity in seconds (a duration).
     */
    expire: number;
    /**
     * Expiry, Unix seconds (`time + expire`); valid while `now <= expiresAt`.
     */
    expiresAt: number;
}

/**
 * The four built-in marks.
 */
export type BuiltinMark = "star" | "unread" | "fold" | "hide";

/**
 * What a caller may pass to [`encode_marks`]: every field optional.
 *
 * The result is the union of `value` (if given), the named flags that are
 * `true`, and the `custom` bits. A named flag given as `false` while `value`
 * has that bit set is a contradiction and an error (never silently dropped).
 */
export interface MarksInput {
    /**
     * Bit 0.
     */
    star?: boolean;
    /**
     * Bit 1.
     */
    unread?: boolean;
    /**
     * Bit 2.
     */
    fold?: boolean;
    /**
     * Bit 3.
     */
    hide?: boolean;
    /**
     * App-defined bits to set, each in 32..=63.
     */
    custom?: number[];
    /**
     * A whole 64-bit set to start from (preserves reserved bits 4..=31).
     */
    value?: bigint;
}

/**
 * What an `updateContactGroup` call did.
 */
export type UpdateKind = "rename" | "conversations";

/**
 * Where a `getList` page starts: the four cursors of the previous page.
 *
 * Opaque: pass back what a page returned in `nextCursor`. Save it to resume
 * later. All zero (or absent) = the first page.
 */
export interface GetListCursor {
    /**
     * `TimeStamp`: time cursor of normal conversations.
     */
    timeStamp?: number;
    /**
     * `StartIndex`: position cursor of normal conversations.
     */
    startIndex?: number;
    /**
     * `TopTimeStamp`: time cursor of pinned conversations.
     */
    topTimeStamp?: number;
    /**
     * `TopStartIndex`: position cursor of pinned conversations.
     */
    topStartIndex?: number;
}

/**
 * Whether a conversation was added to or removed from a group.
 */
export type GroupChange = "add" | "remove";

/**
 * `createContactGroup`: create one conversation group, optionally with conversations.
 */
export interface CreateContactGroupRequest {
    /**
     * The owner.
     */
    fromAccount: string;
    /**
     * The new group's name (at most 32 bytes).
     */
    groupName: string;
    /**
     * Conversations to put in it.
     */
    conversations?: ConversationRef[];
}

/**
 * `delContactGroup`: delete one conversation group.
 */
export interface DelContactGroupRequest {
    /**
     * The owner.
     */
    fromAccount: string;
    /**
     * The group to delete.
     */
    groupName: string;
}

/**
 * `deleteContact`: remove a conversation from a user's list.
 */
export interface DeleteContactRequest {
    /**
     * The owner.
     */
    fromAccount: string;
    /**
     * The conversation to delete.
     */
    conversation: ConversationRef;
    /**
     * Also clear the cloud message history (`ClearRamble` 1). Default false.
     */
    clearRamble?: boolean;
}

/**
 * `getContactGroup`: one page of all conversations with group or mark data.
 */
export interface GetContactGroupRequest {
    /**
     * The user whose data is read.
     */
    fromAccount: string;
    /**
     * Offset to start at: 0 (default) or the previous page's `nextStartIndex`.
     */
    startIndex?: number;
}

/**
 * `getList`: one page of a user's conversation list.
 *
 * By default the SDK sends `AssistFlags` 63, what the current docs say to
 * send: pinned conversations first and paged, empty conversations included,
 * marks and groups attached. Set `pinned`, `empty` or `pinnedPaging` to
 * `false` to narrow that, or `assistFlags` to send a raw value.
 */
export interface GetListRequest {
    /**
     * The user whose conversations are listed.
     */
    fromAccount: string;
    /**
     * Where to start; absent = first page.
     */
    cursor?: GetListCursor;
    /**
     * Serve pinned conversations first and flag them (default true).
     */
    pinned?: boolean;
    /**
     * Include conversations without messages (default true).
     */
    empty?: boolean;
    /**
     * Page pinned conversations too (default true).
     */
    pinnedPaging?: boolean;
    /**
     * Raw `AssistFlags`, overriding the three options above.
     */
    assistFlags?: number;
}

/**
 * `markContact`: change marks of up to 100 conversations.
 */
export interface MarkContactRequest {
    /**
     * The owner.
     */
    fromAccount: string;
    /**
     * The changes, one per conversation (1..=100).
     */
    items: MarkChange[];
}

/**
 * `searchContactGroup`: group and mark data of up to 300 given conversations.
 */
export interface SearchContactGroupRequest {
    /**
     * The user whose data is read.
     */
    fromAccount: string;
    /**
     * The conversations to look up (1..=300).
     */
    conversations: ConversationRef[];
}

/**
 * `snsGroupAdd`: create friend groups, optionally putting friends in them.
 */
export interface SnsGroupAddRequest {
    /**
     * The owner.
     */
    fromAccount: string;
    /**
     * Groups to create (1..=32).
     */
    groupNames: string[];
    /**
     * Friends to put into the new groups (at most 1000).
     */
    friends?: string[];
}

/**
 * `snsGroupDelete`: delete friend groups.
 */
export interface SnsGroupDeleteRequest {
    /**
     * The owner.
     */
    fromAccount: string;
    /**
     * Groups to delete (1..=32).
     */
    groupNames: string[];
}

/**
 * `snsGroupGet`: a user's friend groups.
 */
export interface SnsGroupGetRequest {
    /**
     * The owner.
     */
    fromAccount: string;
    /**
     * Also list each group's friends (`NeedFriend` = `Need_Friend_Type_Yes`).
     */
    needFriends?: boolean;
    /**
     * Only these groups (default: all).
     */
    groupNames?: string[];
    /**
     * `LastSequence` of an older API version; omitted unless given.
     */
    lastSequence?: number;
}

/**
 * `updateContactGroup`: rename a conversation group, or add and remove conversations.
 *
 * Give either `newName`, or `add` and/or `remove` (not both kinds in one call:
 * the API does one or the other). Adds are sent before removes.
 */
export interface UpdateContactGroupRequest {
    /**
     * The owner.
     */
    fromAccount: string;
    /**
     * The group's current name.
     */
    groupName: string;
    /**
     * Rename the group to this (at most 64 bytes).
     */
    newName?: string;
    /**
     * Conversations to add to the group.
     */
    add?: ConversationRef[];
    /**
     * Conversations to remove from the group.
     */
    remove?: ConversationRef[];
}


/**
 * Conversations with marks or groups as an async iterable; from `listContactGroupItems`.
 */
export class ContactGroupItemList {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * This object (it is its own async iterator).
     */
    [Symbol.asyncIterator](): ContactGroupItemList;
    /**
     * Gathers the remaining items, at most `limit` of them (all when absent).
     *
     * @throws {TimError} as `next()`.
     */
    collect(options?: CollectOptions): Promise<ContactData[]>;
    /**
     * The next item: `{ value, done }`. Fetches a page when the
     * current one is used up; rejects with a `TimError`.
     */
    next(): Promise<IteratorResult<ContactData, undefined>>;
    /**
     * Whole pages from `cursor` on, as an async iterable.
     */
    pages(): ContactGroupItemPages;
    /**
     * Ends a `for await` loop early; the listing can still be
     * resumed from `cursor`.
     */
    return(): Promise<IteratorResult<never, undefined>>;
    /**
     * Where to resume (pass it back as `{ cursor }`): the start of the
     * page being read, so a resume may repeat items of that page but
     * never skips one; `null` once everything was read.
     */
    readonly cursor: number | null;
}

/**
 * The `getContactGroup` pages as an async iterable; from `listContactGroupItems(...).pages()`.
 */
export class ContactGroupItemPages {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * This object (it is its own async iterator).
     */
    [Symbol.asyncIterator](): ContactGroupItemPages;
    /**
     * The next page: `{ value, done }`.
     */
    next(): Promise<IteratorResult<ContactGroupPage, undefined>>;
    /**
     * Ends a `for await` loop early.
     */
    return(): Promise<IteratorResult<never, undefined>>;
    /**
     * Where the next page starts; `null` once complete.
     */
    readonly cursor: number | null;
}

/**
 * The conversations of a user as an async iterable (`for await`); from `listConversations`.
 */
export class ConversationList {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * This object (it is its own async iterator).
     */
    [Symbol.asyncIterator](): ConversationList;
    /**
     * Gathers the remaining items, at most `limit` of them (all when absent).
     *
     * @throws {TimError} as `next()`.
     */
    collect(options?: CollectOptions): Promise<Conversation[]>;
    /**
     * The next item: `{ value, done }`. Fetches a page when the
     * current one is used up; rejects with a `TimError`.
     */
    next(): Promise<IteratorResult<Conversation, undefined>>;
    /**
     * Whole pages from `cursor` on, as an async iterable.
     */
    pages(): ConversationPages;
    /**
     * Ends a `for await` loop early; the listing can still be
     * resumed from `cursor`.
     */
    return(): Promise<IteratorResult<never, undefined>>;
    /**
     * Where to resume (pass it back as `{ cursor }`): the start of the
     * page being read, so a resume may repeat items of that page but
     * never skips one; `null` once everything was read.
     */
    readonly cursor: GetListCursor | null;
}

/**
 * The `getList` pages of a user as an async iterable; from `listConversations(...).pages()`.
 */
export class ConversationPages {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * This object (it is its own async iterator).
     */
    [Symbol.asyncIterator](): ConversationPages;
    /**
     * The next page: `{ value, done }`.
     */
    next(): Promise<IteratorResult<GetListPage, undefined>>;
    /**
     * Ends a `for await` loop early.
     */
    return(): Promise<IteratorResult<never, undefined>>;
    /**
     * Where the next page starts; `null` once complete.
     */
    readonly cursor: GetListCursor | null;
}

/**
 * Client-side pacing shared by several clients: a token bucket per endpoint
 * (default 200 calls per second, the documented limit). Pass the same
 * instance as `rateLimit` to every `TimClient` of one app.
 *
 * @example
 * ```js
 * const limiter = new RateLimiter({ callsPerSecond: 200 });
 * const a = new TimClient({ ...options, rateLimit: limiter });
 * const b = new TimClient({ ...options, rateLimit: limiter });
 * ```
 */
export class RateLimiter {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * `callsPerSecond` per endpoint (default 200); `burst` tokens at most
     * (default a tenth of `callsPerSecond`).
     *
     * @throws {TimError} `kind: "invalid_input"` for a zero or non-integer value.
     */
    constructor(options?: RateLimiterOptions);
    /**
     * Calls per second per endpoint.
     */
    readonly callsPerSecond: number;
}

/**
 * A client of the Tencent Cloud IM REST admin API (conversations, conversation
 * groups, marks, friend groups). One method per REST command.
 *
 * @example
 * ```js
 * const tim = new TimClient({
 *   sdkAppId: 1400000000,
 *   identifier: "administrator",
 *   userSig: async (id) => (await fetch(`/api/usersig?id=${id}`)).text(),
 *   region: "singapore",
 * });
 * const page = await tim.getList({ fromAccount: "alice" });
 * ```
 */
export class TimClient {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * `v4/recentcontact/create_contact_group`: create one conversation group.
     */
    createContactGroup(request: CreateContactGroupRequest, options?: TimCallOptions): Promise<CreateContactGroupResult & TimCallInfo>;
    /**
     * `v4/recentcontact/del_contact_group`: delete one conversation group.
     */
    delContactGroup(request: DelContactGroupRequest, options?: TimCallOptions): Promise<DelContactGroupResult & TimCallInfo>;
    /**
     * `v4/recentcontact/delete`: remove a conversation from a user's list.
     */
    deleteContact(request: DeleteContactRequest, options?: TimCallOptions): Promise<void>;
    /**
     * `v4/recentcontact/get_contact_group`: one page of all conversations that
     * have marks or groups, plus the user's conversation groups.
     */
    getContactGroup(request: GetContactGroupRequest, options?: TimCallOptions): Promise<ContactGroupPage & TimCallInfo>;
    /**
     * `v4/recentcontact/get_list`: one page of a user's conversations, pinned
     * first. Pass the page's `nextCursor` as `cursor` until `complete`.
     *
     * @example
     * ```js
     * let cursor;
     * for (;;) {
     *   const page = await tim.getList({ fromAccount: "alice", cursor });
     *   for (const c of page.items) console.log(c.conversation, c.marks?.star);
     *   if (page.complete) break;
     *   cursor = page.nextCursor;
     * }
     * ```
     */
    getList(request: GetListRequest, options?: TimCallOptions): Promise<GetListPage & TimCallInfo>;
    /**
     * Every conversation of `fromAccount` that has marks or conversation
     * groups (`get_contact_group`), page by page as you iterate. Same shape
     * as `listConversations`; the cursor is a `startIndex` number.
     *
     * @example
     * ```js
     * for await (const item of tim.listContactGroupItems("alice")) console.log(item.marks.star);
     * ```
     * @throws {TimError} `kind: "invalid_input"` for bad options.
     */
    listContactGroupItems(fromAccount: string, options?: ListContactGroupItemsOptions): ContactGroupItemList;
    /**
     * Every conversation of `fromAccount`, fetched page by page as you
     * iterate (at most one page in memory). Pinned conversations come first.
     * The result is an async iterable of conversations; `.pages()` iterates
     * whole pages, `.collect({ limit })` gathers items, and `.cursor` is where
     * to resume later (pass it back as `{ cursor }`).
     *
     * @example
     * ```js
     * for await (const c of tim.listConversations("alice", { signal })) {
     *   console.log(c.conversation, c.pinned);
     * }
     * const first50 = await tim.listConversations("alice").collect({ limit: 50 });
     * ```
     * @throws {TimError} `kind: "invalid_input"` for bad options (at once);
     * iteration rejects like any call, or with `kind: "pagination"` when the
     * server's cursor stops moving.
     */
    listConversations(fromAccount: string, options?: ListConversationsOptions): ConversationList;
    /**
     * `v4/recentcontact/mark_contact`: set / clear marks of conversations.
     * With `target` instead of `set` / `clear`, the client reads the current
     * marks and sends only the difference. More than 100 changes are split
     * into calls of 100 (one after the other, or `concurrency` at a time);
     * outcomes come back in request order, one per item. Items of a chunk
     * that failed get `ok: false` and an `info` saying they are not
     * confirmed; the call rejects only when every chunk failed.
     *
     * @example
     * ```js
     * await tim.markContact({ fromAccount: "alice", items: [
     *   { conversation: { type: "c2c", userId: "bob" }, set: ["star", 40], clear: ["unread"] },
     * ]});
     * ```
     */
    markContact(request: MarkContactRequest, options?: TimCallOptions): Promise<MarkContactResult & TimCallInfo>;
    /**
     * Creates a client. Validates the options; makes no request.
     *
     * @throws {TimError} `kind: "invalid_input"` naming the bad option.
     */
    constructor(options: TimClientOptions);
    /**
     * `v4/recentcontact/search_contact_group`: marks and groups of given
     * conversations. More than 300 are split into calls of 300 (one after
     * the other, or `concurrency` at a time) and merged in input order.
     */
    searchContactGroup(request: SearchContactGroupRequest, options?: TimCallOptions): Promise<SearchContactGroupResult & TimCallInfo>;
    /**
     * `v4/sns/group_add`: create friend groups, optionally with friends (per-friend results).
     */
    snsGroupAdd(request: SnsGroupAddRequest, options?: TimCallOptions): Promise<SnsGroupAddResult & TimCallInfo>;
    /**
     * `v4/sns/group_delete`: delete friend groups.
     */
    snsGroupDelete(request: SnsGroupDeleteRequest, options?: TimCallOptions): Promise<SnsGroupDeleteResult & TimCallInfo>;
    /**
     * `v4/sns/group_get`: a user's friend groups (with friends if `needFriends`).
     */
    snsGroupGet(request: SnsGroupGetRequest, options?: TimCallOptions): Promise<SnsGroupGetResult & TimCallInfo>;
    /**
     * `v4/recentcontact/update_contact_group`: rename a conversation group
     * (`newName`), or add / remove conversations (per-item results).
     */
    updateContactGroup(request: UpdateContactGroupRequest, options?: TimCallOptions): Promise<UpdateContactGroupResult & TimCallInfo>;
    /**
     * The base URL requests go to.
     */
    readonly baseUrl: string;
}

/**
 * Decodes a `StandardMark` bit string (MSB-first binary numeral; `""` = no mark).
 *
 * @example
 * ```js
 * decodeStandardMark("1001");
 * // { star: true, unread: false, fold: false, hide: true, custom: [], value: 9n }
 * ```
 * @throws {TimError} `kind: "invalid_input"`, `field: "bits"` for a character
 * other than 0/1 or more than 64 digits.
 */
export function decodeStandardMark(bits: string): Marks;

/**
 * Decodes a whole page of `StandardMark` strings in one call (one boundary
 * crossing instead of one per mark).
 *
 * @example
 * ```js
 * decodeStandardMarks(["1", "", "10"]).map((m) => m.star); // [true, false, false]
 * ```
 * @throws {TimError} `kind: "invalid_input"`, `field: "bits[i]"` for the first bad string.
 */
export function decodeStandardMarks(bits: string[]): Marks[];

/**
 * Reads a UserSig without its key: who it is for and when it expires.
 *
 * @example
 * ```js
 * const { identifier, expiresAt } = decodeUserSig(userSig);
 * ```
 * @throws {TimError} `kind: "invalid_input"`, `field: "userSig"` when it is
 * not a TLSSigAPIv2 ticket.
 */
export function decodeUserSig(user_sig: string): UserSigInfo;

/**
 * Encodes marks as a `StandardMark` string; the inverse of `decodeStandardMark`.
 *
 * The result is the union of `value`, the flags set to `true` and the
 * `custom` bits (32..63); reserved bits 4..31 in `value` are preserved.
 *
 * @example
 * ```js
 * encodeStandardMark({ star: true, custom: [32] }); // "100000000000000000000000000000001"
 * ```
 * @throws {TimError} `kind: "invalid_input"` naming the field at fault.
 */
export function encodeStandardMark(marks: MarksInput): string;

/**
 * Encodes a whole page of marks in one call; the inverse of `decodeStandardMarks`.
 *
 * @throws {TimError} `kind: "invalid_input"`, `field: "marks[i]...."` for the first bad entry.
 */
export function encodeStandardMarks(marks: MarksInput[]): string[];

/**
 * Mints a TLSSigAPIv2 UserSig with the app's SecretKey, for Node and Deno
 * scripts (and tests). Refuses to run in a browser, where the SecretKey
 * would be exposed, unless `dangerouslyAllowBrowser: true`.
 *
 * @example
 * ```js
 * const tim = new TimClient({ sdkAppId, identifier: "administrator", region: "singapore",
 *   userSig: (id) => genUserSig({ sdkAppId, secretKey: process.env.TIM_KEY, identifier: id }) });
 * ```
 * @throws {TimError} `kind: "invalid_input"` for a missing option, or
 * `field: "dangerouslyAllowBrowser"` in a browser.
 */
export function genUserSig(options: GenUserSigOptions): string;

/**
 * True when `e` is an error thrown by this package.
 */
export function isTimError(e: any): e is TimError;

/**
 * Installs the panic hook once, when the module is instantiated.
 */
export function start(): void;

/**
 * Verifies a UserSig the way the server does (key, app, identifier,
 * expiry at `now`, Unix seconds, default the current time). Same browser
 * rule as `genUserSig`.
 *
 * @throws {TimError} `kind: "invalid_input"`, `field: "userSig"`, `code`
 * = the server's code for the failure (70001 expired, 70009 wrong key, ...).
 */
export function verifyUserSig(options: VerifyUserSigOptions): UserSigInfo;

