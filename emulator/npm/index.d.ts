/** The error every option check and control operation throws (`name: "EmulatorError"`). */
export declare class EmulatorError extends Error {
  name: "EmulatorError";
}

/** The loopback URL the in-process emulator answers as: pass it as TimClient's `baseUrl`. */
export declare const IN_PROCESS_URL: "http://127.0.0.1";

/** A clock: `now()` in Unix milliseconds (and, optionally, a monotonic `mono()` for the rate limit). */
export interface EmulatorClock {
  now(): number;
  mono?(): number;
  readonly virtual?: boolean;
}

/** A clock that moves only when told to. */
export interface VirtualClock extends EmulatorClock {
  readonly virtual: true;
  /** Move forward by `ms`; returns the new time. */
  advance(ms: number): number;
  /** Jump to `ms` (Unix milliseconds); returns it. */
  set(ms: number): number;
}

/** A virtual clock starting at `startMs` (default: now). */
export declare function virtualClock(startMs?: number): VirtualClock;
/** The wall clock (the default). */
export declare function wallClock(): EmulatorClock;

/** A fault kind: "none", "http502", "drop", "drop-after", "truncate", "delay:<ms>", "error:<code>". */
export type FaultKind = string;

/** Fault injection (emulator/README.md "Fault injection"). */
export interface FaultOptions {
  /** Probability in [0, 1] that an API request gets a random fault from `kinds`. */
  rate?: number;
  kinds?: FaultKind[];
  /** Faults consumed one per API request, before `rate`. */
  script?: FaultKind[];
}

/** The limits (emulator/README.md "Control endpoints"). */
export interface LimitOptions {
  maxContactGroups?: number;
  maxMarkedConversations?: number;
  createGroupNameMax?: number;
  renameGroupNameMax?: number;
  maxMarkItems?: number;
  maxSearchItems?: number;
  customMarkMax?: number;
  maxFriendGroups?: number;
}

/** A seed document (emulator/README.md "Seed / state format"). */
export type SeedDocument = { sdkAppId?: number; users: Record<string, unknown> };

/** What `createEmulator` takes; every field is optional, an unknown one throws. */
export interface EmulatorOptions {
  /** A seed document or its JSON text; default: no users. */
  seed?: SeedDocument | string;
  sdkAppId?: number;
  /** Default: the published sample key. */
  secretKey?: string;
  /** Admin identifiers allowed to call; default ["administrator"]. */
  admins?: string[];
  /** Calls per second per endpoint, 0 = off; default 200. */
  rateLimit?: number;
  getListPageSize?: number;
  contactGroupPageSize?: number;
  /** sns/friend_get page size; default 100. */
  friendPageSize?: number;
  faults?: FaultOptions;
  limits?: LimitOptions;
  /** Default 1 MiB; over it, HTTP 413. */
  maxBodyBytes?: number;
  /** Default: the wall clock. */
  clock?: EmulatorClock;
  /** Seeds the random faults (`faults.rate`), for a repeatable run. */
  faultSeed?: number;
  /** true: one line per request on console.error; or a function taking the line. */
  log?: boolean | ((line: string) => void);
}

/** The runtime config (GET /__control/config). */
export interface RuntimeConfig {
  rateLimit: number;
  getListPageSize: number;
  contactGroupPageSize: number;
  friendPageSize: number;
  faults: { rate: number; kinds: FaultKind[]; script: FaultKind[] };
  limits: Required<LimitOptions>;
}

/** An in-process emulator. */
export interface Emulator {
  /** The URL to pass as TimClient's `baseUrl` (nothing listens there: `fetch` answers). */
  readonly url: string;
  /** A `fetch` to pass as TimClient's `fetch`. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  readonly clock: EmulatorClock;
  readonly sdkAppId: number;
  readonly admins: string[];
  /** The current state as a seed document. */
  state(): SeedDocument;
  /** Restore the startup seed and config, or load `seed`. */
  reset(seed?: SeedDocument | string): { ok: true; users: number };
  /** The runtime config, after applying `patch` when given (faults.script replaces the queue). */
  config(patch?: Partial<Omit<RuntimeConfig, "faults" | "limits">> & { faults?: FaultOptions; limits?: LimitOptions }): RuntimeConfig;
  /** API requests seen per endpoint, e.g. { "v4/recentcontact/get_list": 12 }. */
  requests(): Record<string, number>;
  clearRequests(): void;
  /** A UserSig minted with the configured key (identifier: the first admin; time: the clock's; expire: 86400). */
  mintUserSig(options?: string | { identifier?: string; expire?: number; time?: number }): string;
  /** A TimClient `userSig` callback. */
  userSig(identifier: string): string;
  /** Free its memory; it answers nothing afterwards. */
  close(): void;
}

export declare function createEmulator(options?: EmulatorOptions): Emulator;

/** tim-seedgen's options. */
export interface SeedOptions {
  users?: number;
  conversations?: number;
  seed?: number | bigint;
  demo?: boolean;
  baseTime?: number;
}

/** Exactly what `tim-seedgen` prints for the same options. */
export declare function generateSeedText(options?: SeedOptions): string;
/** The same document, parsed. */
export declare function generateSeed(options?: SeedOptions): SeedDocument;
