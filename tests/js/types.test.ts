// Type-level test of the built package's .d.ts: `tsc --noEmit` must accept the
// correct uses and every `@ts-expect-error` line must really be an error.
import {
  TimClient,
  decodeStandardMark,
  encodeStandardMark,
  decodeUserSig,
  isTimError,
  type GetListPage,
  type GetListCursor,
  type ConversationRef,
  type Marks,
  type MarkChange,
  type TimError,
  type TimErrorKind,
  type ContactGroupPage,
  type SnsGroupAddResult,
} from "../../pkg/index.web.js";
import * as entry from "../../pkg/index.web.js";

export async function typeChecks(): Promise<void> {
  const client = new TimClient({
    sdkAppId: 1400000000,
    identifier: "administrator",
    userSig: async (identifier: string) => `sig-for-${identifier}`,
    baseUrl: "http://127.0.0.1:8080",
    timeoutMs: 5000,
  });
  new TimClient({ sdkAppId: 1, identifier: "admin", userSig: () => "sig", region: "singapore", fetch: globalThis.fetch });

  // getList paging with typed cursors.
  let cursor: GetListCursor | undefined;
  for (;;) {
    const page: GetListPage = await client.getList({ fromAccount: "alice", cursor });
    for (const item of page.items) {
      const c: ConversationRef = item.conversation;
      const id: string = c.type === "c2c" ? c.userId : c.groupId;
      const value: bigint | undefined = item.marks?.value;
      void id, value, item.msgTime.toFixed(), item.pinned === true;
    }
    if (page.complete) break;
    cursor = page.nextCursor;
  }

  const groups: ContactGroupPage = await client.getContactGroup({ fromAccount: "alice", startIndex: 0 });
  groups.items.forEach((d) => d.groupIds.map((n: number) => n + 1));

  const change: MarkChange = { conversation: { type: "group", groupId: "@TGS#1" }, set: ["star", 40], clear: ["unread"], customMark: "x" };
  const marked = await client.markContact({ fromAccount: "alice", items: [change] });
  marked.results.every((r) => r.ok);

  await client.createContactGroup({ fromAccount: "alice", groupName: "g", conversations: [{ type: "c2c", userId: "bob" }] });
  await client.updateContactGroup({ fromAccount: "alice", groupName: "g", newName: "h" });
  await client.updateContactGroup({ fromAccount: "alice", groupName: "h", add: [{ type: "c2c", userId: "bob" }], remove: [] });
  await client.searchContactGroup({ fromAccount: "alice", conversations: [{ type: "c2c", userId: "bob" }] });
  await client.delContactGroup({ fromAccount: "alice", groupName: "h" });
  const nothing: void = await client.deleteContact({ fromAccount: "alice", conversation: { type: "c2c", userId: "bob" }, clearRamble: true });
  void nothing;
  const sns: SnsGroupAddResult = await client.snsGroupAdd({ fromAccount: "alice", groupNames: ["f"], friends: ["bob"] });
  sns.failedAccounts.concat(sns.results.map((r) => r.userId));
  (await client.snsGroupGet({ fromAccount: "alice", needFriends: true })).groups.map((g) => g.friends.length);
  (await client.snsGroupGet({ fromAccount: "alice" })).groups.map((g) => g.friends?.length ?? g.friendCount);
  (await client.snsGroupDelete({ fromAccount: "alice", groupNames: ["f"] })).currentSequence.toFixed();

  // Codec.
  const m: Marks = decodeStandardMark("111001");
  const big: bigint = m.value;
  const customs: number[] = m.custom;
  const s: string = encodeStandardMark({ star: true, custom: [63], value: 1n << 40n });
  void big, customs, s, decodeUserSig("x").expiresAt.toFixed();

  // Errors.
  try {
    await client.getList({ fromAccount: "" });
  } catch (e: unknown) {
    if (isTimError(e)) {
      const err: TimError = e;
      const kind: TimErrorKind = err.kind;
      const code: number | undefined = err.code;
      const msg: string = err.message;
      void kind, code, msg, err.field, err.status, err.endpoint, err.random, err.info;
    }
  }

  // ---- wrong shapes the types must reject ----
  // @ts-expect-error fromAccount is required
  await client.getList({});
  // @ts-expect-error a c2c ref needs userId, not groupId
  await client.deleteContact({ fromAccount: "a", conversation: { type: "c2c", groupId: "g" } });
  // @ts-expect-error "pinned" is not a conversation type
  await client.searchContactGroup({ fromAccount: "a", conversations: [{ type: "pinned", userId: "b" }] });
  // @ts-expect-error marks.value is a bigint, not a number
  const asNumber: number = decodeStandardMark("1").value;
  void asNumber;
  // @ts-expect-error mark names are "star" | "unread" | "fold" | "hide" or a bit number
  await client.markContact({ fromAccount: "a", items: [{ conversation: { type: "c2c", userId: "b" }, set: ["starred"] }] });
  // @ts-expect-error userSig is a function of the identifier, not a string
  new TimClient({ sdkAppId: 1, identifier: "admin", userSig: "static-sig", region: "china" });
  // @ts-expect-error unknown region
  new TimClient({ sdkAppId: 1, identifier: "admin", userSig: () => "s", region: "mars" });
  // @ts-expect-error encodeStandardMark takes an object
  encodeStandardMark(5);
  // @ts-expect-error getList resolves to a page, not an array
  const arr: unknown[] = await client.getList({ fromAccount: "a" });
  void arr;
  // @ts-expect-error without needFriends: true, a group's friends may be absent
  const friends: string[] = (await client.snsGroupGet({ fromAccount: "a" })).groups[0].friends;
  void friends;
  // @ts-expect-error the entry has no default export (wasm-bindgen's init runs inside it)
  void entry.default;
  // @ts-expect-error nor the glue's initSync
  void entry.initSync;
  // @ts-expect-error nor start, the panic-hook installer
  void entry.start;
  // @ts-expect-error endpoint is one of the client's commands, not any string
  const ep: TimError["endpoint"] = "v4/openim/sendmsg";
  void ep;
}

// The README's bulk example under strict settings: the package's validateSnapshot is what the
// bulk engine's validateSnapshot option takes (it validates any value).
import { validateSnapshot } from "../../pkg/index.web.js";
import { applyUsers, checkDesired } from "../../pkg/bulk.js";
export async function bulkTypeChecks(client: TimClient, lines: AsyncIterable<unknown>): Promise<void> {
  for await (const entry of applyUsers({ client, desired: lines, validateSnapshot, dryRun: true })) void entry;
  await checkDesired(lines, { validateSnapshot });
  const s = validateSnapshot(JSON.parse("{}"));
  void s.user;
}
