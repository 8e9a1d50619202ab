// Runs the shared suite in headless Chromium (Debian's /usr/bin/chromium via
// playwright-core). A tiny static server on 127.0.0.1 serves the repo's pkg/
// and tests/js/; the page imports ../../pkg/index.web.js with no bundler.
// Page errors and console errors (other than the browser's own network
// "Failed to load resource" lines, which failing-request tests cause) fail the run.
// Usage: node tests/js/run-browser.mjs [filter]   (EMULATOR_URL=... to use a running emulator;
// TIM_EMULATOR=inprocess: the in-process emulator in the page, lib/inprocess.mjs, served from emulator/pkg/)
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize, extname } from "node:path";
import { chromium } from "playwright-core";
import { formatResult } from "./lib/harness.mjs";
import { startEmulator, REPO } from "./lib/emulator.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

function serve() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    // node_modules: only the two packages the page imports (fast-check and its dependency pure-rand).
    const allowedModule = /^\/tests\/js\/node_modules\/(fast-check|pure-rand)\/lib\//.test(path) && path.split("node_modules").length === 2;
    const allowed = (path.startsWith("/pkg/") || path.startsWith("/tests/js/") || path.startsWith("/emulator/pkg/")) && (!path.includes("node_modules") || allowedModule) && !path.includes("..");
    let body;
    if (allowed) {
      try {
        const file = join(REPO, path);
        if (statSync(file).isFile()) body = readFileSync(file);
      } catch {}
    }
    if (!body) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let emulator;
let server;
let context;
const profile = mkdtempSync(join(tmpdir(), "tim-chromium-"));
let code = 1;
const inProcess = process.env.TIM_EMULATOR === "inprocess";
let runtime = "chromium";
try {
  let emulatorUrl = inProcess ? "inprocess" : process.env.EMULATOR_URL;
  if (!emulatorUrl) {
    emulator = await startEmulator();
    emulatorUrl = emulator.url;
  }
  server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  runtime = `chromium ${context.browser()?.version() ?? ""}`.trim() + (inProcess ? ", in-process emulator" : "");
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  let networkNoise = 0;
  page.on("pageerror", (e) => problems.push(`page error: ${e.stack ?? e.message}`));
  page.on("console", (msg) => {
    // surface.mjs prints its fast-check seed and the enumerated exports this way.
    if (msg.type() === "log" && msg.text().startsWith("[surface]")) console.log(msg.text());
    if (msg.type() !== "error") return;
    if (msg.text().startsWith("Failed to load resource")) networkNoise++;
    else problems.push(`console error: ${msg.text()}`);
  });
  const results = [];
  await page.exposeFunction("__report", (r) => {
    results.push(r);
    console.log(formatResult("chromium", r));
  });
  const q = new URLSearchParams({ emulator: emulatorUrl });
  if (process.argv[2]) q.set("filter", process.argv[2]);
  for (const k of ["SURFACE_SEED", "SURFACE_RUNS"]) if (process.env[k]) q.set(k, process.env[k]);
  await page.goto(`${origin}/tests/js/browser.html?${q}`);
  await page.waitForFunction(() => window.__done !== undefined, null, { timeout: 300_000, polling: 100 });
  const done = await page.evaluate(() => window.__done);
  if (done.error) problems.push(`page: ${done.error}`);
  for (const p of problems) console.log(`FAIL [chromium] ${p}`);
  if (networkNoise) console.log(`[${runtime}] note: ${networkNoise} "Failed to load resource" console line(s) from requests the tests make fail on purpose`);
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed + problems.length;
  console.log(`[${runtime}] ${passed} passed, ${failed} failed`);
  code = failed === 0 && passed > 0 && done.passed === passed ? 0 : 1;
} catch (e) {
  console.error(`[${runtime}] runner error:`, e);
} finally {
  await context?.close().catch(() => {});
  server?.close();
  emulator?.stop();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(code);
