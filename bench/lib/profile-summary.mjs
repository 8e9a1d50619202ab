// Summarises a V8 .cpuprofile: top functions by self time, and self time per category
// (wasm by crate prefix, wasm-bindgen JS glue, Node internals, GC). Usage:
//   node bench/lib/profile-summary.mjs FILE.cpuprofile [topN]
import { readFileSync } from "node:fs";

const [file, topArg] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map(); // node id -> µs
const dts = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dts[i] ?? 0));

const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? f.url.replace(/^.*\//, "") : "";
  return `${f.functionName || "(anonymous)"} ${where}`.trim();
};
export function category(n) {
  const f = n.callFrame;
  const name = f.functionName;
  if (name === "(garbage collector)") return "GC";
  if (name === "(idle)" || name === "(program)" || name === "(root)") return name;
  if (f.url.startsWith("wasm://") || /^\$?wasm-function|::|^<|^_ZN/.test(name)) return "wasm: " + wasmCrate(name);
  if (/tim_contacts\.js$/.test(f.url)) return /^__wbg_|^__wbindgen|^getObject|^addHeapObject|^takeObject|^dropObject|^passStringToWasm|^getStringFromWasm|^getUint8ArrayMemory|^getDataViewMemory|^handleError|^debugString|^makeMutClosure|^isLikeNone|^getArrayU8FromWasm|^passArray|^real|^addToExternrefTable|^decodeText|^__wbg_adapter|^wasm_bindgen__/.test(name) ? "js glue: " + glueKind(name) : "js glue: other (" + name + ")";
  if (/minimal-client\.mjs|marks\.mjs$/.test(f.url)) return "baseline JS";
  if (/overhead\.mjs|harness\.mjs/.test(f.url)) return "bench harness + stub";
  if (f.url.startsWith("node:") || f.url === "" ) return "node/V8 builtins: " + (name || "(anonymous)");
  return "other: " + f.url.replace(/^.*\//, "");
}
function glueKind(name) {
  const m = name.match(/^__wbg_([a-zA-Z]+)_/);
  return m ? `__wbg_${m[1]}` : name;
}
export function wasmCrate(name) {
  const s = name.replace(/^\$/, "").replace(/^(<|&mut |&|dyn )+/g, "");
  const m = s.match(/^([A-Za-z_][A-Za-z0-9_]*)/);
  return m ? m[1] : s.slice(0, 30);
}

const total = [...self.values()].reduce((a, b) => a + b, 0);
const busy = [...self.entries()].filter(([id]) => !["(idle)", "(program)", "(root)"].includes(byId.get(id).callFrame.functionName)).reduce((a, [, v]) => a + v, 0);
const agg = (key) => {
  const m = new Map();
  for (const [id, us] of self) {
    const k = key(byId.get(id));
    m.set(k, (m.get(k) ?? 0) + us);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
};
const pct = (us) => `${((100 * us) / busy).toFixed(1)}%`.padStart(6);
console.log(`profile ${file}: ${(total / 1e3).toFixed(0)} ms sampled, ${(busy / 1e3).toFixed(0)} ms busy (shares below are of busy time)`);
console.log("\nself time by category:");
for (const [k, us] of agg(category).slice(0, 30)) console.log(`  ${pct(us)}  ${k}`);
// Phases of an SDK call: each sample goes to the first rule matching any frame of its stack.
const PHASES = [
  ["request in: JSON.stringify -> serde_json -> struct (convert::from_js)", (f) => /convert::from_js|serde_wasm_bindgen::de/.test(f.functionName)],
  ["result out: Rust -> JS objects (convert::to_js: the tape, or serde-wasm-bindgen)", (f) => /convert::to_js|serde_wasm_bindgen::ser|ObjectSerializer|ArraySerializer/.test(f.functionName)],
  ["response parse: serde_json into wire structs (api::decode_answer)", (f) => /serde_json::de|serde_json::read|serde_path_to_error|impl serde_core::de::Deserialize for tim_contacts/.test(f.functionName)],
  ["request body: serde_json::to_string", (f) => /serde_json::ser/.test(f.functionName)],
  ["UserSig from cache", (f) => /sigcache|JsSigner|usersig/.test(f.functionName)],
  ["stub fetch itself (new Response)", (f) => f.functionName === "stub" && /overhead\.mjs$/.test(f.url)],
  ["fetch call + Response body read + AbortController/timer", (f) => /FetchTransport|gloo_net|AbortController|AbortSignal|createAbortSignal|setTimeout|clearTimeout|Timeout|arrayBuffer|consumeBody|fullyReadBody|bodyUnusable|makeTransferable/.test(f.functionName) || /undici|abort_controller|webstreams|timers/.test(f.url)],
  ["random: crypto.getRandomValues per call", (f) => /random_u32|randomFillSync|getRandomValues/.test(f.functionName)],
  ["map wire structs -> model (core: conversation refs, mark decode)", (f) => /tim_contacts::marks|tim_contacts::model|tim_contacts::api::/.test(f.functionName) && !/drop_in_place/.test(f.functionName)],
  ["build URL / request", (f) => /build_url|api::.*build_|::build::/.test(f.functionName)],
  ["alloc / free / drop glue", (f) => /dlmalloc|__rust_alloc|__rust_dealloc|__rdl_|drop_in_place|RawVec/.test(f.functionName)],
  ["futures executor, promises, closures (wasm-bindgen-futures)", (f) => /js_sys::futures|wasm_bindgen_futures|singlethread|future_to_promise|Promise|makeMutClosure|__wbg_adapter|__wbindgen_generic|closure/.test(f.functionName)],
  ["GC", (f) => f.functionName === "(garbage collector)"],
];
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const phase = new Map();
const phaseLeaves = new Map();
for (const [id, us] of self) {
  const frames = [];
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) frames.push(byId.get(cur).callFrame);
  if (["(idle)", "(program)", "(root)"].includes(frames[0].functionName)) continue;
  const hit = PHASES.find(([, test]) => frames.some(test));
  const k = hit ? hit[0] : "other: " + category(byId.get(id));
  phase.set(k, (phase.get(k) ?? 0) + us);
  const leaves = phaseLeaves.get(k) ?? new Map();
  const leaf = label(byId.get(id)).replace(/::h[0-9a-f]{16}/, "").replace(/ tim_contacts\.wasm-[0-9a-f]+$/, " (wasm)");
  leaves.set(leaf, (leaves.get(leaf) ?? 0) + us);
  phaseLeaves.set(k, leaves);
}
console.log("\nSDK call time by phase (a sample counts for the first rule that matches its stack):");
const phases = [...phase.entries()].sort((a, b) => b[1] - a[1]);
for (const [k, us] of phases.slice(0, 14)) console.log(`  ${pct(us)}  ${k}`);
for (const [k] of phases.slice(0, 4)) {
  console.log(`\n  inside "${k}", by self time:`);
  for (const [leaf, us] of [...phaseLeaves.get(k).entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`    ${pct(us)}  ${leaf.slice(0, 140)}`);
}
console.log(`\ntop ${topArg ?? 40} functions by self time:`);
for (const [k, us] of agg(label).slice(0, Number(topArg ?? 40))) console.log(`  ${pct(us)}  ${k.slice(0, 150)}`);
