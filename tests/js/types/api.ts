// Type-level test of the public types (pkg/index.d.ts) by package name, under the strictest
// settings a user may have (strict, exactOptionalPropertyTypes, skipLibCheck false), checked in
// a Node-only project, a DOM project and by Deno (scripts/ci/typecheck). Correct uses must
// check; every `@ts-expect-error` line must really be an error. Never run, only checked.
import {
  TimClient,
  RateLimiter,
  isTimError,
  decodeStandardMark,
  type ConversationList,
  type FriendGroup,
  type FriendGroupWithFriends,
  type TimEndpoint,
  type TimError,
  type TimFetch,
  type TimFetchInit,
  type TimFetchResponse,
  type TimRequestEvent,
  type TimResponseEvent,
  type GetListCursor,
} from "tim-contacts";

/** Holds when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const holds = <T extends true>(): T => true as T;

export async function strictUses(maybeCursor: GetListCursor | undefined, maybeSignal: AbortSignal | undefined): Promise<void> {
  // Every optional option accepts an explicit `undefined` (exactOptionalPropertyTypes).
  const client = new TimClient({
    sdkAppId: 1400000000,
    identifier: "administrator",
    userSig: (id: string) => `sig-for-${id}`,
    region: undefined,
    baseUrl: undefined,
    fetch: undefined,
    timeoutMs: undefined,
    allowInsecureHttp: undefined,
    retry: { maxAttempts: undefined, baseDelayMs: 100, maxDelayMs: undefined, retryNonIdempotent: undefined },
    rateLimit: { callsPerSecond: undefined },
    cacheUserSig: undefined,
    onRequest: undefined,
    onResponse: (e: TimResponseEvent) => void (e.status ?? e.error?.kind),
    onRetry: undefined,
    failover: { backupUrl: undefined, coolDownMs: 30000 },
  });
  new TimClient({ sdkAppId: 1, identifier: "admin", userSig: () => "s", region: "singapore", failover: false });
  new RateLimiter({ callsPerSecond: undefined, burst: undefined });
  await client.getList({ fromAccount: "a", cursor: maybeCursor, pinned: undefined, assistFlags: undefined }, { signal: maybeSignal, timeoutMs: undefined, concurrency: undefined });
  const page = await client.getList({ fromAccount: "a", cursor: { timeStamp: undefined, startIndex: 0 } });
  const host: string | undefined = page.host;
  const attempts: number = page.attempts;
  void host, attempts;
  await client.markContact({ fromAccount: "a", items: [{ conversation: { type: "c2c", userId: "b" }, set: undefined, clear: ["star"], customMark: undefined, target: undefined }] });
  const list: ConversationList = client.listConversations("a", { cursor: undefined, pinned: undefined, empty: undefined, pinnedPaging: undefined, assistFlags: undefined, signal: undefined, timeoutMs: undefined });
  await list.collect({ limit: undefined });
  client.listContactGroupItems("a", { cursor: null, signal: maybeSignal, timeoutMs: undefined });

  // A custom fetch: a stub needs no DOM types, and the global one fits (Node, DOM, Deno).
  const stub: TimFetch = async (url: string, init: TimFetchInit): Promise<TimFetchResponse> => {
    void url, init.body.length, init.signal.aborted, init.headers["Content-Type"];
    return { status: 200, arrayBuffer: async () => new ArrayBuffer(0) };
  };
  new TimClient({ sdkAppId: 1, identifier: "admin", userSig: () => "s", fetch: stub });
  new TimClient({ sdkAppId: 1, identifier: "admin", userSig: () => "s", fetch: globalThis.fetch });
  new TimClient({ sdkAppId: 1, identifier: "admin", userSig: () => "s", fetch: (url, init) => globalThis.fetch(url, init) });
  // @ts-expect-error a fetch must resolve to something with a status and a body
  new TimClient({ sdkAppId: 1, identifier: "admin", userSig: () => "s", fetch: async () => "not a response" });

  // `isTimError` narrows `unknown`; `endpoint` is one of the commands.
  const e: unknown = new Error("x");
  if (isTimError(e)) {
    const err: TimError = e;
    const ep: TimEndpoint | undefined = err.endpoint;
    const retry: boolean = err.retryable;
    const cause: unknown = err.cause;
    const at: string | undefined = err.host;
    void retry, cause, at;
    if (ep === "v4/sns/group_get" || ep === "v4/recentcontact/get_list") void ep;
    // @ts-expect-error not a command of this client
    if (ep === "v4/group_open_http_svc/get_group_info") void ep;
  }
  holds<Equal<Parameters<typeof isTimError>[0], unknown>>();
  holds<Equal<TimRequestEvent["endpoint"], TimEndpoint>>();
  holds<Equal<TimResponseEvent["endpoint"], TimEndpoint>>();

  // snsGroupGet: `friends` is present exactly when `needFriends: true` was asked.
  const withFriends = await client.snsGroupGet({ fromAccount: "a", needFriends: true });
  const friends: string[] = withFriends.groups[0]!.friends;
  const typed: FriendGroupWithFriends[] = withFriends.groups;
  const plain = await client.snsGroupGet({ fromAccount: "a" });
  // @ts-expect-error without needFriends, friends may be absent
  const maybe: string[] = plain.groups[0]!.friends;
  const asked: boolean = Math.random() > 0.5;
  const either: FriendGroup[] = (await client.snsGroupGet({ fromAccount: "a", needFriends: asked })).groups;
  void friends, typed, maybe, either, withFriends.attempts;

  // Objects are disposable, with or without the esnext.disposable lib.
  const marks = decodeStandardMark("1");
  client[Symbol.dispose]();
  list.free();
  void marks.value;
}
