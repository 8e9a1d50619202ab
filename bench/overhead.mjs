// Per-call overhead: the SDK's full client path (build, sign from the UserSig cache, fetch through
// an in-process stub returning canned JSON, parse, validate, map to camelCase, decode marks)
// against bench/baseline/minimal-client.mjs doing the same work through the same stub.
// Ratio = SDK time per call / minimal client time per call (lower is better).
// Both builds of the package: the Node entry's (opt-level 3) and the size build browsers load
// (opt-level z), the latter instantiated here in Node.
// Two fixed costs of this design are timed too (in Node): an empty async wasm-bindgen export
// around one awaited promise (bench/floor; every TimClient method awaits its fetch inside the
// wasm) and an AbortController + timer per call (behind timeouts and aborts; the SDK makes one
// even with timeoutMs: 0, so that dropping a call aborts its fetch; a JS wrapper with abortable
// timeouts would pay the AbortController too, the minimal client has none). They are printed
// against the minimal client's own work (its call minus the stub's cost), from separate runs.
import assert from "node:assert/strict";
import { compare, loadFloor, loadPkg, loadWebBuild, printRatios, x, fmtNs } from "./lib/harness.mjs";
import { MinimalClient } from "./baseline/minimal-client.mjs";

const sdk = await loadPkg();
const web = await loadWebBuild();
const SDKAPPID = 1400000000;
const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const userSig = sdk.genUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, identifier: "administrator", dangerouslyAllowBrowser: true });

// Canned answers -----------------------------------------------------------------------------
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const mark = () => {
  const r = rnd();
  if (r < 0.2) return "";
  let v = BigInt(1 + Math.floor(rnd() * 15));
  if (r > 0.8) v |= 1n << BigInt(32 + Math.floor(rnd() * 32));
  return v.toString(2);
};
const contactItems = [];
for (let i = 0; i < 100; i++) {
  const it = i % 3 === 2 ? { Type: 2, ToGroupId: `@TGS#2${String(i).padStart(8, "0")}` } : { Type: 1, To_Account: `user_${String(i).padStart(4, "0")}` };
  it.StandardMark = mark();
  if (rnd() < 0.3) it.CustomMark = `tag${i}`;
  if (rnd() < 0.5) it.ContactGroupId = rnd() < 0.5 ? [1] : [1, 3];
  it.Timestamp = 1700000000 + i * 37;
  contactItems.push(it);
}
const CONTACT_GROUP_JSON = JSON.stringify({
  ContactItem: contactItems,
  GroupItem: [1, 2, 3, 4].map((id) => ({ GroupName: `group ${id}`, GroupId: id })),
  CompleteFlag: 0,
  NextStartIndex: 100,
  ActionStatus: "OK",
  ErrorCode: 0,
  ErrorInfo: "",
});
const GET_LIST_JSON = JSON.stringify({
  SessionItem: [
    { Type: 1, To_Account: "user_0002", MsgTime: 1772612017, TopFlag: 1 },
    { Type: 2, GroupId: "@TGS#1B2AUI7RZ", MsgTime: 1772611968, TopFlag: 0, StandardMark: "111001", CustomMark: "abcd", ContactGroupId: [1, 2] },
    { Type: 1, To_Account: "user_0003", MsgTime: 1772605020, TopFlag: 0, StandardMark: "100000000000000000000000000000001", ContactGroupId: [1] },
    { Type: 1, To_Account: "user_0004", MsgTime: 1772600000, TopFlag: 0 },
  ],
  CompleteFlag: 0,
  TimeStamp: 1772600000,
  StartIndex: 1,
  TopTimeStamp: 1772612017,
  TopStartIndex: 1,
  ActionStatus: "OK",
  ErrorCode: 0,
  ErrorInfo: "",
  ErrorDisplay: "",
});
console.log(`canned answers: get_contact_group ${CONTACT_GROUP_JSON.length} B (100 items), get_list ${GET_LIST_JSON.length} B (4 items)`);

// The in-process stub: what `fetch` would return, with no network.
const stub = async (url) =>
  new Response(url.includes("get_contact_group") ? CONTACT_GROUP_JSON : GET_LIST_JSON, {
    status: 200,
    headers: { "content-type": "application/json" },
  });

const base = { sdkAppId: SDKAPPID, identifier: "administrator", baseUrl: "http://127.0.0.1:9", fetch: stub };
// rateLimit: false, or the default 200 calls/s pacing would be what we measure.
const tim = new sdk.TimClient({ ...base, userSig: () => userSig, rateLimit: false });
const timNoTimeout = new sdk.TimClient({ ...base, userSig: () => userSig, rateLimit: false, timeoutMs: 0 });
const timWeb = new web.TimClient({ ...base, userSig: () => userSig, rateLimit: false });
const mini = new MinimalClient({ ...base, userSig });
// The same wrapper with the SDK's default timeout (10 s: an AbortController and a timer per call).
const miniTimeout = new MinimalClient({ ...base, userSig, timeoutMs: 10000 });

const CG = { fromAccount: "alice", startIndex: 0 };
const GL = { fromAccount: "alice" };

// Same results first.
assert.deepEqual(await tim.getContactGroup(CG), await mini.getContactGroup(CG));
assert.deepEqual(await tim.getList(GL), await mini.getList(GL));
assert.deepEqual(await timWeb.getContactGroup(CG), await mini.getContactGroup(CG));
assert.deepEqual(await timWeb.getList(GL), await mini.getList(GL));
assert.deepEqual(await miniTimeout.getList(GL), await mini.getList(GL));
console.log("SDK and minimal client return deep-equal pages");

if (process.env.TIM_BENCH_PROFILE) {
  const n = Number(process.env.TIM_BENCH_PROFILE) > 1 ? Number(process.env.TIM_BENCH_PROFILE) : 20000;
  const t0 = performance.now();
  const which = process.env.TIM_BENCH_PROFILE_CALL ?? "both";
  const client = process.env.TIM_BENCH_BUILD === "web" ? timWeb : tim;
  if (which !== "getList") for (let i = 0; i < n; i++) await client.getContactGroup(CG);
  if (which !== "getContactGroup") for (let i = 0; i < n; i++) await client.getList(GL);
  console.log(`profile run (${which}): ${n} calls each in ${(performance.now() - t0).toFixed(0)} ms`);
  process.exit(0);
}

const results = [];
// What the minimal client does besides the stub: its call against the stub's own cost
// (new Response + reading the text), page by page.
const ownWork = {};
for (const [page, endpoint, call] of [
  ["100-item page", "get_contact_group", () => mini.getContactGroup(CG)],
  ["4-item page", "get_list", () => mini.getList(GL)],
]) {
  const r = await compare(`stub alone (new Response + text) vs the minimal client's call, ${page}`, {
    baseline: async () => (await stub(endpoint)).text(),
    candidate: call,
  });
  ownWork[page] = { stubNs: r.baselineNs, ownNs: r.candidateNs - r.baselineNs };
}
// The fixed costs of this design (see the top): skipped when bench/floor was not built.
const floorWasm = await loadFloor();
const asyncFloor =
  floorWasm &&
  (await compare("fixed cost: await a promise vs the same through an empty async wasm export", {
    baseline: async () => await Promise.resolve(1),
    candidate: async () => await floorWasm.pass(Promise.resolve(1)),
  }));
const signalFloor = await compare("fixed cost: nothing vs an AbortController + cleared timer per call", {
  baseline: async () => 1,
  candidate: async () => {
    const c = new AbortController();
    const id = setTimeout(() => c.abort(), 30000);
    const signal = c.signal;
    clearTimeout(id);
    return signal;
  },
});
const delta = (r) => (r ? r.candidateNs - r.baselineNs : 0);
const floorNs = delta(asyncFloor) + delta(signalFloor);

// [label, SDK client, note, baseline]: each row runs both calls against a minimal client.
const rows = [
  ["Node build", tim, "", mini],
  ["size build", timWeb, "", mini],
  ["Node build", timNoTimeout, ", timeoutMs: 0", mini],
  ["Node build", tim, ", both with timeouts", miniTimeout],
];
for (const [label, client, note, baseline] of rows) {
  results.push(await compare(`${label}: getContactGroup, 100-item page${note}`, {
    baseline: () => baseline.getContactGroup(CG),
    candidate: () => client.getContactGroup(CG),
  }));
  results.push(await compare(`${label}: getList, 4-item page${note}`, {
    baseline: () => baseline.getList(GL),
    candidate: () => client.getList(GL),
  }));
}

printRatios("per-call overhead: SDK time per call / minimal JS client time per call, lower is better", [
  ...results.map((r) => {
    const d = r.candidateNs - r.baselineNs;
    return [r.name, `${x(r.ratio)}  (SDK ${fmtNs(r.candidateNs)}, minimal ${fmtNs(r.baselineNs)}, ${d < 0 ? "-" : "+"}${fmtNs(Math.abs(d))}/call)`];
  }),
  [
    "fixed cost: empty async wasm export awaiting one promise",
    asyncFloor ? `+${fmtNs(delta(asyncFloor))} per call` : "not measured (bench/floor not built: bench/build-pkg.sh)",
  ],
  ["fixed cost: AbortController + timer (Node's AbortSignal)", `+${fmtNs(delta(signalFloor))} per call`],
  ...Object.entries(ownWork).map(([page, w]) => [
    `minimal client's own work, ${page}`,
    `${fmtNs(w.ownNs)} (its call minus the stub's ${fmtNs(w.stubNs)}); the fixed costs = ${x(floorNs / w.ownNs)} of it`,
  ]),
]);
