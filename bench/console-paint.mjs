// First useful paint of the admin console (www/) for a 400-conversation user (the demo seed's
// alice): time from navigation start until the first conversation rows AND the conversation
// groups are on screen, in headless Chromium (Playwright, as tests/www/run.mjs). Baseline: the
// console of commit e037ed2 (its app.js read the groups, then the first page, then the friend
// groups, one after the other; its server sent the wasm uncompressed with no-store), served the
// same way from bench/.out/console-baseline. Rounds alternate baseline and candidate, each in a
// fresh browser context (an empty cache: a cold load), on loopback and on an emulated link of
// 20 Mbit/s with 20 ms latency (where the wasm's bytes cost time). Median of 9 rounds, ratios last.
//   node bench/console-paint.mjs        (needs pkg/ built, target/debug/tim-emulator, chromium)
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import { ROOT, BENCH_DIR, median, printRatios, x } from "./lib/harness.mjs";
import { startEmulator } from "./lib/emulator.mjs";

const BASE_COMMIT = process.env.TIM_BENCH_CONSOLE_BASE ?? "e037ed2";
const ROUNDS = Number(process.env.TIM_BENCH_ROUNDS ?? 9);
const USER = "alice";
const require = createRequire(path.join(ROOT, "tests/js/package.json"));
const { chromium } = require("playwright-core");

// The baseline console: www/ of BASE_COMMIT next to a link to this repo's pkg/.
const baseDir = path.join(BENCH_DIR, ".out", "console-baseline");
rmSync(baseDir, { recursive: true, force: true });
mkdirSync(path.join(baseDir, "www"), { recursive: true });
for (const f of execFileSync("git", ["ls-tree", "--name-only", `${BASE_COMMIT}:www`], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean)) {
  writeFileSync(path.join(baseDir, "www", f), execFileSync("git", ["show", `${BASE_COMMIT}:www/${f}`], { cwd: ROOT }));
}
symlinkSync(path.join(ROOT, "pkg"), path.join(baseDir, "pkg"));

function serve(dir) {
  const child = spawn(process.execPath, [path.join(dir, "www", "serve.mjs"), "0"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once("line", (l) => {
      const m = l.match(/listening on (http:\/\/\S+)/);
      m ? resolve({ url: m[1], child }) : reject(new Error(l));
    });
    child.once("exit", (c) => reject(new Error(`serve.mjs exited ${c}`)));
  });
}

if (!existsSync(path.join(ROOT, "pkg", "tim_contacts_bg.wasm"))) throw new Error("pkg/ missing: ./scripts/build first");
const emu = await startEmulator({ rateLimit: 100000 });
const [base, cand] = await Promise.all([serve(baseDir), serve(ROOT)]);
await new Promise((r) => setTimeout(r, 2500)); // the candidate server compresses the wasm at start
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"],
});

/** One cold load: ms from navigation start to rows + groups shown, and bytes of the wasm. */
async function load(server, link) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  if (link) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: 20e6 / 8, uploadThroughput: 20e6 / 8 });
  }
  let wasmBytes = 0;
  page.on("response", async (r) => {
    if (r.url().endsWith(".wasm")) wasmBytes = Number((await r.allHeaders())["content-length"] ?? 0);
  });
  await page.goto(`${server.url}?emulator=${encodeURIComponent(emu.url)}&user=${USER}`);
  const ms = await page.waitForFunction(() => document.querySelector("#list .row") && document.querySelector("#groups li[data-group]")
    ? performance.now() : 0, null, { polling: "raf", timeout: 30000 }).then((h) => h.jsonValue());
  await context.close();
  return { ms, wasmBytes };
}

const rows = [];
const figures = [];
try {
  for (const link of [false, true]) {
    const label = link ? "20 Mbit/s, 20 ms" : "loopback";
    await load(base, link); // warm the servers and the emulator
    await load(cand, link);
    const b = [];
    const c = [];
    const ratios = [];
    let bytes = { base: 0, cand: 0 };
    for (let i = 0; i < ROUNDS; i++) {
      const order = i % 2 ? [[cand, c], [base, b]] : [[base, b], [cand, c]];
      for (const [s, out] of order) {
        const r = await load(s, link);
        out.push(r.ms);
        if (s === base) bytes.base = r.wasmBytes; else bytes.cand = r.wasmBytes;
      }
      ratios.push(c[i] / b[i]);
    }
    figures.push(`${label}: baseline median ${median(b).toFixed(0)} ms, console ${median(c).toFixed(0)} ms; wasm on the wire ${bytes.base} B vs ${bytes.cand} B`);
    rows.push([`first useful paint, ${USER} (400 conversations), ${label} (console / e037ed2)`, x(median(ratios))]);
    rows.push([`  console median, ${label}`, `${median(c).toFixed(0)} ms (goal < 500 ms)`]);
  }
} finally {
  await browser.close();
  base.child.kill();
  cand.child.kill();
  await emu.stop();
}
for (const f of figures) console.log(f);
printRatios("console first useful paint", rows);
