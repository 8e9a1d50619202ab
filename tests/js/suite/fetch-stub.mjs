// Tests of the package against a recording `fetch` stub: exact URL, method and
// JSON body of each command (the documented PascalCase wire, spec §3-4), typed
// results parsed from the spec's sample responses, and the error shape.
import { assert } from "../lib/harness.mjs";

const SDKAPPID = 1400000000;
const ADMIN = "administrator";
// A recognisable UserSig (alphabet A-Z a-z 0-9 * - _) that must never leak into an error.
const SIG = "eJwSECRETsig*VALUE-never_leak9876";
const BASE = "https://stub.tim.invalid";

const ok = { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", ErrorDisplay: "" };
const c2c = (userId) => ({ type: "c2c", userId });
const group = (groupId) => ({ type: "group", groupId });
const marksOf = (value) => {
  const v = BigInt(value);
  const bit = (n) => (v >> BigInt(n)) & 1n ? true : false;
  const custom = [];
  for (let n = 32; n < 64; n++) if (bit(n)) custom.push(n);
  return { star: bit(0), unread: bit(1), fold: bit(2), hide: bit(3), custom, value: v };
};

/**
 * A fetch stub that expects exactly the listed calls, in order. Each expectation:
 * { endpoint: "recentcontact/get_list", body: <expected parsed JSON>, respond: { status?, json? | text? } }.
 * Any other request is recorded as unexpected (and answered 599) and fails `verify()`.
 */
export function fetchStub(expected) {
  const queue = [...expected];
  const calls = [];
  const problems = [];
  const fetch = async (input, init = {}) => {
    let url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    let method = init.method ?? (typeof input === "object" && input.method) ?? "GET";
    let body = init.body;
    if (body === undefined && typeof input === "object" && typeof input.text === "function") body = await input.text();
    const call = { url, method, body };
    calls.push(call);
    const want = queue.shift();
    if (!want) {
      problems.push(`unexpected request #${calls.length}: ${method} ${redact(url)} ${body}`);
      return new Response("unexpected", { status: 599 });
    }
    try {
      checkCall(call, want, calls.length);
    } catch (e) {
      problems.push(e.message);
      return new Response("wrong request", { status: 599 });
    }
    const r = want.respond ?? { json: ok };
    const text = r.text ?? JSON.stringify(r.json);
    return new Response(text, {
      status: r.status ?? 200,
      headers: { "content-type": r.contentType ?? (r.text !== undefined ? "text/html" : "application/json") },
    });
  };
  return {
    fetch,
    calls,
    randoms: () => calls.map((c) => Number(new URL(c.url).searchParams.get("random"))),
    verify() {
      if (queue.length) problems.push(`${queue.length} expected request(s) never made: ${queue.map((q) => q.endpoint).join(", ")}`);
      if (problems.length) assert.fail(problems.join("\n"));
    },
  };
}

function redact(url) {
  return String(url).split(SIG).join("<usersig>");
}

function checkCall(call, want, n) {
  const where = `request #${n} (${want.endpoint})`;
  assert.equal(call.method, "POST", `${where}: method`);
  const u = new URL(call.url);
  assert.equal(`${u.protocol}//${u.host}`, BASE, `${where}: origin`);
  assert.equal(u.pathname, `/v4/${want.endpoint}`, `${where}: path`);
  const keys = [...u.searchParams.keys()];
  assert.deepEqual(keys, ["sdkappid", "identifier", "usersig", "random", "contenttype"], `${where}: query keys`);
  assert.equal(u.searchParams.get("sdkappid"), String(SDKAPPID), `${where}: sdkappid`);
  assert.equal(u.searchParams.get("identifier"), want.identifier ?? ADMIN, `${where}: identifier`);
  assert.equal(u.searchParams.get("usersig"), want.usersig ?? SIG, `${where}: usersig`);
  assert.equal(u.searchParams.get("contenttype"), "json", `${where}: contenttype`);
  const random = u.searchParams.get("random");
  assert.match(random, /^(0|[1-9][0-9]{0,9})$/, `${where}: random is a decimal u32`);
  assert.ok(Number(random) <= 4294967295, `${where}: random <= u32::MAX`);
  assert.equal(typeof call.body, "string", `${where}: body is a string`);
  let parsed;
  try {
    parsed = JSON.parse(call.body);
  } catch {
    assert.fail(`${where}: body is not JSON: ${call.body}`);
  }
  assert.deepEqual(parsed, want.body, `${where}: body`);
}

export default function register(test, ctx) {
  const { TimClient, isTimError } = ctx.pkg;
  // These tests pin the wire and the error classification of ONE request, so
  // retries are off here; robust.mjs tests the default retrying client.
  const client = (fetch, extra = {}) =>
    new TimClient({ sdkAppId: SDKAPPID, identifier: ADMIN, userSig: () => SIG, baseUrl: BASE, fetch, retry: false, ...extra });

  // -------------------------------------------------------------- every command

  test("stub: getList sends the four cursors and AssistFlags 63, parses the sample", async () => {
    const sample = {
      SessionItem: [
        { Type: 1, To_Account: "id2", MsgTime: 1630997627, TopFlag: 1 },
        { Type: 2, GroupId: "id3", MsgTime: 1630997628, TopFlag: 1 },
        { Type: 1, To_Account: "id4", MsgTime: 1630997630, TopFlag: 0 },
        { Type: 2, GroupId: "@TGS#1B2AUI7RZ", MsgTime: 1775185968, TopFlag: 0, StandardMark: "111001", CustomMark: "abcd", ContactGroupId: [1, 2] },
      ],
      CompleteFlag: 0,
      TimeStamp: 1631012800,
      StartIndex: 3,
      TopTimeStamp: 1631012801,
      TopStartIndex: 2,
      ...ok,
    };
    const stub = fetchStub([
      {
        endpoint: "recentcontact/get_list",
        body: { From_Account: "id1", TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 63 },
        respond: { json: sample },
      },
      {
        endpoint: "recentcontact/get_list",
        body: { From_Account: "id1", TimeStamp: 1631012800, StartIndex: 3, TopTimeStamp: 1631012801, TopStartIndex: 2, AssistFlags: 7 },
        respond: { json: { SessionItem: [], CompleteFlag: 1, TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, ...ok } },
      },
    ]);
    const tim = client(stub.fetch);
    const page = await tim.getList({ fromAccount: "id1" });
    assert.deepEqual(page, {
      items: [
        { conversation: c2c("id2"), msgTime: 1630997627, pinned: true, marks: marksOf(0), groupIds: [] },
        { conversation: group("id3"), msgTime: 1630997628, pinned: true, marks: marksOf(0), groupIds: [] },
        { conversation: c2c("id4"), msgTime: 1630997630, pinned: false, marks: marksOf(0), groupIds: [] },
        {
          conversation: group("@TGS#1B2AUI7RZ"),
          msgTime: 1775185968,
          pinned: false,
          standardMark: "111001",
          marks: marksOf(0b111001),
          customMark: "abcd",
          groupIds: [1, 2],
        },
      ],
      complete: false,
      nextCursor: { timeStamp: 1631012800, startIndex: 3, topTimeStamp: 1631012801, topStartIndex: 2 },
    });
    const last = await tim.getList({ fromAccount: "id1", cursor: page.nextCursor, assistFlags: 7 });
    assert.equal(last.complete, true);
    assert.deepEqual(last.items, []);
    stub.verify();
    const [r1, r2] = stub.randoms();
    assert.notEqual(r1, r2, "random differs between calls");
  });

  test("stub: getContactGroup sends StartIndex and parses the sample", async () => {
    const stub = fetchStub([
      {
        endpoint: "recentcontact/get_contact_group",
        body: { From_Account: "user0", StartIndex: 0 },
        respond: {
          json: {
            ContactItem: [
              { Type: 1, To_Account: "teacher4", StandardMark: "111001", ContactGroupId: [1, 2], Timestamp: 1670843110 },
              { Type: 2, ToGroupId: "@TGS#1N3RSUYG2", StandardMark: "111001", CustomMark: "abcd", Timestamp: 1672998266 },
            ],
            GroupItem: [
              { GroupName: "test1x", GroupId: 1 },
              { GroupName: "test10", GroupId: 2 },
            ],
            CompleteFlag: 0,
            NextStartIndex: 2,
            ActionStatus: "OK",
            ErrorCode: 0,
            ErrorInfo: "",
          },
        },
      },
      {
        endpoint: "recentcontact/get_contact_group",
        body: { From_Account: "user0", StartIndex: 2 },
        respond: { json: { ContactItem: [], GroupItem: [], CompleteFlag: 1, NextStartIndex: 0, ...ok } },
      },
    ]);
    const tim = client(stub.fetch);
    const page = await tim.getContactGroup({ fromAccount: "user0" });
    assert.deepEqual(page, {
      items: [
        { conversation: c2c("teacher4"), standardMark: "111001", marks: marksOf(57), groupIds: [1, 2], timestamp: 1670843110 },
        { conversation: group("@TGS#1N3RSUYG2"), standardMark: "111001", marks: marksOf(57), customMark: "abcd", groupIds: [], timestamp: 1672998266 },
      ],
      groups: [
        { name: "test1x", id: 1 },
        { name: "test10", id: 2 },
      ],
      complete: false,
      nextStartIndex: 2,
    });
    const next = await tim.getContactGroup({ fromAccount: "user0", startIndex: page.nextStartIndex });
    assert.equal(next.complete, true);
    stub.verify();
  });

  test("stub: searchContactGroup sends ContactItem and parses the 2026 sample", async () => {
    const stub = fetchStub([
      {
        endpoint: "recentcontact/search_contact_group",
        body: { From_Account: "user_0001", ContactItem: [{ Type: 1, To_Account: "user_0002" }, { Type: 2, ToGroupId: "@TGS#1B2AUI7RZ" }] },
        respond: {
          json: {
            ContactResultItem: [
              { Type: 1, To_Account: "user_0002", StandardMark: "11111110", CustomMark: "abcde", ContactGroupId: [1, 2], Timestamp: 1775217000 },
              { Type: 2, ToGroupId: "@TGS#1B2AUI7RZ", StandardMark: "", ContactGroupId: [1], Timestamp: 1775186067 },
            ],
            GroupItem: [
              { GroupName: "group_0001", GroupId: 1 },
              { GroupName: "group_0002", GroupId: 2 },
            ],
            ActionStatus: "OK",
            ErrorCode: 0,
            ErrorInfo: "",
          },
        },
      },
    ]);
    const res = await client(stub.fetch).searchContactGroup({
      fromAccount: "user_0001",
      conversations: [c2c("user_0002"), group("@TGS#1B2AUI7RZ")],
    });
    assert.deepEqual(res, {
      items: [
        { conversation: c2c("user_0002"), standardMark: "11111110", marks: marksOf(0b11111110), customMark: "abcde", groupIds: [1, 2], timestamp: 1775217000 },
        { conversation: group("@TGS#1B2AUI7RZ"), standardMark: "", marks: marksOf(0), groupIds: [1], timestamp: 1775186067 },
      ],
      groups: [
        { name: "group_0001", id: 1 },
        { name: "group_0002", id: 2 },
      ],
    });
    stub.verify();
  });

  test("stub: updateContactGroup rename sends UpdateGroupType 1", async () => {
    const stub = fetchStub([
      {
        endpoint: "recentcontact/update_contact_group",
        body: { From_Account: "user_0001", UpdateType: 1, UpdateGroup: { UpdateGroupType: 1, OldGroupName: "group_0001", NewGroupName: "group_0002" } },
        respond: {
          json: { UpdateType: 1, UpdateGroupResult: { UpdateGroupType: 1, GroupName: "group_0002", GroupId: 1, OldGroupName: "group_0001" }, ...ok },
        },
      },
    ]);
    const res = await client(stub.fetch).updateContactGroup({ fromAccount: "user_0001", groupName: "group_0001", newName: "group_0002" });
    assert.deepEqual(res, { kind: "rename", groupName: "group_0002", groupId: 1, oldGroupName: "group_0001", results: [] });
    stub.verify();
  });

  test("stub: updateContactGroup add/remove sends ContactUpdateItem (adds first)", async () => {
    const stub = fetchStub([
      {
        endpoint: "recentcontact/update_contact_group",
        body: {
          From_Account: "user_0001",
          UpdateType: 1,
          UpdateGroup: {
            UpdateGroupType: 2,
            OldGroupName: "group_0001",
            ContactUpdateItem: [
              { ContactOptType: 1, ContactItem: { Type: 1, To_Account: "user_0002" } },
              { ContactOptType: 2, ContactItem: { Type: 2, ToGroupId: "@TGS#1B2AUI7RZ" } },
            ],
          },
        },
        respond: {
          json: {
            UpdateType: 1,
            UpdateGroupResult: {
              UpdateGroupType: 2,
              GroupName: "group_0001",
              GroupId: 1,
              OldGroupName: "group_0001",
              ContactResultItem: [
                { ContactOptType: 1, ContactItem: { Type: 1, To_Account: "user_0002" }, ResultCode: 0, ResultInfo: "" },
                { ContactOptType: 2, ContactItem: { Type: 2, ToGroupId: "@TGS#1B2AUI7RZ" }, ResultCode: 51010, ResultInfo: "not in group" },
              ],
            },
            ActionStatus: "OK",
            ErrorCode: 0,
            ErrorInfo: "",
          },
        },
      },
    ]);
    const res = await client(stub.fetch).updateContactGroup({
      fromAccount: "user_0001",
      groupName: "group_0001",
      remove: [group("@TGS#1B2AUI7RZ")],
      add: [c2c("user_0002")],
    });
    assert.deepEqual(res, {
      kind: "conversations",
      groupName: "group_0001",
      groupId: 1,
      oldGroupName: "group_0001",
      results: [
        { change: "add", conversation: c2c("user_0002"), ok: true, code: 0, info: "" },
        { change: "remove", conversation: group("@TGS#1B2AUI7RZ"), ok: false, code: 51010, info: "not in group" },
      ],
    });
    stub.verify();
  });

  test("stub: createContactGroup sends one GroupContactItem and parses the result", async () => {
    const stub = fetchStub([
      {
        endpoint: "recentcontact/create_contact_group",
        body: { From_Account: "user15", GroupContactItem: [{ GroupName: "test0", ContactItem: [{ Type: 1, To_Account: "user0" }] }] },
        respond: {
          json: {
            GroupResultItem: [
              { GroupItem: { GroupName: "test0", GroupId: 2 }, ResultItem: [{ ContactItem: { Type: 1, To_Account: "user0" }, ResultCode: 0, ResultInfo: "" }] },
            ],
            ...ok,
          },
        },
      },
    ]);
    const res = await client(stub.fetch).createContactGroup({ fromAccount: "user15", groupName: "test0", conversations: [c2c("user0")] });
    assert.deepEqual(res, { group: { name: "test0", id: 2 }, results: [{ conversation: c2c("user0"), ok: true, code: 0, info: "" }] });
    stub.verify();
  });

  test("stub: delContactGroup sends GroupName as an array", async () => {
    const stub = fetchStub([
      {
        endpoint: "recentcontact/del_contact_group",
        body: { From_Account: "user15", GroupName: ["test0"] },
        respond: { json: { GroupItem: [{ GroupName: "test0", GroupId: 2 }], ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" } },
      },
    ]);
    const res = await client(stub.fetch).delContactGroup({ fromAccount: "user15", groupName: "test0" });
    assert.deepEqual(res, { deleted: [{ name: "test0", id: 2 }] });
    stub.verify();
  });

  test("stub: markContact derives OptType and sends sorted SetMark/ClearMark", async () => {
    const stub = fetchStub([
      {
        endpoint: "recentcontact/mark_contact",
        body: {
          From_Account: "user0",
          MarkItem: [
            { OptType: 3, ContactItem: { Type: 1, To_Account: "user1" }, SetMark: [1, 2, 3], CustomMark: "abcd" },
            { OptType: 1, ContactItem: { Type: 2, ToGroupId: "@TGS#g1" }, SetMark: [0, 40], ClearMark: [1] },
            { OptType: 2, ContactItem: { Type: 1, To_Account: "user2" }, CustomMark: "" },
          ],
        },
        respond: {
          json: {
            ResultItem: [
              { OptType: 3, ContactItem: { Type: 1, To_Account: "user1" }, ResultCode: 0, ResultInfo: "" },
              { OptType: 1, ContactItem: { Type: 2, ToGroupId: "@TGS#g1" }, ResultCode: 0, ResultInfo: "" },
              { OptType: 2, ContactItem: { Type: 1, To_Account: "user2" }, ResultCode: 51008, ResultInfo: "limit" },
            ],
            ...ok,
          },
        },
      },
    ]);
    const res = await client(stub.fetch).markContact({
      fromAccount: "user0",
      items: [
        { conversation: c2c("user1"), set: ["hide", "unread", "fold"], customMark: "abcd" },
        { conversation: group("@TGS#g1"), set: [40, "star"], clear: ["unread"] },
        { conversation: c2c("user2"), customMark: "" },
      ],
    });
    assert.deepEqual(res, {
      results: [
        { conversation: c2c("user1"), ok: true, code: 0, info: "" },
        { conversation: group("@TGS#g1"), ok: true, code: 0, info: "" },
        { conversation: c2c("user2"), ok: false, code: 51008, info: "limit" },
      ],
    });
    stub.verify();
  });

  test("stub: deleteContact spells ToGroupid (lower-case id) and sends ClearRamble", async () => {
    const stub = fetchStub([
      { endpoint: "recentcontact/delete", body: { From_Account: "id1", Type: 1, To_Account: "id2", ClearRamble: 1 } },
      { endpoint: "recentcontact/delete", body: { From_Account: "id1", Type: 2, ToGroupid: "id2", ClearRamble: 1 } },
      { endpoint: "recentcontact/delete", body: { From_Account: "id1", Type: 1, To_Account: "id3" } },
    ]);
    const tim = client(stub.fetch);
    const r = await tim.deleteContact({ fromAccount: "id1", conversation: c2c("id2"), clearRamble: true });
    assert.ok(r === undefined || r === null, "deleteContact resolves to nothing");
    await tim.deleteContact({ fromAccount: "id1", conversation: group("id2"), clearRamble: true });
    await tim.deleteContact({ fromAccount: "id1", conversation: c2c("id3") });
    stub.verify();
  });

  test("stub: snsGroupGet sends From_Account only by default, NeedFriend when asked", async () => {
    const stub = fetchStub([
      {
        endpoint: "sns/group_get",
        body: { From_Account: "id" },
        respond: {
          json: {
            ResultItem: [
              { GroupName: "group1", FriendNumber: 1 },
              { GroupName: "group2", FriendNumber: 2 },
              { GroupName: "group3", FriendNumber: 3 },
            ],
            CurrentSequence: 2,
            ...ok,
          },
        },
      },
      {
        endpoint: "sns/group_get",
        body: { From_Account: "id", NeedFriend: "Need_Friend_Type_Yes", GroupName: ["group1"] },
        respond: { json: { ResultItem: [{ GroupName: "group1", FriendNumber: 1, To_Account: ["friend1"] }], CurrentSequence: 2, ...ok } },
      },
    ]);
    const tim = client(stub.fetch);
    assert.deepEqual(await tim.snsGroupGet({ fromAccount: "id" }), {
      groups: [
        { name: "group1", friendCount: 1 },
        { name: "group2", friendCount: 2 },
        { name: "group3", friendCount: 3 },
      ],
      currentSequence: 2,
    });
    assert.deepEqual(await tim.snsGroupGet({ fromAccount: "id", needFriends: true, groupNames: ["group1"] }), {
      groups: [{ name: "group1", friendCount: 1, friends: ["friend1"] }],
      currentSequence: 2,
    });
    stub.verify();
  });

  test("stub: snsGroupAdd sends To_Account and parses per-friend results", async () => {
    const stub = fetchStub([
      {
        endpoint: "sns/group_add",
        body: { From_Account: "id", GroupName: ["group1", "group2", "group3"], To_Account: ["id1", "id2", "id3"] },
        respond: {
          json: {
            ResultItem: [
              { To_Account: "id1", ResultCode: 0, ResultInfo: "" },
              { To_Account: "id2", ResultCode: 32216, ResultInfo: "Err_SNS_GroupAdd_ToTinyId_Not_Friend" },
              { To_Account: "id3", ResultCode: 30002, ResultInfo: "ERR_SDKAPPID_ILLEGAL" },
            ],
            Fail_Account: ["id2", "id3"],
            CurrentSequence: 3,
            ...ok,
          },
        },
      },
      {
        endpoint: "sns/group_add",
        body: { From_Account: "id", GroupName: ["group4"] },
        respond: { json: { CurrentSequence: 4, ...ok } },
      },
    ]);
    const tim = client(stub.fetch);
    assert.deepEqual(await tim.snsGroupAdd({ fromAccount: "id", groupNames: ["group1", "group2", "group3"], friends: ["id1", "id2", "id3"] }), {
      currentSequence: 3,
      results: [
        { userId: "id1", ok: true, code: 0, info: "" },
        { userId: "id2", ok: false, code: 32216, info: "Err_SNS_GroupAdd_ToTinyId_Not_Friend" },
        { userId: "id3", ok: false, code: 30002, info: "ERR_SDKAPPID_ILLEGAL" },
      ],
      failedAccounts: ["id2", "id3"],
    });
    assert.deepEqual(await tim.snsGroupAdd({ fromAccount: "id", groupNames: ["group4"] }), { currentSequence: 4, results: [], failedAccounts: [] });
    stub.verify();
  });

  test("stub: snsGroupDelete parses the sample (ErrorInfo \"0\" on success)", async () => {
    const stub = fetchStub([
      {
        endpoint: "sns/group_delete",
        body: { From_Account: "id", GroupName: ["group1", "group2", "group3"] },
        respond: { json: { CurrentSequence: 4, ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "0", ErrorDisplay: "" } },
      },
    ]);
    assert.deepEqual(await client(stub.fetch).snsGroupDelete({ fromAccount: "id", groupNames: ["group1", "group2", "group3"] }), { currentSequence: 4 });
    stub.verify();
  });

  // -------------------------------------------------------------- invalid input

  const isInvalid = (field) => (e) => {
    assert.ok(e instanceof Error, "an Error instance");
    assert.equal(e.name, "TimError");
    assert.ok(isTimError(e), "isTimError");
    assert.equal(e.kind, "invalid_input");
    if (field instanceof RegExp) assert.match(e.field, field, "field");
    else assert.equal(e.field, field, "field");
  };
  const many = (n) => Array.from({ length: n }, (_, i) => c2c(`u${i}`));

  const invalidCases = [
    ["getList with an empty fromAccount", (t) => t.getList({ fromAccount: "" }), "fromAccount"],
    ["searchContactGroup with 301 conversations, the last one bad (all chunks are checked first)", (t) => t.searchContactGroup({ fromAccount: "a", conversations: [...many(300), c2c("")] }), "conversations[300].userId"],
    ["searchContactGroup with no conversations", (t) => t.searchContactGroup({ fromAccount: "a", conversations: [] }), "conversations"],
    ["createContactGroup with a 65-byte name", (t) => t.createContactGroup({ fromAccount: "a", groupName: "x".repeat(65) }), "groupName"],
    ["createContactGroup with a 22-char, 66-byte UTF-8 name", (t) => t.createContactGroup({ fromAccount: "a", groupName: "群".repeat(22) }), "groupName"],
    ["createContactGroup with a c2c ref with an empty userId", (t) => t.createContactGroup({ fromAccount: "a", groupName: "g", conversations: [c2c("")] }), "conversations[0].userId"],
    ["createContactGroup with a c2c ref without userId", (t) => t.createContactGroup({ fromAccount: "a", groupName: "g", conversations: [{ type: "c2c" }] }), /^conversations/],
    ["deleteContact with a group ref without groupId", (t) => t.deleteContact({ fromAccount: "a", conversation: { type: "group" } }), /^conversation/],
    ["markContact with custom bit 31", (t) => t.markContact({ fromAccount: "a", items: [{ conversation: c2c("b"), set: [31] }] }), /^items\[0\]\.set/],
    ["markContact with custom bit 64", (t) => t.markContact({ fromAccount: "a", items: [{ conversation: c2c("b"), clear: [64] }] }), /^items\[0\]\.clear/],
    ["markContact with 101 items, the last one bad (all chunks are checked first)", (t) => t.markContact({ fromAccount: "a", items: many(101).map((conversation, i) => ({ conversation, set: [i === 100 ? 31 : "star"] })) }), "items[100].set[0]"],
    ["updateContactGroup with both a rename and adds", (t) => t.updateContactGroup({ fromAccount: "a", groupName: "g", newName: "h", add: [c2c("b")] }), "newName"],
    ["snsGroupAdd with no group names", (t) => t.snsGroupAdd({ fromAccount: "a", groupNames: [] }), "groupNames"],
    ["getList with a misspelt key (fromAcount)", (t) => t.getList({ fromAccount: "a", fromAcount: "typo" }), "fromAcount"],
    ["markContact with a misspelt key inside an item", (t) => t.markContact({ fromAccount: "a", items: [{ conversation: c2c("b"), sett: ["star"] }] }), "items[0].sett"],
    ["searchContactGroup with a conversation of unknown type", (t) => t.searchContactGroup({ fromAccount: "a", conversations: [{ type: "room", userId: "x" }] }), /^conversations\[0\]/],
  ];
  for (const [name, call, field] of invalidCases) {
    test(`stub: invalid input rejected before fetch: ${name}`, async () => {
      const stub = fetchStub([]);
      let signed = 0;
      const tim = client(stub.fetch, { userSig: () => (signed++, SIG) });
      await assert.rejects(() => call(tim), isInvalid(field));
      stub.verify();
      assert.equal(signed, 0, "the signer was not called");
    });
  }


  test("stub: a bad config throws invalid_input from the constructor", async () => {
    for (const [cfg, field] of [
      [{ sdkAppId: 0 }, "sdkAppId"],
      [{ identifier: "" }, "identifier"],
      [{ baseUrl: "http://example.com" }, "baseUrl"],
    ]) {
      let err;
      try {
        new TimClient({ sdkAppId: SDKAPPID, identifier: ADMIN, userSig: () => SIG, baseUrl: BASE, ...cfg });
      } catch (e) {
        err = e;
      }
      assert.ok(err, `constructor throws for ${JSON.stringify(cfg)}`);
      assert.equal(err.name, "TimError");
      assert.equal(err.kind, "invalid_input");
      assert.equal(err.field, field);
    }
  });

  // -------------------------------------------------------------- errors after sending

  const noSigIn = (e) => {
    const fields = {};
    for (const k of ["name", "kind", "code", "info", "field", "endpoint", "random", "status", "message", "display"]) fields[k] = e[k];
    for (const text of [String(e), e.message, e.stack ?? "", JSON.stringify(fields, (_k, v) => (typeof v === "bigint" ? String(v) : v)), JSON.stringify(e)]) {
      assert.ok(!text.includes(SIG), `the UserSig leaked into: ${text.split(SIG).join("<usersig>")}`);
      assert.ok(!text.includes("SECRETsig"), "no part of the UserSig leaks");
    }
  };

  test("stub: an API error envelope becomes kind 'api' with code, info, endpoint and random", async () => {
    const stub = fetchStub([
      {
        endpoint: "recentcontact/create_contact_group",
        body: { From_Account: "a", GroupContactItem: [{ GroupName: "g", ContactItem: [] }] },
        respond: { json: { ActionStatus: "FAIL", ErrorCode: 51008, ErrorInfo: "too many conversations", ErrorDisplay: "" } },
      },
    ]);
    const e = await assert.rejects(() => client(stub.fetch).createContactGroup({ fromAccount: "a", groupName: "g" }), (e) => {
      assert.ok(e instanceof Error);
      assert.equal(e.name, "TimError");
      assert.ok(isTimError(e));
      assert.equal(e.kind, "api");
      assert.equal(e.code, 51008);
      assert.equal(e.info, "too many conversations");
      assert.equal(e.endpoint, "v4/recentcontact/create_contact_group");
    });
    stub.verify();
    assert.equal(e.random, stub.randoms()[0], "error.random is the request's random");
    noSigIn(e);
  });

  test("stub: HTTP 502 becomes kind 'transport' with status 502", async () => {
    const stub = fetchStub([
      {
        endpoint: "recentcontact/del_contact_group",
        body: { From_Account: "a", GroupName: ["g"] },
        respond: { status: 502, text: "<html><body>502 Bad Gateway</body></html>" },
      },
    ]);
    const e = await assert.rejects(() => client(stub.fetch).delContactGroup({ fromAccount: "a", groupName: "g" }), (e) => {
      assert.equal(e.name, "TimError");
      assert.equal(e.kind, "transport");
      assert.equal(e.status, 502);
    });
    stub.verify();
    noSigIn(e);
  });

  test("stub: an HTML body with status 200 becomes kind 'decode'", async () => {
    const stub = fetchStub([
      { endpoint: "sns/group_get", body: { From_Account: "a" }, respond: { status: 200, text: "<!doctype html><title>captive portal</title>" } },
    ]);
    const e = await assert.rejects(() => client(stub.fetch).snsGroupGet({ fromAccount: "a" }), (e) => {
      assert.equal(e.name, "TimError");
      assert.equal(e.kind, "decode");
    });
    stub.verify();
    noSigIn(e);
  });

  test("stub: a malformed answer names the JSON path of the bad field", async () => {
    const items = [
      { Type: 1, To_Account: "u1", StandardMark: "1" },
      { Type: 1, To_Account: "u2", StandardMark: "1", ContactGroupId: [1, "two"] },
    ];
    const stub = fetchStub([
      {
        endpoint: "recentcontact/get_contact_group",
        body: { From_Account: "user0", StartIndex: 0 },
        respond: { json: { ContactItem: items, GroupItem: [], CompleteFlag: 1, ...ok } },
      },
    ]);
    const e = await assert.rejects(() => client(stub.fetch).getContactGroup({ fromAccount: "user0" }), (e) => {
      assert.equal(e.kind, "decode");
      assert.equal(e.field, "ContactItem[1].ContactGroupId[1]");
      assert.ok(!/at line \d/.test(e.message), e.message);
    });
    stub.verify();
    noSigIn(e);
  });

  test("stub: a fetch that rejects becomes kind 'transport' without the UserSig", async () => {
    let calls = 0;
    const fetch = async (url) => {
      calls++;
      throw new TypeError(`fetch failed for ${url}`);
    };
    const e = await assert.rejects(() => client(fetch).snsGroupGet({ fromAccount: "a" }), (e) => {
      assert.equal(e.name, "TimError");
      assert.equal(e.kind, "transport");
    });
    assert.equal(calls, 1);
    noSigIn(e);
  });

  test("stub: a fetch option that resolves to no Response, or to a body that is not bytes, is kind 'transport'", async () => {
    const cases = [
      ["a number", async () => 42, /not a Response/],
      ["arrayBuffer() giving a number", async () => ({ status: 200, arrayBuffer: () => 5 }), /did not give an ArrayBuffer/],
      ["arrayBuffer() giving a string", async () => ({ status: 200, arrayBuffer: async () => "{}" }), /did not give an ArrayBuffer/],
    ];
    for (const [what, fetch, message] of cases) {
      const e = await assert.rejects(() => client(fetch).snsGroupGet({ fromAccount: "a" }), (e) => {
        assert.equal(e.name, "TimError", what);
        assert.equal(e.kind, "transport", what);
        assert.match(e.message, message, what);
      });
      noSigIn(e);
    }
    // A view of the bytes is read like the buffer itself.
    const json = new TextEncoder().encode(JSON.stringify({ CurrentSequence: 4, ...ok }));
    const padded = new Uint8Array(json.length + 8).fill(0x20);
    padded.set(json, 4);
    padded[0] = 0x7b; // a stray "{" outside the view: read, it would break the JSON
    const view = async () => ({ status: 200, arrayBuffer: async () => padded.subarray(4, 4 + json.length) });
    assert.deepEqual(await client(view).snsGroupDelete({ fromAccount: "a", groupNames: ["g"] }), { currentSequence: 4 });
  });

  test("stub: a refused connection through the global fetch is kind 'transport' without the UserSig", async () => {
    // Port 9 (discard) is closed here and blocked by browsers: the runtime's own fetch error.
    const tim = new TimClient({ sdkAppId: SDKAPPID, identifier: ADMIN, userSig: () => SIG, baseUrl: "http://127.0.0.1:9", timeoutMs: 5000 });
    const e = await assert.rejects(() => tim.snsGroupGet({ fromAccount: "a" }), (e) => {
      assert.equal(e.name, "TimError");
      assert.equal(e.kind, "transport");
    });
    noSigIn(e);
  });

  test("stub: a fetch that never answers becomes kind 'timeout'", async () => {
    const fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    await assert.rejects(() => client(fetch, { timeoutMs: 50 }).snsGroupGet({ fromAccount: "a" }), (e) => {
      assert.equal(e.name, "TimError");
      assert.equal(e.kind, "timeout");
    });
  });

  test("stub: invalid-input errors do not carry the UserSig either", async () => {
    const e = await assert.rejects(() => client(fetchStub([]).fetch).getList({ fromAccount: "" }), isInvalid("fromAccount"));
    noSigIn(e);
  });

  // -------------------------------------------------------------- the signer

  test("stub: a signer returning a Promise works and is called with the identifier", async () => {
    const asked = [];
    const stub = fetchStub([
      { endpoint: "sns/group_get", body: { From_Account: "a" }, usersig: "async-sig-1", respond: { json: { ResultItem: [], CurrentSequence: 0, ...ok } } },
      { endpoint: "sns/group_get", body: { From_Account: "a" }, usersig: "async-sig-2", respond: { json: { ResultItem: [], CurrentSequence: 0, ...ok } } },
    ]);
    let n = 0;
    const tim = client(stub.fetch, {
      userSig: async (identifier) => {
        asked.push(identifier);
        await new Promise((r) => setTimeout(r, 5));
        return `async-sig-${++n}`;
      },
    });
    await tim.snsGroupGet({ fromAccount: "a" });
    await tim.snsGroupGet({ fromAccount: "a" });
    stub.verify();
    assert.deepEqual(asked, [ADMIN, ADMIN]);
  });

  test("stub: a throwing signer gives kind 'signing' and no request", async () => {
    const stub = fetchStub([]);
    const tim = client(stub.fetch, {
      userSig: () => {
        throw new Error("key service down");
      },
    });
    await assert.rejects(() => tim.snsGroupGet({ fromAccount: "a" }), (e) => {
      assert.equal(e.name, "TimError");
      assert.equal(e.kind, "signing");
    });
    stub.verify();
  });

  test("stub: a rejecting or empty signer gives kind 'signing' and no request", async () => {
    const stub = fetchStub([]);
    await assert.rejects(() => client(stub.fetch, { userSig: () => Promise.reject(new Error("nope")) }).snsGroupGet({ fromAccount: "a" }), (e) => {
      assert.equal(e.kind, "signing");
    });
    await assert.rejects(() => client(stub.fetch, { userSig: () => "" }).snsGroupGet({ fromAccount: "a" }), (e) => {
      assert.equal(e.kind, "signing");
    });
    stub.verify();
  });

  test("stub: random is a u32 drawn afresh for every request", async () => {
    const N = 8;
    const stub = fetchStub(
      Array.from({ length: N }, () => ({ endpoint: "sns/group_delete", body: { From_Account: "a", GroupName: ["g"] }, respond: { json: { CurrentSequence: 1, ...ok } } })),
    );
    const tim = client(stub.fetch);
    for (let i = 0; i < N; i++) await tim.snsGroupDelete({ fromAccount: "a", groupNames: ["g"] });
    stub.verify();
    const randoms = stub.randoms();
    assert.equal(new Set(randoms).size, N, `distinct randoms: ${randoms}`);
    for (const r of randoms) assert.ok(Number.isInteger(r) && r >= 0 && r <= 4294967295, `u32: ${r}`);
  });
}
