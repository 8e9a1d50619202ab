// The types of tim-contacts/bulk: jobs over many users (export, apply a desired state, verify),
// built on a TimClient's per-user engine (exportUser, applyUser, verifyUser).

/** What the bulk functions need of a client: a `TimClient` fits. */
export interface BulkClient {
    /** A user's snapshot (see `TimClient.exportUser`). */
    exportUser(userId: string, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<any>;
    /** Converge a user to a desired snapshot (see `TimClient.applyUser`). */
    applyUser(desired: any, options?: { prune?: boolean; dryRun?: boolean; keepBefore?: boolean; signal?: AbortSignal; timeoutMs?: number }): Promise<any>;
    /** Compare a desired snapshot with the live state (see `TimClient.verifyUser`). */
    verifyUser(desired: any, options?: { prune?: boolean; signal?: AbortSignal; timeoutMs?: number }): Promise<any>;
}

/** A JSON Lines input: a whole text, or chunks of it (strings or UTF-8 bytes) as they arrive. */
export type JsonLinesInput =
    | string
    | Iterable<string | Uint8Array>
    | AsyncIterable<string | Uint8Array>
    | ReadableStream<string | Uint8Array>;

/**
 * Desired snapshots: JSON Lines text or a stream of it, an (async) iterable of snapshot objects,
 * or a function returning either. A text, an array or a function can be read twice, so every line
 * is checked before the first call; a one-shot iterator is checked line by line.
 */
export type DesiredSource =
    | string
    | ReadableStream<string | Uint8Array>
    | Iterable<unknown>
    | AsyncIterable<unknown>
    | (() => string | ReadableStream<string | Uint8Array> | Iterable<unknown> | AsyncIterable<unknown>);

/** `kind` of a `BulkError`. */
export type BulkErrorKind = "invalid_input" | "aborted";

/** An error of the bulk layer itself: a bad line of input (nothing was applied) or an aborted job. */
export class BulkError extends Error {
    /** @internal */
    constructor(kind: BulkErrorKind, message: string, detail?: { line?: number; field?: string; user?: string; cause?: unknown });
    /** Always `"BulkError"`. */
    readonly name: "BulkError";
    /** `"invalid_input"`: a bad input line or option; `"aborted"`: the job's `signal` aborted it. */
    readonly kind: BulkErrorKind;
    /** The 1-based line of the input at fault (for an iterable of objects: its position). */
    readonly line?: number | undefined;
    /** The snapshot field at fault, as `validateSnapshot` named it. */
    readonly field?: string | undefined;
    /** The user of the line at fault. */
    readonly user?: string | undefined;
}

/** True when `e` is a `BulkError`. */
export function isBulkError(e: unknown): e is BulkError;

/** Progress after each user finished (in completion order, not input order). */
export interface BulkProgress {
    /** The user's input index (0-based). */
    index: number;
    /** The user id. */
    user: string | undefined;
    /** False for a user that failed (or, for apply, whose report is not ok). */
    ok: boolean;
    /** Users finished in this run. */
    finished: number;
    /** Of those, failed. */
    failed: number;
    /** Users in flight now. */
    inFlight: number;
}

/** One user's outcome: its value under `key`, or the error it failed with (after the client's retries). */
export type BulkEntry<T, K extends string = "snapshot"> =
    | ({ index: number; user: string; error?: undefined } & { [P in K]: T })
    | ({ index: number; user: string | undefined; error: unknown } & { [P in K]?: undefined });

/** An entry of `exportUsers`. */
export type ExportEntry = BulkEntry<any, "snapshot">;
/** An entry of `applyUsers` (`report`: the user's `ApplyReport`). */
export type ApplyEntry = BulkEntry<any, "report">;
/** An entry of `verifyUsers` (`report`: the user's `VerifyReport`). */
export type VerifyEntry = BulkEntry<any, "report">;

/** Options shared by the bulk functions. */
export interface BulkOptions {
    /** The client (its retries, pacing and hooks apply to every call). */
    client: BulkClient;
    /** Users in flight at once (default 8); results are still yielded in input order. */
    concurrency?: number;
    /** Abort the job: in-flight calls are aborted and the iteration rejects with a `BulkError` of kind `"aborted"`. */
    signal?: AbortSignal;
    /** Skip the first `resumeFrom` inputs (a checkpoint's next index); indexes still count from the first input. */
    resumeFrom?: number;
    /** Called as each user finishes. */
    onProgress?: (progress: BulkProgress) => void;
    /** Timeout of each HTTP attempt in ms, instead of the client's. */
    timeoutMs?: number;
}

/** Options of `exportUsers`. */
export interface ExportUsersOptions extends BulkOptions {
    /** User ids, any (async) iterable: read as the job goes, never all at once. */
    users: Iterable<string> | AsyncIterable<string>;
}

/** Options of `verifyUsers`. */
export interface VerifyUsersOptions extends BulkOptions {
    /** The desired snapshots (see `DesiredSource`). */
    desired: DesiredSource;
    /** Manage what a line does not name too (see `TimClient.verifyUser`). */
    prune?: boolean;
    /**
     * The package's `validateSnapshot`: checks every line first (unknown fields, bad values; the
     * error names the line and field). Without it, only JSON, `user` and duplicates are checked up front.
     */
    validateSnapshot?: (value: unknown) => unknown;
}

/** One executed step of an apply, as `onChange` receives it. */
export interface BulkChange {
    /** The user. */
    user: string;
    /** The step index in the user's plan. */
    step: number;
    /** The plan step's `op`. */
    op: string;
    /** Whether the step succeeded. */
    ok: boolean;
    /** Its per-item results. */
    results?: unknown;
    /** Its error, when it failed. */
    error?: unknown;
}

/** Options of `applyUsers`. */
export interface ApplyUsersOptions extends VerifyUsersOptions {
    /** Plan only: nothing is written (reports carry the plan, `executed` is empty). */
    dryRun?: boolean;
    /** Keep each user's live state, as read before its first write, in `report.before` (default false). */
    keepBefore?: boolean;
    /** Called for every executed step, when its user's apply finished. */
    onChange?: (change: BulkChange) => void;
}

/** Snapshots of many users, in input order (a reorder buffer of at most 2 x `concurrency` users). */
export function exportUsers(options: ExportUsersOptions): AsyncGenerator<ExportEntry, void, undefined>;
/** Applies desired snapshots to many users, in input order. */
export function applyUsers(options: ApplyUsersOptions): AsyncGenerator<ApplyEntry, void, undefined>;
/** Compares desired snapshots with the live state of many users, in input order. */
export function verifyUsers(options: VerifyUsersOptions): AsyncGenerator<VerifyEntry, void, undefined>;

/**
 * Reads a whole desired-state input and checks every line (JSON, `validateSnapshot`, no user
 * twice) before anything is applied; rejects with a `BulkError` naming the first bad line.
 */
export function checkDesired(desired: DesiredSource, options?: { validateSnapshot?: (value: unknown) => unknown }): Promise<{ users: number }>;

/** The values of a JSON Lines input, one per non-blank line, streamed; a malformed line throws a `BulkError` naming it. */
export function parseJsonLines(input: JsonLinesInput): AsyncGenerator<unknown, void, undefined>;
/** As `parseJsonLines`, with each value's 1-based line number. */
export function readJsonLines(input: JsonLinesInput): AsyncGenerator<{ line: number; value: unknown }, void, undefined>;
/** One JSON line (with its `\n`): the form snapshots are written in. */
export function toJsonLine(value: unknown): string;
