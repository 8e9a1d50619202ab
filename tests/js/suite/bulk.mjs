// The bulk engine's exports (validateSnapshot, planSnapshot, TimClient's
// exportUser / applyUser / verifyUser) against the emulator's demo seed, in
// every runtime. Names start with "robust:" so each gets a fresh emulator.
import { assert } from "../lib/harness.mjs";

const SDKAPPID = 1400000000;
const ADMIN = "administrator";

export default function register(test, ctx) {
  const { TimClient, validateSnapshot, planSnapshot, isTimError } = ctx.pkg;
  const base = () => ctx.emulatorUrl.replace(/\/$/, "");
  const control = async (path, body) => {
    const init = body === undefined ? {} : { method: "POST", body: JSON.stringify(body) };
    const r = await fetch(`${base()}/__control/${path}`, init);
    if (!r.ok) throw new Error(`control ${path}: HTTP ${r.status}`);
    return r.json();
  };
  let sig;
  const client = async () => {
    sig ??= (await control("usersig", { identifier: ADMIN, expire: 86400 })).userSig;
    return new TimClient({ sdkAppId: SDKAPPID, identifier: ADMIN, userSig: () => sig, baseUrl: base() });
  };
  const WRITES = [
    "v4/recentcontact/create_contact_group",
    "v4/recentcontact/del_contact_group",
    "v4/recentcontact/update_contact_group",
    "v4/recentcontact/mark_contact",
    "v4/sns/group_add",
    "v4/sns/group_delete",
  ];
  const writes = async () => {
    const counts = await control("requests");
    return WRITES.reduce((n, e) => n + (counts[e] ?? 0), 0);
  };
  const rejects = async (promise) => {
    try {
      await promise;
    } catch (e) {
      return e;
    }
    throw new Error("expected a rejection");
  };
  const throws = (fn) => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    throw new Error("expected a throw");
  };
  const c2c = (userId) => ({ type: "c2c", userId });

  test("robust: bulk: exportUser carries the conversations only get_contact_group lists, and is plain JSON", async () => {
    const tim = await client();
    const s = await tim.exportUser("alice");
    assert.equal(s.version, 1);
    assert.equal(s.user, "alice");
    const find = (key) => s.conversations.find((c) => JSON.stringify(c.conversation) === JSON.stringify(key));
    const archived = find(c2c("alice_archived_peer"));
    assert.ok(archived, "alice_archived_peer is exported");
    assert.equal(archived.customMark, "vip");
    assert.deepEqual(archived.groups, ["Family", "Work"]);
    assert.equal(archived.marks, `1${"0".repeat(7)}1${"0".repeat(32)}`);
    assert.ok(find({ type: "group", groupId: "@TGS#old_team" }), "@TGS#old_team is exported");
    // Every field written; sorted; JSON round trip is lossless.
    for (const c of s.conversations) {
      assert.deepEqual(Object.keys(c).sort(), ["conversation", "customMark", "groups", "marks"]);
    }
    assert.deepEqual(s.conversationGroups, [...s.conversationGroups].sort());
    assert.ok(s.friendGroups.length > 0 && s.friendGroups.every((g) => Array.isArray(g.friends)));
    const line = JSON.stringify(s);
    assert.ok(!line.includes("\n"));
    assert.deepEqual(JSON.parse(line), s);
    assert.deepEqual(validateSnapshot(JSON.parse(line)), s);
  });

  test("robust: bulk: applyUser of an export to the same user plans no step and sends no write", async () => {
    const tim = await client();
    const s = await tim.exportUser("alice");
    const before = await writes();
    const report = await tim.applyUser(JSON.parse(JSON.stringify(s)), { prune: true });
    assert.deepEqual(report.plan, { user: "alice", steps: [], writes: 0 });
    assert.deepEqual(report.executed, []);
    assert.equal(report.ok, true);
    assert.equal(report.before, undefined, "no before unless asked");
    assert.equal(await writes(), before);
    const kept = await tim.applyUser(s, { keepBefore: true });
    assert.deepEqual(JSON.parse(JSON.stringify(kept.before)), JSON.parse(JSON.stringify(s)), "before is the live state read");
    const v = await tim.verifyUser(s, { prune: true });
    assert.equal(v.matches, true);
    assert.equal(v.user, "alice");
  });

  test("robust: bulk: planSnapshot on a changed copy gives the expected steps; applyUser executes them", async () => {
    const tim = await client();
    const live = await tim.exportUser("alice");
    const desired = structuredClone(live);
    const carol = desired.conversations.find((c) => c.conversation.userId === "carol");
    carol.marks = "1"; // star only (whatever carol had)
    carol.customMark = "";
    carol.groups = ["Brand new"];
    desired.conversationGroups.push("Brand new");
    desired.friendGroups = desired.friendGroups.filter((g) => g.name !== "Family");
    const plan = planSnapshot(desired, live);
    const ops = plan.steps.map((s) => s.op);
    assert.equal(plan.writes, plan.steps.length);
    assert.ok(!ops.includes("deleteFriendGroups"), "without prune, nothing is deleted");
    const create = plan.steps.find((s) => s.op === "createGroup");
    assert.deepEqual(create, { op: "createGroup", name: "Brand new", conversations: [c2c("carol")] });
    assert.ok(ops.indexOf("createGroup") >= 0);
    const pruned = planSnapshot(desired, live, { prune: true });
    assert.deepEqual(pruned.steps.filter((s) => s.op === "deleteFriendGroups"), [{ op: "deleteFriendGroups", names: ["Family"] }]);
    // A partial line manages only what it names.
    const partial = planSnapshot({ version: 1, user: "alice", conversations: [{ conversation: c2c("erin"), marks: "1" }] }, live, { prune: true });
    assert.ok(partial.steps.every((s) => s.op === "mark" || s.op === "customMark" || s.op === "removeFromGroup"));

    const dry = await tim.applyUser(desired, { dryRun: true, prune: true });
    assert.deepEqual(dry.plan, pruned);
    assert.deepEqual(dry.executed, []);
    const report = await tim.applyUser(desired, { prune: true });
    assert.equal(report.ok, true, JSON.stringify(report.executed));
    assert.deepEqual(report.executed.map((e) => e.op), pruned.steps.map((s) => s.op));
    assert.deepEqual(report.executed.map((e) => e.step), pruned.steps.map((_, i) => i));
    const made = report.executed.find((e) => e.op === "createGroup");
    assert.deepEqual(made.results, [{ conversation: c2c("carol"), ok: true, code: 0, info: "" }]);
    assert.equal((await tim.verifyUser(desired, { prune: true })).matches, true);
    const after = await tim.exportUser("alice");
    assert.deepEqual(after.conversations.find((c) => c.conversation.userId === "carol").groups, ["Brand new"]);
  });

  test("robust: bulk: bad input names the field", async () => {
    const tim = await client();
    const cases = [
      [{ version: 2, user: "a" }, "version"],
      [{ user: "a" }, "version"],
      [{ version: 1, user: "" }, "user"],
      [{ version: 1, user: "a", convesations: [] }, "convesations"],
      [{ version: 1, user: "a", conversations: [{ conversation: c2c("b") }, { conversation: c2c("c"), marks: "12" }] }, "conversations[1].marks"],
      [{ version: 1, user: "a", conversations: [{ conversation: c2c("b") }, { conversation: c2c("b") }] }, "conversations[1].conversation"],
      [{ version: 1, user: "a", conversationGroups: ["x".repeat(65)] }, "conversationGroups[0]"],
      [{ version: 1, user: "a", friendGroups: [{ name: "F", friends: ["b", "b"] }] }, "friendGroups[0].friends[1]"],
    ];
    for (const [value, field] of cases) {
      const e = throws(() => validateSnapshot(value));
      assert.ok(isTimError(e), String(e));
      assert.equal(e.kind, "invalid_input");
      assert.equal(e.field, field, `${JSON.stringify(value)}: ${e.message}`);
      const r = await rejects(tim.applyUser(value));
      assert.equal(r.field, field);
    }
    assert.equal(throws(() => validateSnapshot(undefined)).field, "snapshot");
    const live = await tim.exportUser("bob");
    const desired = { version: 1, user: "alice" };
    assert.equal(throws(() => planSnapshot(desired, live)).field, "live.user");
    assert.equal(throws(() => planSnapshot(desired, { ...live, user: "alice", conversations: [{ conversation: c2c("x"), marks: "2" }] })).field, "live.conversations[0].marks");
    assert.equal(throws(() => planSnapshot(desired, live, { prun: true })).field, "prun");
    // Unknown option keys, per method.
    assert.equal((await rejects(tim.exportUser("alice", { concurrency: 2 }))).field, "concurrency");
    assert.equal((await rejects(tim.verifyUser(desired, { dryRun: true }))).field, "dryRun");
    assert.equal((await rejects(tim.applyUser(desired, { dryrun: true }))).field, "dryrun");
    assert.equal((await rejects(tim.exportUser(42))).field, "userId");
    assert.equal((await rejects(tim.exportUser(""))).field, "user");
    // An aborted export rejects as aborted.
    const ac = new AbortController();
    ac.abort();
    assert.equal((await rejects(tim.exportUser("alice", { signal: ac.signal }))).kind, "aborted");
  });

  test("robust: tim-contacts/bulk runs here too: an ordered export of several users, a JSON Lines round trip, an apply that sends no write", async () => {
    const bulk = await import(new URL("../../../pkg/bulk.js", import.meta.url).href);
    const tim = await client();
    const users = ["erin", "alice", "nobody_here", "bob"];
    const out = [];
    for await (const e of bulk.exportUsers({ client: tim, users, concurrency: 2 })) out.push(e);
    assert.deepEqual(out.map((e) => [e.index, e.user]), users.map((u, i) => [i, u]));
    assert.ok(out[2].error && isTimError(out[2].error), "an unknown user is an error entry, the job goes on");
    const text = out.filter((e) => e.snapshot).map((e) => bulk.toJsonLine(e.snapshot)).join("");
    const back = [];
    for await (const line of bulk.parseJsonLines(text)) back.push(line);
    assert.equal(back.length, 3);
    assert.equal(back[1].user, "alice");
    const before = await writes();
    const reports = [];
    for await (const e of bulk.applyUsers({ client: tim, desired: back, validateSnapshot })) reports.push(e);
    assert.equal(reports.length, 3);
    assert.ok(reports.every((e) => e.report && e.report.ok && e.report.plan.steps.length === 0), JSON.stringify(reports.map((e) => e.error?.message)));
    assert.equal(await writes(), before, "re-applying an export sends no write");
  });
}
