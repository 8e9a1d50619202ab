// The npm package's in-process emulator (emulator/pkg/index.js): options, control operations,
// the virtual clock, faults as a fetch caller sees them, transport answers, the log line.
// The request-level behaviour is the Rust behaviour tests' (scripts/ci/emulator-forms).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createEmulator, virtualClock, EmulatorError, IN_PROCESS_URL } from "../../pkg/index.js";

const SEED = {
  users: {
    alice: { friends: ["bob"], friendGroups: [{ name: "Colleagues", members: ["bob"] }], friendGroupSequence: 1 },
    bob: {},
  },
};
const APPID = 1400000000;

function api(emu, cmd, body, { sig, identifier = "administrator", signal } = {}) {
  const q = new URLSearchParams({ sdkappid: String(emu.sdkAppId), identifier, usersig: sig ?? emu.mintUserSig(identifier), random: "7", contenttype: "json" });
  return emu.fetch(`${emu.url}/v4/${cmd}?${q}`, { method: "POST", body: JSON.stringify(body), signal });
}
const json = async (r) => JSON.parse(await r.text());

test("options: an unknown option or a bad value throws an EmulatorError naming it", () => {
  const named = (opts, word) => assert.throws(() => createEmulator(opts), (e) => e instanceof EmulatorError && e.message.includes(word), word);
  named({ rateLimt: 1 }, "rateLimt");
  named({ seed: { users: { a: { friendGroups: [{ name: "x", members: ["nobody"] }] } } } }, "seed");
  named({ seed: "{not json" }, "seed");
  named({ faults: { rate: 2 } }, "faults.rate");
  named({ faults: { kinds: ["boom"] } }, "boom");
  named({ admins: [] }, "admins");
  named({ clock: {} }, "clock");
  named({ faultSeed: -1 }, "faultSeed");
  named({ log: "yes" }, "log");
  named([], "object");
});

test("control operations: state, reset, config, requests, mintUserSig; close", async () => {
  const emu = createEmulator({ seed: SEED, sdkAppId: APPID, admins: ["ops", "administrator"], rateLimit: 7, getListPageSize: 3 });
  assert.equal(emu.url, IN_PROCESS_URL);
  assert.deepEqual(emu.admins, ["ops", "administrator"]);
  assert.deepEqual(Object.keys(emu.state().users), ["alice", "bob"]);
  assert.equal(emu.config().rateLimit, 7);
  assert.equal(emu.config({ getListPageSize: 5 }).getListPageSize, 5);
  assert.throws(() => emu.config({ bogus: 1 }), (e) => e instanceof EmulatorError && e.message.includes("bogus"));
  const ok = await json(await api(emu, "sns/group_add", { From_Account: "alice", GroupName: ["New"] }));
  assert.equal(ok.ErrorCode, 0);
  assert.deepEqual(emu.state().users.alice.friendGroups.map((g) => g.name), ["Colleagues", "New"]);
  assert.deepEqual(emu.requests(), { "v4/sns/group_add": 1 });
  emu.clearRequests();
  assert.deepEqual(emu.requests(), {});
  // reset: the startup seed and config again; or a new seed
  assert.deepEqual(emu.reset(), { ok: true, users: 2 });
  assert.deepEqual(emu.state().users.alice.friendGroups.map((g) => g.name), ["Colleagues"]);
  assert.equal(emu.config().getListPageSize, 3);
  assert.equal(emu.reset({ users: { carol: {} } }).users, 1);
  assert.throws(() => emu.reset({ users: 5 }), EmulatorError);
  assert.deepEqual(Object.keys(emu.state().users), ["carol"], "a bad seed changes nothing");
  // UserSigs: the first admin by default, any identifier asked
  const sig = emu.mintUserSig();
  assert.ok(typeof sig === "string" && sig.length > 40);
  assert.equal(typeof emu.userSig("ops"), "string");
  emu.close();
  assert.throws(() => emu.state(), /closed/);
  await assert.rejects(async () => api(emu, "sns/group_get", {}, { sig }), /closed/);
});

test("virtual clock: a UserSig expires and the rate limit refills when the test advances it", async () => {
  const clock = virtualClock(1_700_000_000_000);
  const emu = createEmulator({ seed: SEED, clock, rateLimit: 2 });
  const sig = emu.mintUserSig({ identifier: "administrator", expire: 100 });
  const get = async () => (await json(await api(emu, "sns/group_get", { From_Account: "alice" }, { sig }))).ErrorCode;
  assert.equal(await get(), 0);
  assert.equal(await get(), 0);
  assert.equal(await get(), 60007, "over 2 calls per second");
  clock.advance(1000);
  assert.equal(await get(), 0, "refilled after one virtual second");
  clock.advance(99_000);
  assert.equal(await get(), 0, "at time + expire: still valid");
  clock.advance(1000);
  assert.equal(await get(), 70001, "expired");
  // minted UserSigs carry the clock's time
  clock.set(1_800_000_000_000);
  const minted = await json(await emu.fetch(`${emu.url}/__control/usersig`, { method: "POST", body: "{}" }));
  assert.equal(minted.time, 1_800_000_000);
  assert.throws(() => clock.advance(-1), EmulatorError);
  assert.throws(() => virtualClock(Number.NaN), EmulatorError);
});

test("faults as a fetch caller sees them: 502, drop (TypeError, not applied), truncate, drop-after (applied), delay and abort", async () => {
  const emu = createEmulator({ seed: SEED });
  const add = (name, signal) => api(emu, "sns/group_add", { From_Account: "alice", GroupName: [name] }, { signal });
  emu.config({ faults: { script: ["http502", "drop", "truncate", "drop-after", "delay:200", "delay:5000"] } });
  const r502 = await add("g502");
  assert.equal(r502.status, 502);
  assert.match(r502.headers.get("content-type"), /text\/html/);
  await assert.rejects(add("gdrop"), (e) => e instanceof TypeError && e.cause?.code === "UND_ERR_SOCKET");
  const rt = await add("gtrunc");
  assert.equal(rt.status, 200);
  const cut = await rt.text();
  assert.ok(cut.startsWith("{"));
  assert.throws(() => JSON.parse(cut), SyntaxError);
  await assert.rejects(add("gafter"), TypeError);
  const t0 = performance.now();
  assert.equal((await json(await add("gdelay"))).ErrorCode, 0);
  assert.ok(performance.now() - t0 >= 190, "the delay fault waits");
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error("stop")), 50);
  const t1 = performance.now();
  await assert.rejects(add("gaborted", ac.signal), /stop/);
  assert.ok(performance.now() - t1 < 2000, "an abort ends the wait");
  const names = emu.state().users.alice.friendGroups.map((g) => g.name);
  assert.deepEqual(names, ["Colleagues", "gtrunc", "gafter", "gdelay"]);
});

test("a truncated answer is half of the JSON", async () => {
  const emu = createEmulator({ seed: SEED, faults: { script: ["none", "truncate"] } });
  const full = await (await api(emu, "sns/group_get", { From_Account: "alice" })).text();
  const half = await (await api(emu, "sns/group_get", { From_Account: "alice" })).text();
  assert.doesNotThrow(() => JSON.parse(full));
  assert.equal(half, full.slice(0, Math.floor(full.length / 2)));
  assert.throws(() => JSON.parse(half));
});

test("transport answers: preflight and CORS everywhere, a body over the limit is a 413, 404 off the API", async () => {
  const emu = createEmulator({ seed: SEED, maxBodyBytes: 1000 });
  const pre = await emu.fetch(`${emu.url}/v4/sns/group_get`, { method: "OPTIONS" });
  assert.equal(pre.status, 204);
  for (const r of [pre, await api(emu, "sns/group_get", { From_Account: "alice" }), await emu.fetch(`${emu.url}/__control/state`)]) {
    assert.equal(r.headers.get("access-control-allow-origin"), "*");
    assert.equal(r.headers.get("access-control-allow-methods"), "POST, OPTIONS");
  }
  const big = await api(emu, "sns/group_get", { From_Account: "alice", pad: "x".repeat(2000) });
  assert.equal(big.status, 413);
  assert.equal((await json(big)).ErrorCode, 60003);
  assert.equal((await emu.fetch(`${emu.url}/`)).status, 404);
  // any URL reaches it: the host is not looked at
  assert.equal((await emu.fetch("http://example.invalid/__control/config")).status, 200);
});

test("the log line: method, path, From_Account, code and duration; never the UserSig", async () => {
  const lines = [];
  const emu = createEmulator({ seed: SEED, log: (l) => lines.push(l) });
  const sig = emu.mintUserSig();
  await api(emu, "sns/group_get", { From_Account: "alice" }, { sig });
  await api(emu, "sns/group_get", { From_Account: "nobody" }, { sig });
  assert.match(lines.at(-2), /^POST \/v4\/sns\/group_get from=alice code=0 \d+\.\dms$/);
  assert.match(lines.at(-1), /^POST \/v4\/sns\/group_get from=nobody code=30003 \d+\.\dms$/);
  assert.ok(lines.every((l) => !l.includes(sig) && !l.includes("usersig")));
});

test("faultSeed makes the random faults repeatable", async () => {
  const run = async () => {
    const emu = createEmulator({ seed: SEED, faultSeed: 12345, faults: { rate: 0.5, kinds: ["http502"] } });
    const out = [];
    for (let i = 0; i < 40; i++) out.push((await api(emu, "sns/group_get", { From_Account: "alice" })).status);
    return out;
  };
  const a = await run();
  assert.deepEqual(a, await run());
  assert.ok(a.includes(502) && a.includes(200));
});
