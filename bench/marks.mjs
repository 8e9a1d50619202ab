// Marks codec throughput: the SDK's decodeStandardMark / encodeStandardMark (wasm) against a
// straightforward pure-JS BigInt codec (bench/baseline/marks.mjs), interleaved in one process.
// Ratio = SDK time / pure-JS time (below 1 = the SDK is faster).
import assert from "node:assert/strict";
import { compare, loadPkg, printRatios, x } from "./lib/harness.mjs";
import * as js from "./baseline/marks.mjs";

const sdk = await loadPkg();
const hasBatch = ["decodeStandardMarks", "encodeStandardMarks", "decodeStandardMarkBatch"].filter((n) => typeof sdk[n] === "function");

// A page of 100 marks as a server returns them: mostly built-in flags, some custom bits (33..64
// digits), some empty, in a fixed pseudo-random mix.
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const page = [];
for (let i = 0; i < 100; i++) {
  let v = 0n;
  const r = rnd();
  if (r < 0.15) v = 0n;
  else if (r < 0.7) v = BigInt(1 + Math.floor(rnd() * 15)); // star/unread/fold/hide combos
  else {
    v = BigInt(Math.floor(rnd() * 16));
    for (let k = 0; k < 3; k++) v |= 1n << BigInt(32 + Math.floor(rnd() * 32));
  }
  page.push(v === 0n ? "" : v.toString(2));
}
const inputs = page.map((s) => js.decodeStandardMark(s)).map(({ star, unread, fold, hide, custom }) => ({ star, unread, fold, hide, custom }));

// Same answers first.
for (const s of page) assert.deepEqual(sdk.decodeStandardMark(s), js.decodeStandardMark(s), s);
for (const m of inputs) assert.equal(sdk.encodeStandardMark(m), js.encodeStandardMark(m));
console.log(`marks: SDK and pure-JS agree on ${page.length} decodes and ${inputs.length} encodes`);

const ONE_SHORT = "111001"; // star + hide + bits 4, 5 (the doc sample)
const ONE_LONG = "100000000000000000000000000000001"; // star + custom 32 (33 digits)
const ONE_IN = { star: true, custom: [32, 40] };
let sink = 0;
const results = [];
results.push(await compare("decode one short mark (\"111001\")", {
  baseline: () => { sink ^= js.decodeStandardMark(ONE_SHORT).custom.length; },
  candidate: () => { sink ^= sdk.decodeStandardMark(ONE_SHORT).custom.length; },
}));
results.push(await compare("decode one 33-digit mark (star + custom 32)", {
  baseline: () => { sink ^= js.decodeStandardMark(ONE_LONG).custom.length; },
  candidate: () => { sink ^= sdk.decodeStandardMark(ONE_LONG).custom.length; },
}));
results.push(await compare("encode one mark ({star, custom:[32,40]})", {
  baseline: () => { sink ^= js.encodeStandardMark(ONE_IN).length; },
  candidate: () => { sink ^= sdk.encodeStandardMark(ONE_IN).length; },
}));
results.push(await compare("decode a page of 100 marks (loop of single calls)", {
  baseline: () => { for (const s of page) sink ^= js.decodeStandardMark(s).custom.length; },
  candidate: () => { for (const s of page) sink ^= sdk.decodeStandardMark(s).custom.length; },
}));
results.push(await compare("encode a page of 100 marks (loop of single calls)", {
  baseline: () => { for (const m of inputs) sink ^= js.encodeStandardMark(m).length; },
  candidate: () => { for (const m of inputs) sink ^= sdk.encodeStandardMark(m).length; },
}));
if (typeof sdk.decodeStandardMarks === "function") {
  assert.deepEqual(sdk.decodeStandardMarks(page), page.map((s) => js.decodeStandardMark(s)));
  assert.deepEqual(sdk.encodeStandardMarks(inputs), inputs.map((m) => js.encodeStandardMark(m)));
  results.push(await compare("decode a page of 100 marks (batch API, one call)", {
    baseline: () => { for (const s of page) sink ^= js.decodeStandardMark(s).custom.length; },
    candidate: () => { for (const m of sdk.decodeStandardMarks(page)) sink ^= m.custom.length; },
  }));
  results.push(await compare("encode a page of 100 marks (batch API, one call)", {
    baseline: () => { for (const m of inputs) sink ^= js.encodeStandardMark(m).length; },
    candidate: () => { for (const s of sdk.encodeStandardMarks(inputs)) sink ^= s.length; },
  }));
}
if (sink === 0.5) console.log(sink); // keep the results alive

console.log(
  hasBatch.length
    ? `batch API present: ${hasBatch.join(", ")}`
    : "note: the package has no batch codec API (decodeStandardMarks / encodeStandardMarks); a page is measured as 100 single calls",
);
const perSec = (ns) => (ns < 1e4 ? `${(1e3 / ns).toFixed(2)} M` : `${(1e6 / ns).toFixed(2)} k`) + "/s";
printRatios("marks codec: SDK (wasm) time / pure-JS BigInt time, lower is better", [
  ...results.map((r) => [r.name, `${x(r.ratio)}  (SDK ${perSec(r.candidateNs)}, JS ${perSec(r.baselineNs)})`]),
]);
