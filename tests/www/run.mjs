// Drives the admin console (www/) in headless Chromium against real emulators.
//   node tests/www/run.mjs [filter]
// Starts two tim-emulators (the demo seed, and a generated 3000-conversation seed), the console's
// static server (www/serve.mjs), then runs each case in a fresh tab. Page errors and console
// errors fail the case. Screenshots go to tests/www/.out/. Prints one line per case and
// `N passed, M failed`; exits non-zero on any failure or when no case ran.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const OUT = join(REPO, "tests/www/.out");
const require = createRequire(join(REPO, "tests/js/package.json"));
/** @type {typeof import("playwright-core")} */
const { chromium } = require("playwright-core");

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];
const BIG_USER = "user_0001";
const BIG_N = 3000;
const filter = process.argv[2];
const t0 = Date.now();

/** @type {import("node:child_process").ChildProcess[]} */
const children = [];
const tmp = mkdtempSync(join(tmpdir(), "tim-www-"));
let context;
function cleanup() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
  rmSync(tmp, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, async () => {
    await context?.close().catch(() => {});
    process.exit(130);
  });
}

/** Spawns a process and resolves the URL in its first stdout line. */
function startProcess(cmd, args, pattern, name) {
  const child = spawn(cmd, args, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let err = "";
  child.stderr.on("data", (d) => { err = (err + d).slice(-2000); });
  return new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 15 s: ${buf}${err}`)), 15000);
    child.on("error", (e) => { clearTimeout(timer); reject(new Error(`cannot start ${name}: ${e.message}`)); });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`${name} exited (${code}) before listening: ${buf}${err}`)); });
    child.stdout.on("data", (d) => {
      buf += d;
      const m = buf.match(pattern);
      if (m) {
        clearTimeout(timer);
        child.stdout.removeAllListeners("data");
        child.stdout.resume();
        resolve(m[1]);
      }
    });
  });
}

function startEmulator(seedFile) {
  const bin = join(REPO, "target/debug/tim-emulator");
  if (!existsSync(bin)) throw new Error(`${bin} missing: run cargo build -p tim-emulator`);
  return startProcess(bin, ["--port", "0", "--quiet", "--seed", seedFile], /^tim-emulator listening on (http:\/\/\S+)/m, "tim-emulator");
}

function generateBigSeed() {
  const file = join(tmp, "big.json");
  const bin = join(REPO, "target/debug/tim-seedgen");
  const args = ["--users", "1", "--conversations", String(BIG_N), "--seed", "1"];
  const r = existsSync(bin)
    ? spawnSync(bin, args, { cwd: REPO, maxBuffer: 64 << 20 })
    : spawnSync("cargo", ["run", "-q", "-p", "tim-emulator", "--bin", "tim-seedgen", "--", ...args], { cwd: REPO, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tim-seedgen failed: ${r.stderr}`);
  writeFileSync(file, r.stdout);
  return { file, doc: JSON.parse(String(r.stdout)) };
}

async function control(base, path, body) {
  const res = await fetch(`${base}/__control/${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// ------------------------------------------------------------------ setup

mkdirSync(OUT, { recursive: true });
let demoSeed, big, demoUrl, bigUrl, consoleUrl;
try {
  demoSeed = JSON.parse(readFileSync(join(REPO, "emulator/seeds/demo.json"), "utf8"));
  big = generateBigSeed();
  [demoUrl, bigUrl, consoleUrl] = await Promise.all([
    startEmulator(join(REPO, "emulator/seeds/demo.json")),
    startEmulator(big.file),
    startProcess(process.execPath, [join(REPO, "www/serve.mjs"), "0"], /^tim-console listening on (http:\/\/\S+)/m, "www/serve.mjs"),
  ]);
  context = await chromium.launchPersistentContext(join(tmp, "profile"), {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1360, height: 860 },
  });
  for (const p of context.pages()) await p.close().catch(() => {});
} catch (e) {
  console.log(`FAIL setup: ${e?.message ?? e}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

/** Opens a console tab; returns the page and the problems (page / console errors) it reports. */
async function openConsole(emulator, query = {}) {
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.setDefaultTimeout(10000);
  const q = new URLSearchParams({ emulator, ...query });
  await page.goto(`${consoleUrl}?${q}`);
  await page.waitForSelector("body[data-ready]");
  return { page, problems };
}

async function loadUser(page, userId) {
  await page.fill("#lookup-user", userId);
  await page.press("#lookup-user", "Enter");
}

const rowCount = (page) => page.locator("#list .row").count();
const errorCard = (page, code) => page.locator(`#results .result[data-status="error"][data-code="${code}"]`).first();

/** @param {any} seedUser */
function groupCounts(seedUser) {
  const counts = {};
  for (const g of seedUser.contactGroups) counts[g.name] = 0;
  for (const m of seedUser.marks) for (const g of m.groups ?? []) counts[g]++;
  return counts;
}

// ------------------------------------------------------------------ cases

const cases = [];
const test = (name, fn) => cases.push({ name, fn });

test("loads a user: pinned first, mark badges, groups with counts, friend groups", async () => {
  await control(demoUrl, "reset", {});
  const { page, problems } = await openConsole(demoUrl);
  assert((await page.locator("input[name*=secret i], input[id*=secret i]").count()) === 0, "the page asks for a SecretKey");
  await loadUser(page, "alice");
  await page.waitForSelector("#list .row");
  await page.waitForSelector('#groups li[data-group="Work"]');
  await page.waitForSelector("#friend-groups li[data-friend-group]");
  const alice = demoSeed.users.alice;
  // pinned rows come first
  const pinned = await page.$$eval("#list .row", (els) => els.map((e) => e.hasAttribute("data-pinned")));
  const firstUnpinned = pinned.indexOf(false);
  assert(pinned[0] === true && !pinned.slice(firstUnpinned).includes(true), `pinned rows are not first: ${pinned.join(",")}`);
  // group counts from paging getContactGroup
  const expected = groupCounts(alice);
  for (const [name, n] of Object.entries(expected)) {
    const shown = await page.locator(`#groups li[data-group="${name}"] .count`).textContent();
    assert(shown === String(n), `group ${name}: shown ${shown}, seed has ${n}`);
  }
  for (const fg of alice.friendGroups) {
    const shown = await page.locator(`#friend-groups li[data-friend-group="${fg.name}"] .count`).textContent();
    assert(shown === String(fg.members.length), `friend group ${fg.name}: shown ${shown}, seed has ${fg.members.length}`);
  }
  // badges match the seed's marks for loaded rows
  const keys = await page.$$eval("#list .row", (els) => els.map((e) => e.getAttribute("data-key")));
  const loaded = new Set(keys);
  let checked = 0;
  for (const m of alice.marks) {
    const key = m.type === "c2c" ? `c2c:${m.peer}` : `group:${m.groupId}`;
    if (!loaded.has(key) || !m.bits?.length) continue;
    const marks = await page.$$eval(`#list .row[data-key="${key}"] .badge[data-mark]`, (els) => els.map((e) => e.getAttribute("data-mark")));
    const want = m.bits.map((b) => ["star", "unread", "fold", "hide"][b] ?? String(b)).filter((b) => !/^([4-9]|[12]\d|3[01])$/.test(b));
    assert(JSON.stringify(marks) === JSON.stringify(want), `${key}: badges ${marks} ≠ seed bits ${m.bits}`);
    const chips = await page.$$eval(`#list .row[data-key="${key}"] .chip`, (els) => els.map((e) => e.textContent));
    assert(JSON.stringify(chips.sort()) === JSON.stringify([...(m.groups ?? [])].sort()), `${key}: chips ${chips} ≠ seed groups ${m.groups}`);
    checked++;
  }
  assert(checked >= 3, `only ${checked} marked conversations on the first page to check`);
  await page.locator('#friend-groups li[data-friend-group] summary').first().click();
  await page.screenshot({ path: join(OUT, "01-user-loaded.png") });
  return { page, problems, note: `${keys.length} rows, ${checked} badge sets checked` };
});

test(`pages ${BIG_N} conversations by scrolling, no duplicates, rows appended not re-rendered`, async () => {
  const { page, problems } = await openConsole(bigUrl);
  await page.evaluate(() => {
    const s = document.getElementById("sentinel");
    new MutationObserver(() => { if (s?.dataset.state === "loading") window.__sawLoading = (window.__sawLoading ?? 0) + 1; })
      .observe(s, { attributes: true, attributeFilter: ["data-state"] });
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: "longtask" });
  });
  // the client caches the signing endpoint's UserSig (the console keeps no cache of its own)
  let signings = 0;
  page.on("request", (r) => { if (r.url().endsWith("/__control/usersig")) signings++; });
  await control(bigUrl, "requests/clear", {});
  const started = Date.now();
  await loadUser(page, BIG_USER);
  await page.waitForSelector("#list .row");
  await page.evaluate(() => { document.querySelector("#list .row").__marker = true; });
  const first = await rowCount(page);
  assert(first > 0 && first < BIG_N, `first page has ${first} rows`);
  const counts = [first];
  for (let i = 0; i < 200; i++) {
    const done = await page.locator('#conv-summary[data-complete="true"]').count();
    if (done) break;
    const before = await rowCount(page);
    await page.locator("#list").evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.waitForFunction((n) => document.querySelectorAll("#list .row").length > n
      || document.querySelector("#conv-summary")?.getAttribute("data-complete") === "true", before, { timeout: 10000 });
    counts.push(await rowCount(page));
    if (counts.length === 6) await page.screenshot({ path: join(OUT, "02-paging.png") });
  }
  const keys = await page.$$eval("#list .row", (els) => els.map((e) => e.getAttribute("data-key")));
  assert(keys.length === BIG_N, `loaded ${keys.length} rows, the seed has ${BIG_N}`);
  assert(new Set(keys).size === keys.length, `${keys.length - new Set(keys).size} duplicate rows`);
  assert((await page.locator("#list .row[data-duplicate]").count()) === 0, "rows flagged as duplicates");
  const seedKeys = new Set(big.doc.users[BIG_USER].conversations.map((c) => c.type === "c2c" ? `c2c:${c.peer}` : `group:${c.groupId}`));
  assert(keys.every((k) => seedKeys.has(k)), "a row that is not in the seed");
  assert(counts.length > 5, `rows grew only ${counts.length - 1} times: ${counts}`);
  assert(await page.evaluate(() => document.querySelector("#list .row").__marker === true), "the first row was re-rendered");
  assert(await page.evaluate(() => (window.__sawLoading ?? 0) >= 2), "no progress indicator seen while loading");
  const pinned = await page.$$eval("#list .row", (els) => els.map((e) => e.hasAttribute("data-pinned")));
  const seedPinned = big.doc.users[BIG_USER].conversations.filter((c) => c.pinned).length;
  assert(pinned.filter(Boolean).length === seedPinned && pinned.slice(0, seedPinned).every(Boolean), "pinned rows are not all first");
  // the page stays responsive: no main-thread task near a visible freeze while paging
  const longest = await page.evaluate(() => window.__longest);
  assert(longest < 250, `a ${Math.round(longest)} ms main-thread task while paging`);
  const seen = await control(bigUrl, "requests");
  const lists = seen["v4/recentcontact/get_list"] ?? 0;
  assert(lists === counts.length, `${lists} get_list requests for ${counts.length} pages shown`);
  assert(signings === 1, `${signings} signing requests for ${lists} get_list calls (the client caches the UserSig)`);
  await page.locator("#list").evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.screenshot({ path: join(OUT, "03-all-loaded.png") });
  return { page, problems, note: `${keys.length} rows in ${counts.length} steps (${lists} get_list, ${signings} UserSig), ${Date.now() - started} ms, longest task ${Math.round(longest)} ms` };
});

test("renames a conversation group (chips and counts follow)", async () => {
  await control(demoUrl, "reset", {});
  const { page, problems } = await openConsole(demoUrl, { user: "alice" });
  await page.waitForSelector('#groups li[data-group="Work"]');
  await page.waitForSelector("#list .row");
  const count = await page.locator('#groups li[data-group="Work"] .count').textContent();
  const rowsInWork = await page.locator('#list .chip[data-group-id="1"]').count();
  await page.click('#groups li[data-group="Work"] button.rename');
  await page.fill("#groups .rename-input", "Office");
  await page.press("#groups .rename-input", "Enter");
  await page.waitForSelector('#groups li[data-group="Office"]');
  assert((await page.locator('#groups li[data-group="Work"]').count()) === 0, "old name still listed");
  assert((await page.locator('#groups li[data-group="Office"] .count').textContent()) === count, "count changed by a rename");
  const chips = await page.$$eval('#list .chip[data-group-id="1"]', (els) => els.map((e) => e.textContent));
  assert(chips.length === rowsInWork && chips.every((c) => c === "Office"), `row chips not renamed: ${chips}`);
  await page.locator("#results .result[data-status=ok]", { hasText: "Renamed “Work” to “Office”" }).waitFor();
  const state = await control(demoUrl, "state");
  assert(state.users.alice.contactGroups.some((g) => g.name === "Office"), "the emulator has no group Office");
  return { page, problems, note: `${rowsInWork} chips renamed` };
});

test("sets and clears marks (star, custom bit) and sees badges change", async () => {
  await control(demoUrl, "reset", {});
  const { page, problems } = await openConsole(demoUrl, { user: "alice" });
  await page.waitForSelector("#list .row");
  const key = await page.$$eval("#list .row", (els) => els.find((e) => !e.querySelector('[data-mark="star"]'))?.getAttribute("data-key"));
  assert(key, "no unstarred row");
  const row = page.locator(`#list .row[data-key="${key}"]`);
  await row.locator("input[type=checkbox]").check();
  await page.selectOption("#tb-mark", "star");
  await page.click("#tb-set");
  await row.locator('.badge[data-mark="star"]').waitFor();
  await page.locator("#results .result[data-status=ok]", { hasText: "1 of 1 applied" }).first().waitFor();
  await page.selectOption("#tb-mark", "custom");
  await page.fill("#tb-bit", "45");
  await page.click("#tb-set");
  await row.locator('.badge[data-mark="45"]').waitFor();
  await page.screenshot({ path: join(OUT, "04-marked.png") });
  await page.selectOption("#tb-mark", "star");
  await page.click("#tb-unset");
  await row.locator('.badge[data-mark="star"]').waitFor({ state: "detached" });
  assert((await row.locator('.badge[data-mark="45"]').count()) === 1, "custom bit lost when clearing star");
  // an out-of-range custom bit is refused by the SDK, naming the field
  await page.selectOption("#tb-mark", "custom");
  await page.fill("#tb-bit", "20");
  await page.click("#tb-set");
  const card = page.locator('#results .result[data-kind="invalid_input"]').first();
  await card.waitFor();
  const field = await card.getAttribute("data-field");
  assert(field && field.startsWith("items[0]"), `field ${field}`);
  return { page, problems, note: `${key}: star on/off, bit 45; bit 20 refused (${field})` };
});

test("creates a group, adds and removes selected conversations (per-item results)", async () => {
  await control(demoUrl, "reset", {});
  const { page, problems } = await openConsole(demoUrl, { user: "alice" });
  await page.waitForSelector("#list .row");
  await page.waitForSelector('#groups li[data-group="Work"]');
  await page.fill("#create-name", "QA");
  await page.click('#create-group button[type="submit"]');
  await page.waitForSelector('#groups li[data-group="QA"]');
  const keys = await page.$$eval("#list .row", (els) => els.slice(3, 6).map((e) => e.getAttribute("data-key")));
  for (const k of keys) await page.locator(`#list .row[data-key="${k}"] input[type=checkbox]`).check();
  await page.selectOption("#tb-group", "QA");
  await page.click("#tb-add");
  await page.locator("#results .result", { hasText: "Added to “QA”" }).waitFor();
  await page.waitForFunction(() => document.querySelector('#groups li[data-group="QA"] .count')?.textContent === "3");
  for (const k of keys) assert(await page.locator(`#list .row[data-key="${k}"] .chip`, { hasText: "QA" }).count() === 1, `${k} has no QA chip`);
  const rowsOk = await page.locator("#results .result").first().locator("tbody tr.ok").count();
  assert(rowsOk === 3, `${rowsOk} per-item ok rows`);
  await page.screenshot({ path: join(OUT, "05-group-added.png") });
  await page.click("#tb-remove");
  await page.locator("#results .result", { hasText: "Removed from “QA”" }).waitFor();
  await page.waitForFunction(() => document.querySelector('#groups li[data-group="QA"] .count')?.textContent === "0");
  for (const k of keys) assert(await page.locator(`#list .row[data-key="${k}"] .chip`, { hasText: "QA" }).count() === 0, `${k} still has a QA chip`);
  return { page, problems, note: "3 added, 3 removed" };
});

test("a mark on 350 selected conversations goes out in the client's chunks (100 per mark, 300 per search)", async () => {
  await control(bigUrl, "reset", {});
  const { page, problems } = await openConsole(bigUrl, { user: BIG_USER });
  await page.waitForSelector("#list .row");
  const N = 350;
  while ((await rowCount(page)) < N) {
    const before = await rowCount(page);
    await page.locator("#list").evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.waitForFunction((n) => document.querySelectorAll("#list .row").length > n, before);
  }
  const keys = await page.$$eval("#list .row", (els, n) => els.slice(0, n).map((e) => {
    const box = /** @type {HTMLInputElement} */ (e.querySelector("input[type=checkbox]"));
    box.checked = true;
    box.dispatchEvent(new Event("change"));
    return e.getAttribute("data-key");
  }), N);
  assert((await page.locator("#sel-count").textContent()) === `${N} selected`, "selection not counted");
  await control(bigUrl, "requests/clear", {});
  await page.selectOption("#tb-mark", "custom");
  await page.fill("#tb-bit", "50");
  await page.click("#tb-set");
  const card = page.locator("#results .result[data-status=ok]", { hasText: `${N} of ${N} applied` }).first();
  await card.waitFor();
  assert((await card.locator("tbody tr.ok").count()) === N, "not one outcome row per conversation");
  await page.waitForFunction((n) => document.querySelectorAll('#list .row .badge[data-mark="50"]').length === n, N);
  for (const k of [keys[0], keys[N - 1]]) assert(await page.locator(`#list .row[data-key="${k}"] .badge[data-mark="50"]`).count() === 1, `${k} has no bit 50 badge`);
  const seen = await control(bigUrl, "requests");
  const marks = seen["v4/recentcontact/mark_contact"];
  const searches = seen["v4/recentcontact/search_contact_group"];
  assert(marks === Math.ceil(N / 100), `${marks} mark_contact requests for ${N} items`);
  assert(searches === Math.ceil(N / 300), `${searches} search_contact_group requests for ${N} conversations`);
  const state = await control(bigUrl, "state");
  const bit50 = state.users[BIG_USER].marks.filter((m) => m.bits?.includes(50)).length;
  assert(bit50 === N, `the emulator has ${bit50} conversations with bit 50`);
  await page.screenshot({ path: join(OUT, "11-marked-350.png") });
  await control(bigUrl, "reset", {});
  return { page, problems, note: `${N} items: ${marks} mark_contact, ${searches} search_contact_group` };
});

test("deleting a group another tab already deleted is explained (51009)", async () => {
  await control(demoUrl, "reset", {});
  const a = await openConsole(demoUrl, { user: "alice" });
  const b = await openConsole(demoUrl, { user: "alice" });
  for (const { page } of [a, b]) await page.waitForSelector('#groups li[data-group="Family"]');
  await b.page.click('#groups li[data-group="Family"] button.delete');
  await b.page.click('#groups li[data-group="Family"] button.delete');
  await b.page.waitForSelector('#groups li[data-group="Family"]', { state: "detached" });
  await b.page.close();
  await a.page.click('#groups li[data-group="Family"] button.delete');
  await a.page.click('#groups li[data-group="Family"] button.delete');
  const card = errorCard(a.page, 51009);
  await card.waitFor();
  const text = await card.innerText();
  assert(/does not exist/.test(text) && /deleted or renamed elsewhere/.test(text), `card: ${text}`);
  assert(/api/.test(text) && /del_contact_group/.test(text), `card lacks kind / endpoint: ${text}`);
  await a.page.waitForSelector('#groups li[data-group="Family"]', { state: "detached" });
  // rows that were in the deleted group are re-read: no chip for the vanished group id stays
  await a.page.waitForFunction(() => document.querySelectorAll('#list .chip[data-group-id="2"]').length === 0);
  await a.page.screenshot({ path: join(OUT, "06-error-51009.png") });
  return { page: a.page, problems: [...a.problems, ...b.problems], note: "second tab's delete → 51009 + groups reloaded" };
});

test("an unknown user is explained (50001)", async () => {
  const { page, problems } = await openConsole(demoUrl);
  await loadUser(page, "nobody_here");
  const card = errorCard(page, 50001);
  await card.waitFor();
  const text = await card.innerText();
  assert(/No such user/.test(text) && /nobody_here/.test(text), `card: ${text}`);
  assert((await rowCount(page)) === 0, "rows shown for an unknown user");
  return { page, problems, note: "50001" };
});

test("a group name over 64 bytes is refused before sending (invalid_input, field groupName)", async () => {
  await control(demoUrl, "reset", {});
  const { page, problems } = await openConsole(demoUrl, { user: "alice" });
  await page.waitForSelector('#groups li[data-group="Work"]');
  await control(demoUrl, "requests/clear", {});
  const longName = "Équipe développement à Zürich, équipe 2"; // 39 characters, 44 UTF-8 bytes: sent since the 2026 limit
  const tooLong = "组".repeat(22); // 22 characters, 66 UTF-8 bytes
  assert(Buffer.byteLength(longName) > 32 && Buffer.byteLength(longName) <= 64, "a 33-64 byte name");
  assert(tooLong.length <= 64 && Buffer.byteLength(tooLong) > 64, "test name is not over 64 bytes only");
  await page.fill("#create-name", longName);
  await page.click('#create-group button[type="submit"]');
  await page.waitForSelector(`#groups li[data-group="${longName}"]`);
  await page.waitForFunction(() => /** @type {HTMLInputElement} */ (document.querySelector("#create-name")).value === "");
  await control(demoUrl, "requests/clear", {});
  await page.fill("#create-name", tooLong);
  await page.click('#create-group button[type="submit"]');
  const card = page.locator('#results .result[data-kind="invalid_input"][data-field="groupName"]').first();
  await card.waitFor();
  const text = await card.innerText();
  assert(/groupName/.test(text) && /64 bytes/.test(text), `card: ${text}`);
  const seen = await control(demoUrl, "requests");
  assert(!seen["v4/recentcontact/create_contact_group"], `a request was sent: ${JSON.stringify(seen)}`);
  await page.screenshot({ path: join(OUT, "07-error-invalid-input.png") });
  return { page, problems, note: "nothing sent" };
});

test("a pasted expired UserSig is flagged and its 70001 explained", async () => {
  const { userSig } = await control(demoUrl, "usersig", { identifier: "administrator", time: 1600000000, expire: 60 });
  const { page, problems } = await openConsole(demoUrl);
  await page.locator("#conn-panel summary").click();
  await page.check('input[name="sigSource"][value="paste"]');
  await page.fill("#conn-sig", userSig);
  await page.click('#conn-form button[type="submit"]');
  await page.waitForSelector('#conn-status[data-state="warn"]');
  await loadUser(page, "alice");
  const card = errorCard(page, 70001);
  await card.waitFor();
  const text = await card.innerText();
  assert(/expired/i.test(text) && !text.includes(userSig), `card: ${text}`);
  // Retry re-runs the lookup (and fails the same way while the UserSig is expired)
  await page.locator('#sentinel[data-state="error"] button').click();
  await page.waitForFunction(() => document.querySelectorAll('#results .result[data-code="70001"]').length === 2);
  await page.screenshot({ path: join(OUT, "08-error-expired-usersig.png") });
  return { page, problems, note: "70001" };
});

test("throttling that outlasts the client's retries (60007) is explained and Retry resumes", async () => {
  await control(demoUrl, "reset", {});
  const { page, problems } = await openConsole(demoUrl, { user: "alice" });
  await page.waitForSelector("#list .row");
  const before = await rowCount(page);
  // The client retries throttling itself (4 attempts by default): only a
  // throttle that outlasts every attempt reaches the page.
  await control(demoUrl, "config", { faults: { script: ["error:60007", "error:60007", "error:60007", "error:60007"] } });
  await page.locator("#list").evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await errorCard(page, 60007).waitFor();
  assert(/Throttled/.test(await errorCard(page, 60007).innerText()), "no throttling advice");
  // a slow page shows the progress indicator until it arrives
  await control(demoUrl, "config", { faults: { script: ["delay:1500"] } });
  await page.locator('#sentinel[data-state="error"] button').click();
  await page.locator('#sentinel[data-state="loading"] .spinner').waitFor();
  assert((await page.locator("#list").getAttribute("aria-busy")) === "true", "list not aria-busy while loading");
  await page.screenshot({ path: join(OUT, "09-loading.png") });
  await page.waitForFunction((n) => document.querySelectorAll("#list .row").length > n, before);
  // Retry resumed the listing at the page that failed: nothing repeated
  assert((await page.locator("#list .row[data-duplicate]").count()) === 0, "rows repeated after Retry");
  return { page, problems, note: `${before} → more rows after Retry (spinner seen)` };
});

test("a signing endpoint that answers without a userSig is explained (kind signing)", async () => {
  const { page, problems } = await openConsole(demoUrl);
  await page.locator("#conn-panel summary").click();
  await page.fill("#conn-endpoint", `${demoUrl}/__control/requests/clear`); // 200, but no userSig
  await page.click('#conn-form button[type="submit"]');
  await control(demoUrl, "requests/clear", {});
  await loadUser(page, "alice");
  const card = page.locator('#results .result[data-kind="signing"]').first();
  await card.waitFor();
  const text = await card.innerText();
  assert(/signing endpoint/i.test(text), `card: ${text}`);
  await page.screenshot({ path: join(OUT, "10-signing-error.png") });
  const seen = await control(demoUrl, "requests");
  assert(Object.keys(seen).length === 0, `requests were sent without a UserSig: ${JSON.stringify(seen)}`);
  return { page, problems, note: "nothing sent" };
});

// ------------------------------------------------------------------ run

let passed = 0;
let failed = 0;
try {
  for (const c of cases) {
    if (filter && !c.name.includes(filter)) continue;
    const started = Date.now();
    let page;
    try {
      const r = await Promise.race([
        c.fn(),
        new Promise((_, rej) => setTimeout(() => rej(new Error("case timed out after 30 s")), 30000)),
      ]);
      page = r.page;
      await new Promise((res) => setTimeout(res, 50));
      if (r.problems.length) throw new Error(r.problems.join("; "));
      passed++;
      console.log(`ok   ${c.name} (${Date.now() - started} ms) ${r.note ?? ""}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${c.name} (${Date.now() - started} ms): ${String(e?.message ?? e).split("\n")[0]}`);
      const last = context.pages().at(-1);
      if (last) await last.screenshot({ path: join(OUT, `fail-${cases.indexOf(c) + 1}.png`) }).catch(() => {});
    } finally {
      for (const p of context.pages()) await p.close().catch(() => {});
    }
  }
} catch (e) {
  failed++;
  console.log(`FAIL runner: ${e?.message ?? e}`);
} finally {
  await context.close().catch(() => {});
}
console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in tests/www/.out/)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
