// Every command end to end against the local emulator (reset before each
// test). The emulator's control endpoints are the test's signer backend: the
// page or process never holds the SecretKey.
import { assert } from "../lib/harness.mjs";

const SDKAPPID = 1400000000;
const ADMIN = "administrator";

export default function register(test, ctx) {
  const { TimClient, isTimError, decodeUserSig } = ctx.pkg;
  const base = () => {
    if (!ctx.emulatorUrl) throw new Error("no emulator URL given to the suite");
    return ctx.emulatorUrl.replace(/\/$/, "");
  };
  const control = async (path, body) => {
    const init = body === undefined ? {} : { method: "POST", body: JSON.stringify(body) };
    const r = await fetch(`${base()}/__control/${path}`, init);
    const text = await r.text();
    if (!r.ok) throw new Error(`control ${path}: HTTP ${r.status}: ${text}`);
    return JSON.parse(text);
  };
  const newUserSig = async () => (await control("usersig", { identifier: ADMIN, expire: 86400 })).userSig;
  let sig;
  const client = async (extra = {}) => {
    sig ??= await newUserSig();
    return new TimClient({ sdkAppId: SDKAPPID, identifier: ADMIN, userSig: () => sig, baseUrl: base(), ...extra });
  };
  const seedUser = async (user) => (await control("state")).users[user];
  const key = (c) => (c.type === "c2c" ? `c2c:${c.userId}` : `group:${c.groupId}`);
  const allConversations = async (tim, fromAccount) => {
    const seen = [];
    let cursor;
    let pages = 0;
    for (;;) {
      const page = await tim.getList({ fromAccount, cursor });
      pages++;
      seen.push(...page.items);
      if (page.complete) break;
      assert.ok(pages < 1000, "getList terminates");
      cursor = page.nextCursor;
    }
    return { items: seen, pages };
  };

  test("emulator: getList pages through a user's conversations until complete", async () => {
    await control("config", { getListPageSize: 7 });
    const tim = await client();
    const { items, pages } = await allConversations(tim, "bob");
    const expected = (await seedUser("bob")).conversations.length;
    assert.ok(pages > 1, `several pages (${pages})`);
    assert.equal(items.length, expected, "every conversation once");
    assert.equal(new Set(items.map((i) => key(i.conversation))).size, expected, "no duplicates");
    for (const i of items) {
      assert.ok(i.conversation.type === "c2c" || i.conversation.type === "group");
      assert.equal(typeof i.msgTime, "number");
      assert.equal(typeof i.pinned, "boolean");
      assert.ok(Array.isArray(i.groupIds));
      if (i.marks) assert.equal(typeof i.marks.value, "bigint");
    }
    const firstUnpinned = items.findIndex((i) => !i.pinned);
    if (firstUnpinned >= 0) assert.ok(items.slice(firstUnpinned).every((i) => !i.pinned), "pinned conversations come first");
  });

  test("emulator: getList of a user with no conversations is one complete empty page", async () => {
    const page = await (await client()).getList({ fromAccount: "frank" });
    assert.deepEqual(page.items, []);
    assert.equal(page.complete, true);
  });

  test("emulator: getContactGroup pages through group and mark data", async () => {
    await control("config", { contactGroupPageSize: 2 });
    const tim = await client();
    const items = [];
    let startIndex;
    let pages = 0;
    let groups;
    for (;;) {
      const page = await tim.getContactGroup({ fromAccount: "bob", startIndex });
      pages++;
      items.push(...page.items);
      groups = page.groups;
      if (page.complete) break;
      assert.ok(pages < 100, "terminates");
      startIndex = page.nextStartIndex;
    }
    const seed = await seedUser("bob");
    assert.ok(pages > 1, `several pages (${pages})`);
    assert.deepEqual(groups.map((g) => g.name).sort(), seed.contactGroups.map((g) => g.name).sort());
    assert.equal(items.length, seed.marks.length, "every conversation with data once");
    for (const i of items) {
      assert.equal(typeof i.marks.value, "bigint");
      assert.equal(i.standardMark, i.marks.value === 0n ? "" : i.marks.value.toString(2));
    }
  });

  test("emulator: conversation group life cycle with marks (create, add, mark, read back, rename, remove, delete)", async () => {
    const tim = await client();
    const { items } = await tim.getList({ fromAccount: "carol" });
    assert.ok(items.length >= 3, "carol has conversations");
    const [a, b, c] = items.map((i) => i.conversation);

    const created = await tim.createContactGroup({ fromAccount: "carol", groupName: "js-test", conversations: [a] });
    assert.equal(created.group.name, "js-test");
    assert.equal(typeof created.group.id, "number");
    assert.deepEqual(created.results, [{ conversation: a, ok: true, code: 0, info: "" }]);
    const gid = created.group.id;

    const added = await tim.updateContactGroup({ fromAccount: "carol", groupName: "js-test", add: [b, c] });
    assert.equal(added.kind, "conversations");
    assert.equal(added.groupId, gid);
    assert.deepEqual(added.results.map((r) => [r.change, key(r.conversation), r.ok]), [
      ["add", key(b), true],
      ["add", key(c), true],
    ]);

    const marked = await tim.markContact({
      fromAccount: "carol",
      items: [
        { conversation: a, set: ["star", 40], clear: ["unread"], customMark: "js-custom" },
        { conversation: b, set: [63, "fold"] },
      ],
    });
    assert.deepEqual(marked.results.map((r) => r.ok), [true, true]);

    const found = await tim.searchContactGroup({ fromAccount: "carol", conversations: [a, b, c] });
    const byKey = new Map(found.items.map((i) => [key(i.conversation), i]));
    const ia = byKey.get(key(a));
    assert.ok(ia, "a found");
    assert.equal(ia.marks.star, true);
    assert.equal(ia.marks.unread, false);
    assert.ok(ia.marks.custom.includes(40));
    assert.ok((ia.marks.value & (1n << 40n)) !== 0n && (ia.marks.value & 1n) === 1n, "bits 0 and 40 in value");
    assert.equal(ia.customMark, "js-custom");
    assert.ok(ia.groupIds.includes(gid));
    assert.equal(ia.standardMark, ia.marks.value.toString(2));
    const ib = byKey.get(key(b));
    assert.ok(ib.marks.custom.includes(63) && ib.marks.fold, "bit 63 and fold on b");
    assert.ok(ib.marks.value >= 1n << 63n, "bit 63 makes value >= 2^63 (a bigint)");
    assert.ok(found.groups.some((g) => g.id === gid && g.name === "js-test"));

    // The same data through getContactGroup.
    let all = [];
    let startIndex;
    for (;;) {
      const p = await tim.getContactGroup({ fromAccount: "carol", startIndex });
      all.push(...p.items);
      if (p.complete) break;
      startIndex = p.nextStartIndex;
    }
    const ga = all.find((i) => key(i.conversation) === key(a));
    assert.deepEqual(ga.marks, ia.marks);

    const renamed = await tim.updateContactGroup({ fromAccount: "carol", groupName: "js-test", newName: "js-renamed" });
    assert.deepEqual(
      { kind: renamed.kind, groupName: renamed.groupName, oldGroupName: renamed.oldGroupName, groupId: renamed.groupId },
      { kind: "rename", groupName: "js-renamed", oldGroupName: "js-test", groupId: gid },
    );

    const removed = await tim.updateContactGroup({ fromAccount: "carol", groupName: "js-renamed", remove: [c] });
    assert.deepEqual(removed.results.map((r) => [r.change, key(r.conversation), r.ok]), [["remove", key(c), true]]);
    const after = await tim.searchContactGroup({ fromAccount: "carol", conversations: [c] });
    assert.ok(!after.items.some((i) => i.groupIds.includes(gid)), "c left the group");

    const deleted = await tim.delContactGroup({ fromAccount: "carol", groupName: "js-renamed" });
    assert.deepEqual(deleted.deleted, [{ name: "js-renamed", id: gid }]);
    const final = await tim.searchContactGroup({ fromAccount: "carol", conversations: [a] });
    assert.ok(!final.groups.some((g) => g.id === gid), "group gone");
  });

  test("emulator: deleteContact removes a conversation from getList", async () => {
    const tim = await client();
    const before = await allConversations(tim, "dave");
    const victim = before.items[0].conversation;
    const r = await tim.deleteContact({ fromAccount: "dave", conversation: victim });
    assert.ok(r === undefined || r === null);
    const after = await allConversations(tim, "dave");
    assert.equal(after.items.length, before.items.length - 1);
    assert.ok(!after.items.some((i) => key(i.conversation) === key(victim)));
  });

  test("emulator: friend groups: get, add (with a per-item 32216 for a non-friend), delete", async () => {
    const tim = await client();
    const seed = await seedUser("bob");
    const got = await tim.snsGroupGet({ fromAccount: "bob", needFriends: true });
    assert.deepEqual(got.groups.map((g) => g.name).sort(), seed.friendGroups.map((g) => g.name).sort());
    for (const g of got.groups) {
      assert.ok(Array.isArray(g.friends), "friends listed when asked");
      assert.equal(g.friendCount, g.friends.length);
    }
    const plain = await tim.snsGroupGet({ fromAccount: "bob" });
    assert.ok(plain.groups.every((g) => g.friends === undefined), "no friends unless asked");

    const added = await tim.snsGroupAdd({ fromAccount: "bob", groupNames: ["js-friends"], friends: ["alice", "zz_not_a_friend"] });
    assert.ok(added.currentSequence > got.currentSequence, "sequence grows");
    const ra = added.results.find((r) => r.userId === "alice");
    const rz = added.results.find((r) => r.userId === "zz_not_a_friend");
    assert.deepEqual([ra.ok, ra.code], [true, 0]);
    assert.deepEqual([rz.ok, rz.code], [false, 32216]);
    assert.deepEqual(added.failedAccounts, ["zz_not_a_friend"]);

    const one = await tim.snsGroupGet({ fromAccount: "bob", needFriends: true, groupNames: ["js-friends"] });
    assert.deepEqual(one.groups, [{ name: "js-friends", friendCount: 1, friends: ["alice"] }]);

    const del = await tim.snsGroupDelete({ fromAccount: "bob", groupNames: ["js-friends"] });
    assert.ok(del.currentSequence > added.currentSequence);
    const again = await tim.snsGroupGet({ fromAccount: "bob" });
    assert.ok(!again.groups.some((g) => g.name === "js-friends"));
  });

  test("emulator: listFriends walks every friend once with its groups; the ungrouped have none; a cursor resumes", async () => {
    await control("config", { friendPageSize: 3 });
    const tim = await client();
    const seed = await seedUser("bob");
    const friends = await tim.listFriends("bob").collect();
    assert.deepEqual(friends.map((f) => f.userId), [...seed.friends].sort());
    for (const f of friends) {
      const want = seed.friendGroups.filter((g) => g.members.includes(f.userId)).map((g) => g.name);
      assert.deepEqual(f.groups, want, f.userId);
      assert.deepEqual(f.fields, []);
    }
    const ungrouped = friends.filter((f) => f.groups.length === 0).map((f) => f.userId);
    assert.ok(ungrouped.length > 0, "the demo seed has friends in no group");
    const pages = [];
    for await (const p of tim.listFriends("bob").pages()) pages.push(p);
    assert.equal(pages.length, Math.ceil(seed.friends.length / 3));
    assert.ok(pages.every((p) => p.friendCount === seed.friends.length));
    const list = tim.listFriends("bob");
    for (let i = 0; i < 4; i++) await list.next();
    const cursor = list.cursor;
    assert.equal(cursor, 3, "the cursor is the startIndex of the page being read");
    const rest = await tim.listFriends("bob", { cursor }).collect();
    assert.deepEqual(rest.map((f) => f.userId), friends.slice(3).map((f) => f.userId));
    const page = await tim.snsFriendGet({ fromAccount: "bob", startIndex: 3 });
    assert.equal(page.nextStartIndex, 6);
    assert.deepEqual(page.friends, friends.slice(3, 6));
  });

  test("emulator: deleting a missing conversation group is an API error 51009", async () => {
    const tim = await client();
    const e = await assert.rejects(() => tim.delContactGroup({ fromAccount: "bob", groupName: "no-such-group" }), (e) => {
      assert.ok(isTimError(e));
      assert.equal(e.kind, "api");
      assert.equal(e.code, 51009);
      assert.equal(e.endpoint, "v4/recentcontact/del_contact_group");
      assert.equal(typeof e.random, "number");
    });
    assert.ok(!String(e).includes(sig) && !JSON.stringify({ ...e, message: e.message }).includes(sig), "no UserSig in the error");
  });

  test("emulator: scripted faults without retries: error:60018 is kind api, http502 is kind transport", async () => {
    const tim = await client({ retry: false });
    await control("config", { faults: { script: ["error:60018", "http502"] } });
    await assert.rejects(() => tim.snsGroupGet({ fromAccount: "bob" }), (e) => {
      assert.equal(e.kind, "api");
      assert.equal(e.code, 60018);
    });
    await assert.rejects(() => tim.snsGroupGet({ fromAccount: "bob" }), (e) => {
      assert.equal(e.kind, "transport");
      assert.equal(e.status, 502);
    });
    const ok = await tim.snsGroupGet({ fromAccount: "bob" });
    assert.ok(ok.groups.length > 0, "the next call succeeds");
  });

  test("emulator: the signer can fetch a UserSig asynchronously from a backend", async () => {
    let calls = 0;
    const tim = new TimClient({
      sdkAppId: SDKAPPID,
      identifier: ADMIN,
      baseUrl: base(),
      userSig: async (identifier) => {
        calls++;
        return (await control("usersig", { identifier, expire: 600 })).userSig;
      },
    });
    await tim.snsGroupGet({ fromAccount: "alice" });
    await tim.getList({ fromAccount: "alice" });
    await Promise.all([tim.snsGroupGet({ fromAccount: "bob" }), tim.getList({ fromAccount: "bob" })]);
    assert.equal(calls, 1, "a decodable UserSig is cached until shortly before it expires");
    const uncached = new TimClient({
      sdkAppId: SDKAPPID,
      identifier: ADMIN,
      baseUrl: base(),
      cacheUserSig: false,
      userSig: async (identifier) => {
        calls++;
        return (await control("usersig", { identifier, expire: 600 })).userSig;
      },
    });
    await uncached.snsGroupGet({ fromAccount: "alice" });
    await uncached.getList({ fromAccount: "alice" });
    assert.equal(calls, 3, "cacheUserSig: false asks once per call");
  });

  test("emulator: a UserSig for another app is rejected by the server (kind api, 70xxx)", async () => {
    const tim = await client({ sdkAppId: SDKAPPID + 1 });
    await assert.rejects(() => tim.snsGroupGet({ fromAccount: "bob" }), (e) => {
      assert.equal(e.kind, "api");
      assert.ok(e.code >= 60000 && e.code < 80000, `code ${e.code}`);
    });
  });

  test("emulator: decodeUserSig reads a UserSig issued by the emulator", async () => {
    const s = await newUserSig();
    const info = decodeUserSig(s);
    assert.equal(info.identifier, ADMIN);
    assert.equal(info.sdkAppId, SDKAPPID);
    assert.equal(info.expire, 86400);
    assert.equal(info.expiresAt, info.time + 86400);
    assert.throws(() => decodeUserSig("not-a-usersig"), (e) => {
      assert.equal(e.kind, "invalid_input");
      assert.equal(e.field, "userSig");
    });
  });

  test("emulator: the emulator counted the requests", async () => {
    await control("requests/clear", {});
    const tim = await client();
    await tim.snsGroupGet({ fromAccount: "bob" });
    await tim.getList({ fromAccount: "bob" });
    const counts = await control("requests");
    const total = Object.values(counts).reduce((a, b) => a + Number(b), 0);
    assert.ok(total >= 2, `requests counted: ${JSON.stringify(counts)}`);
  });

  return {
    reset: async () => {
      await control("reset", {});
    },
  };
}
