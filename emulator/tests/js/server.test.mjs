// `npx tim-emulator` (emulator/pkg/bin/tim-emulator.js): the native binary's flags, first line,
// log lines, exit codes and SIGTERM, over real HTTP on a free loopback port; and startServer.
// The request-level behaviour is the Rust behaviour tests' (scripts/ci/emulator-forms, form node).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "../../pkg/server.js";

const BIN = fileURLToPath(new URL("../../pkg/bin/tim-emulator.js", import.meta.url));
// Every server a test started, stopped by its PID when the tests end (also after a failure).
const children = new Set();
after(() => {
  for (const c of children) c.kill("SIGKILL");
});

/** The bin on port 0: resolves once its first line named the address. */
function start(args) {
  const child = spawn(process.execPath, [BIN, "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("exit", (c) => reject(new Error(`exited ${c}: ${err}`)));
    child.stdout.on("data", (d) => {
      out += d;
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      const first = out.slice(0, nl);
      const m = first.match(/^tim-emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/);
      if (!m) return reject(new Error(`bad first line ${JSON.stringify(first)}`));
      children.add(child);
      child.on("exit", () => children.delete(child));
      resolve({ child, url: m[1], port: Number(m[2]), stderr: () => err });
    });
  });
}
const exited = (child) => new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));

async function call(url, cmd, body, identifier = "administrator") {
  const { userSig } = await (await fetch(`${url}/__control/usersig`, { method: "POST", body: JSON.stringify({ identifier }) })).json();
  const q = new URLSearchParams({ sdkappid: "1400000000", identifier, usersig: userSig, random: "1", contenttype: "json" });
  const r = await fetch(`${url}/v4/${cmd}?${q}`, { method: "POST", body: JSON.stringify(body) });
  return { status: r.status, headers: r.headers, body: await r.json(), userSig };
}

test("bin: the default demo seed, repeated --admin, the log line without the UserSig, SIGTERM exits 0", async () => {
  const emu = await start(["--admin", "administrator", "--admin", "ops"]);
  assert.ok(emu.port > 0);
  const r = await call(emu.url, "recentcontact/get_list", { From_Account: "alice", TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 63 }, "ops");
  assert.equal(r.body.ErrorCode, 0);
  assert.ok(r.body.SessionItem.length >= 100, "the demo seed's alice");
  assert.equal(r.headers.get("access-control-allow-origin"), "*");
  emu.child.kill("SIGTERM");
  const { code } = await exited(emu.child);
  assert.equal(code, 0);
  const log = emu.stderr();
  assert.match(log, /^POST \/v4\/recentcontact\/get_list from=alice code=0 \d+\.\dms$/m);
  assert.match(log, /^POST \/__control\/usersig status=200 \d+\.\dms$/m);
  assert.match(log, /tim-emulator: shutting down/);
  assert.ok(!log.includes(r.userSig) && !log.includes("usersig="), "no UserSig in the log");
});

test("bin: --seed FILE, --sdkappid, --secret-key, --rate-limit, --page-size, --fault-script, --quiet", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tim-emulator-"));
  try {
    const conversations = Array.from({ length: 5 }, (_, i) => ({ type: "c2c", peer: `p${i}`, msgTime: 100 + i }));
    writeFileSync(join(dir, "seed.json"), JSON.stringify({ users: { u: { conversations } } }));
    const emu = await start(["--seed", join(dir, "seed.json"), "--sdkappid", "1400000001", "--secret-key", "k3y", "--rate-limit", "3", "--page-size=2", "--fault-script", "http502,error:60018", "--quiet"]);
    const { userSig } = await (await fetch(`${emu.url}/__control/usersig`, { method: "POST", body: "{}" })).json();
    const q = new URLSearchParams({ sdkappid: "1400000001", identifier: "administrator", usersig: userSig, random: "1", contenttype: "json" });
    const post = (cmd, body) => fetch(`${emu.url}/v4/${cmd}?${q}`, { method: "POST", body: JSON.stringify(body) });
    const list = { From_Account: "u", TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 63 };
    assert.equal((await post("recentcontact/get_list", list)).status, 502);
    assert.equal((await (await post("recentcontact/get_list", list)).json()).ErrorCode, 60018);
    const page = await (await post("recentcontact/get_list", list)).json();
    assert.equal(page.ErrorCode, 0, JSON.stringify(page));
    assert.equal(page.SessionItem.length, 2, "--page-size 2");
    // faulted requests take no token (faults come first); two more pass, the next is limited
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await (await post("recentcontact/get_list", list)).json()).ErrorCode);
    assert.deepEqual(codes, [0, 0, 60007], "--rate-limit 3: the fourth call within a second");
    const cfg = await (await fetch(`${emu.url}/__control/config`)).json();
    assert.equal(cfg.rateLimit, 3);
    assert.equal(cfg.getListPageSize, 2);
    emu.child.kill("SIGINT");
    assert.equal((await exited(emu.child)).code, 0);
    assert.equal(emu.stderr().includes("POST /v4/"), false, "--quiet: no request lines");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bin: --help exits 0; a bad flag, value or seed exits 2 naming it", () => {
  const run = (...args) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  const help = run("--help");
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--fault-script LIST/);
  for (const [args, word] of [
    [["--prot", "1"], "--prot"],
    [["--port", "x"], "--port"],
    [["--port"], "needs a value"],
    [["--fault-rate", "2"], "--fault-rate"],
    [["--fault-kinds", "boom"], "boom"],
    [["--seed", "/nonexistent/seed.json"], "cannot read seed"],
  ]) {
    const r = run("--port", "0", ...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.ok(r.stderr.includes(word), `${args.join(" ")} names ${word}: ${r.stderr}`);
    assert.ok(r.stderr.includes("usage: tim-emulator"), "with the usage");
  }
  // a seed that parses but does not load: exit 1, "cannot start", naming what is wrong
  const dir = mkdtempSync(join(tmpdir(), "tim-emulator-"));
  try {
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ users: { a: { friendGroups: [{ name: "x", members: ["nobody"] }] } } }));
    const r = run("--port", "0", "--seed", join(dir, "bad.json"));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^tim-emulator: cannot start: .*"nobody" is not a friend/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("startServer: the same core behind node:http from a script, closed by close()", async () => {
  const lines = [];
  const s = await startServer({ port: 0, seed: { users: { alice: {} } }, log: (l) => lines.push(l) });
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const r = await call(s.url, "sns/group_get", { From_Account: "alice" });
  assert.equal(r.body.ErrorCode, 0);
  const pre = await fetch(`${s.url}/v4/sns/group_get`, { method: "OPTIONS" });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-headers"), "Content-Type, X-Requested-With");
  assert.ok(lines.some((l) => l.startsWith("POST /v4/sns/group_get from=alice code=0 ")));
  await s.close();
  await assert.rejects(fetch(`${s.url}/__control/state`));
});
