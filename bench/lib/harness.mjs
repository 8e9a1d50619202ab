// Shared helpers of the benchmarks: the package under test, interleaved A/B timing with
// per-round ratios (the median is what we report), machine facts and the final RATIOS block.
// No absolute-time assertion anywhere: the machine is shared and noisy.
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT = path.dirname(BENCH_DIR);

/** The package directory: $TIM_BENCH_PKG, else bench/.out/pkg (built by bench/build-pkg.sh). */
export function pkgDir() {
  return path.resolve(process.env.TIM_BENCH_PKG || path.join(BENCH_DIR, ".out", "pkg"));
}

/** Imports the package's Node entry (the Node build: opt-level 3). */
export async function loadPkg() {
  return import(pathToFileURL(path.join(pkgDir(), "index.node.js")).href);
}

/** The size build that browsers, Deno and bundlers load (index.web.js), instantiated in Node. */
export async function loadWebBuild() {
  const glue = await import(pathToFileURL(path.join(pkgDir(), "tim_contacts.js")).href);
  glue.initSync({ module: new WebAssembly.Module(readFileSync(path.join(pkgDir(), "tim_contacts_bg.wasm"))) });
  return glue;
}

/**
 * bench/floor: an async wasm-bindgen export that only awaits one promise (built by
 * build-pkg.sh into bench/.out/floor); null, with a message, when it was not built.
 */
export async function loadFloor() {
  const dir = path.join(BENCH_DIR, ".out", "floor");
  if (!existsSync(path.join(dir, "floor_bg.wasm"))) {
    console.log(`bench/floor not built (${dir}): run bench/build-pkg.sh; skipping its row`);
    return null;
  }
  const glue = await import(pathToFileURL(path.join(dir, "floor.js")).href);
  glue.initSync({ module: new WebAssembly.Module(readFileSync(path.join(dir, "floor_bg.wasm"))) });
  return glue;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const now = () => process.hrtime.bigint();

async function timeBatch(fn, n) {
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const r = fn(i);
    if (r && typeof r.then === "function") await r;
  }
  return Number(now() - t0) / n; // ns per op
}

/** Iterations so that one batch of `fn` takes about `targetMs`. */
async function calibrate(fn, targetMs) {
  let n = 1;
  for (;;) {
    const t0 = now();
    await timeBatch(fn, n);
    const ms = Number(now() - t0) / 1e6;
    if (ms >= targetMs / 4 || n >= 1 << 22) return Math.max(1, Math.ceil((n * targetMs) / Math.max(ms, 0.001)));
    n *= 4;
  }
}

/**
 * Times `candidate` against `baseline`, interleaved: each round runs one batch of each, in
 * alternating order, and yields the ratio candidate/baseline of ns per op. Returns the medians.
 */
export async function compare(name, { baseline, candidate, rounds = 9, targetMs = 150 }) {
  // Warm both up (JIT, wasm tier-up) before calibrating.
  await timeBatch(baseline, 200);
  await timeBatch(candidate, 200);
  const nb = await calibrate(baseline, targetMs);
  const nc = await calibrate(candidate, targetMs);
  const ratios = [];
  const bs = [];
  const cs = [];
  for (let r = 0; r < rounds; r++) {
    let b, c;
    if (r % 2 === 0) {
      b = await timeBatch(baseline, nb);
      c = await timeBatch(candidate, nc);
    } else {
      c = await timeBatch(candidate, nc);
      b = await timeBatch(baseline, nb);
    }
    bs.push(b);
    cs.push(c);
    ratios.push(c / b);
  }
  const res = {
    name,
    baselineNs: median(bs),
    candidateNs: median(cs),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    rounds,
  };
  console.log(
    `${name}: baseline ${fmtNs(res.baselineNs)}/op, SDK ${fmtNs(res.candidateNs)}/op ` +
      `(median of ${rounds} interleaved rounds; ratio range ${res.ratioMin.toFixed(2)}..${res.ratioMax.toFixed(2)})`,
  );
  return res;
}

export function fmtNs(ns) {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

export function machine() {
  let cpu = "unknown";
  try {
    const m = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m);
    if (m) cpu = m[1].trim();
  } catch {}
  return `${os.availableParallelism?.() ?? os.cpus().length} cores (nproc), ${cpu}, Node ${process.version}`;
}

/** Prints the RATIOS block: always the last thing a benchmark prints. */
export function printRatios(title, rows) {
  console.log(`\nRATIOS ${title} [${machine()}]`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(62)} ${value}`);
}

export const x = (r) => `${r.toFixed(2)}x`;
