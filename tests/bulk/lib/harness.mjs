// Helpers of the bulk-job tests: emulators from target/debug/tim-emulator on free loopback ports
// (stopped by PID), seeds from tim-seedgen, and the CLI run as a child process.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const SDKAPPID = 1400000000;
export const ADMIN = "administrator";
export const SECRET_KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
export const WRITE_ENDPOINTS = [
  "v4/recentcontact/create_contact_group",
  "v4/recentcontact/del_contact_group",
  "v4/recentcontact/update_contact_group",
  "v4/recentcontact/mark_contact",
  "v4/recentcontact/delete",
  "v4/sns/group_add",
  "v4/sns/group_delete",
];

const children = new Set();
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(c.pid, "SIGKILL");
});

/** A seed document from tim-seedgen (bulk mode: users user_0001..). */
export function seedgen({ users, conversations, seed }) {
  const bin = path.join(REPO, "target/debug/tim-seedgen");
  const run = (n, k) => JSON.parse(execFileSync(bin, ["--users", String(n), "--conversations", String(conversations), "--seed", String(k)], { maxBuffer: 1 << 30 }).toString());
  if (users <= SEED_CHUNK) return run(users, seed);
  // tim-seedgen makes every user a friend of every other (its output grows with users^2: 54 MB
  // at 1,000, past what one string can hold at 5,000): above 1,000 users, seeds of 1,000 users
  // each, their ids prefixed per chunk (c2_user_0001, ...), friends within a chunk.
  const out = { users: {} };
  for (let c = 0, left = users; left > 0; c++, left -= SEED_CHUNK) {
    const part = run(Math.min(SEED_CHUNK, left), seed + c);
    out.sdkAppId ??= part.sdkAppId;
    const text = c === 0 ? JSON.stringify(part.users) : JSON.stringify(part.users).replaceAll('"user_', `"c${c + 1}_user_`);
    Object.assign(out.users, JSON.parse(text));
  }
  return out;
}
const SEED_CHUNK = 1000;

/** App B of the round trip: the same users, conversations and friends; no groups, marks or friend groups. */
export function withoutContacts(seedA) {
  const users = {};
  for (const [id, u] of Object.entries(seedA.users)) {
    users[id] = { conversations: u.conversations, friends: u.friends ?? [], marks: [], contactGroups: [], friendGroups: [], friendGroupSequence: 0 };
  }
  return { ...seedA, users };
}

/** Starts an emulator; resolves with { url, pid, control, requests, clearRequests, state, reset, stop }. */
export async function startEmulator({ seedFile, extra = [] }) {
  const bin = path.join(REPO, "target/debug/tim-emulator");
  if (!fs.existsSync(bin)) throw new Error(`${bin} missing: cargo build -p tim-emulator`);
  const child = spawn(bin, ["--port", "0", "--seed", seedFile, "--quiet", ...extra], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  const url = await new Promise((resolve, reject) => {
    // the debug build parses a big seed slowly (scripts/drill redis: 270 MB): 15 s plus 1 s per 4 MB
    const ms = 15_000 + Math.round(fs.statSync(seedFile).size / 4_000);
    const timer = setTimeout(() => reject(new Error(`tim-emulator printed no address within ${Math.round(ms / 1000)} s`)), ms);
    readline.createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const m = line.match(/^tim-emulator listening on (http:\/\/\S+)$/);
      m ? resolve(m[1]) : reject(new Error(`unexpected first line: ${line}`));
    });
    child.once("exit", (code) => reject(new Error(`tim-emulator exited with ${code}`)));
  });
  const control = async (p, body) => {
    const res = await fetch(url + p, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    url,
    pid: child.pid,
    control,
    requests: () => control("/__control/requests"),
    clearRequests: () => control("/__control/requests/clear", {}),
    state: () => control("/__control/state"),
    reset: (seed) => control("/__control/reset", seed ?? {}),
    config: (c) => control("/__control/config", c),
    writes: async () => {
      const r = await control("/__control/requests");
      return WRITE_ENDPOINTS.reduce((n, k) => n + (r[k] ?? 0), 0);
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => {
          children.delete(child);
          resolve();
        });
        process.kill(child.pid, "SIGTERM");
      }),
  };
}

/** Environment of a CLI run against `emu` (the engine shim preloaded when the package lacks the engine). */
export function cliEnv(emu, extra = {}) {
  const env = { ...process.env };
  delete env.TIM_USERSIG_COMMAND;
  delete env.TIM_REGION;
  Object.assign(env, { TIM_BASE_URL: emu.url, TIM_SDKAPPID: String(SDKAPPID), TIM_IDENTIFIER: ADMIN, TIM_SECRET_KEY: SECRET_KEY, ...extra });
  return env;
}

/** The CLI (scripts/tim-contacts; TIM_BULK_CLI overrides it, for a private copy). */
export const CLI = process.env.TIM_BULK_CLI ?? path.join(REPO, "scripts/tim-contacts");

/**
 * Spawns the CLI (scripts/tim-contacts, which execs node: the child's PID is the CLI's).
 * `ready` resolves once stderr matches `readyLine` (a worker's first line), or at its exit.
 */
export function spawnCli(args, { env, cwd, readyLine }) {
  const child = spawn(CLI, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  let onReady;
  const ready = new Promise((r) => (onReady = r));
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => {
    stderr += d;
    if (readyLine && readyLine.test(stderr)) onReady();
  });
  const done = new Promise((resolve) => {
    child.once("close", (code, signal) => {
      children.delete(child);
      onReady();
      const last = stdout.trim().split("\n").pop();
      let summary = null;
      try {
        summary = last ? JSON.parse(last) : null;
      } catch {}
      resolve({ code, signal, stdout, stderr, summary });
    });
  });
  return { child, ready, done };
}

/** Runs the CLI to its end. */
export function runCli(args, opts) {
  return spawnCli(args, opts).done;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** State of an emulator without what legitimately differs between runs (timestamps). */
export function normalState(state) {
  return JSON.parse(JSON.stringify(state, (k, v) => (k === "timestamp" ? undefined : v)));
}
