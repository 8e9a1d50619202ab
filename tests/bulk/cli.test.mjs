// The CLI against emulators (issue 15): round trip A -> B, kill -9 drills for export and apply,
// 10% injected faults, partial desired lines, --prune, bad input files, exit codes, Ctrl-C.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { cliEnv, normalState, runCli, seedgen, sleep, spawnCli, startEmulator, withoutContacts, WRITE_ENDPOINTS } from "./lib/harness.mjs";

const USERS = Number(process.env.TIM_BULK_USERS ?? 200);
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), "tim-bulk-"));
const file = (name) => path.join(DIR, name);
const read = (name) => fs.readFileSync(file(name), "utf8");
const lines = (name) => read(name).split("\n").filter(Boolean);

let A, B, seedB, emuA, emuB;
let exportCalls = 0; // group_get calls of one uninterrupted export
const userIds = [];

before(async () => {
  const seedA = seedgen({ users: USERS, conversations: 30, seed: 15 });
  seedB = withoutContacts(seedA);
  fs.writeFileSync(file("a.seed.json"), JSON.stringify(seedA));
  fs.writeFileSync(file("b.seed.json"), JSON.stringify(seedB));
  userIds.push(...Object.keys(seedA.users));
  fs.writeFileSync(file("users.txt"), userIds.join("\n") + "\n");
  [emuA, emuB] = await Promise.all([startEmulator({ seedFile: file("a.seed.json") }), startEmulator({ seedFile: file("b.seed.json") })]);
  A = (args) => runCli(args, { env: cliEnv(emuA), cwd: DIR });
  B = (args) => runCli(args, { env: cliEnv(emuB), cwd: DIR });
});

after(async () => {
  await Promise.all([emuA?.stop(), emuB?.stop()]);
  if (!process.env.TIM_BULK_KEEP) fs.rmSync(DIR, { recursive: true, force: true });
  else console.log(`kept ${DIR}`);
});

const ok = (r, code = 0) => assert.equal(r.code, code, `exit ${r.code} (want ${code})\nstderr: ${r.stderr}\nstdout: ${r.stdout}`);
const writesOf = (calls) => WRITE_ENDPOINTS.reduce((n, k) => n + (calls?.[k] ?? 0), 0);

/** Kills a CLI run with SIGKILL after `ms`, then `--resume`s until it completes (killing again at each later point). */
async function killDrill(args, env, points) {
  let killed = 0;
  for (const ms of points) {
    const run = spawnCli([...args, "--resume"], { env, cwd: DIR });
    const t = setTimeout(() => run.child.kill("SIGKILL"), ms);
    const r = await run.done;
    clearTimeout(t);
    if (r.signal !== "SIGKILL") {
      ok(r); // it finished before this kill point: the later points are moot
      return { killed, last: r };
    }
    killed++;
  }
  const last = await runCli([...args, "--resume"], { env, cwd: DIR });
  ok(last);
  return { killed, last };
}

/** Kill points, each counted from the start of its own run (a resumed run has less left to do). */
const randomPoints = (n, lo, hi) => Array.from({ length: n }, () => Math.round(lo + Math.random() * (hi - lo)));

describe("bulk CLI", { concurrency: false }, () => {
  test("round trip: export A, apply to B, verify B = A, a second apply writes nothing", async () => {
    await emuA.clearRequests();
    const ex = await A(["export", "--users", "users.txt", "--out", "a.jsonl"]);
    ok(ex);
    exportCalls = (await emuA.requests())["v4/sns/group_get"];
    assert.equal(ex.summary.users, USERS);
    assert.equal(ex.summary.ok, USERS);
    assert.equal(ex.summary.failed, 0);
    assert.equal(ex.summary.throttled, 0);
    assert.equal(lines("a.jsonl").length, USERS);
    assert.equal(read("a.failures.jsonl"), "");
    assert.ok(!fs.existsSync(file("a.jsonl.checkpoint.json")), "no checkpoint after a complete run");
    assert.deepEqual(lines("a.jsonl").map((l) => JSON.parse(l).user), userIds);

    const ap = await B(["apply", "--desired", "a.jsonl"]);
    ok(ap);
    assert.equal(ap.summary.ok, USERS);
    assert.ok(ap.summary.writes > 0);
    const v = await B(["verify", "--desired", "a.jsonl"]);
    ok(v);
    assert.equal(v.summary.matched, USERS);

    // B's export is A's, byte for byte.
    ok(await B(["export", "--users", "users.txt", "--out", "b.jsonl"]));
    assert.equal(read("b.jsonl"), read("a.jsonl"));

    await emuB.clearRequests();
    const again = await B(["apply", "--desired", "a.jsonl"]);
    ok(again);
    assert.equal(again.summary.writes, 0);
    assert.equal(again.summary.changed, 0);
    assert.equal(await emuB.writes(), 0, JSON.stringify(await emuB.requests()));
    fs.writeFileSync(file("b.applied.state.json"), JSON.stringify(normalState(await emuB.state())));
  });

  test("kill -9 during export, --resume: the output equals an uninterrupted run", async () => {
    await emuA.clearRequests();
    // 100 calls/s per endpoint: the run takes ~2 s, so the kills land mid-run.
    const args = ["export", "--users", "users.txt", "--out", "k.jsonl", "--rate-limit", "100"];
    const points = randomPoints(3, 150, 550);
    const { killed } = await killDrill(args, cliEnv(emuA), points);
    assert.ok(killed >= 2, `killed ${killed} of ${points.length} runs (at ${points} ms)`);
    assert.equal(read("k.jsonl"), read("a.jsonl"));
    assert.equal(read("k.failures.jsonl"), "");
    // At most the users in flight (or finished, not yet checkpointed: 2 x concurrency) are redone per kill.
    const sent = (await emuA.requests())["v4/sns/group_get"] ?? 0;
    const perUser = exportCalls / USERS;
    if (exportCalls) assert.ok(sent >= exportCalls && sent <= exportCalls + killed * 16 * perUser, `${sent} group_get calls (${exportCalls} uninterrupted) after ${killed} kills`);
  });

  test("kill -9 during apply, --resume: converges, no duplicate group, no write outside the desired state", async () => {
    await emuB.reset();
    const args = ["apply", "--desired", "a.jsonl", "--out", "ka.jsonl"];
    const { killed } = await killDrill(args, cliEnv(emuB), randomPoints(3, 200, 1500));
    assert.ok(killed >= 1, "at least one apply run was killed mid-way");
    ok(await B(["verify", "--desired", "a.jsonl", "--out", "kv.jsonl"]));
    const state = normalState(await emuB.state());
    for (const [u, s] of Object.entries(state.users)) {
      const names = s.contactGroups.map((g) => g.name);
      assert.equal(new Set(names).size, names.length, `duplicate group of ${u}`);
    }
    assert.deepEqual(state, JSON.parse(read("b.applied.state.json")), "the state differs from an uninterrupted apply");
    const rerun = await B(["apply", "--desired", "a.jsonl", "--out", "ka2.jsonl"]);
    ok(rerun);
    assert.equal(rerun.summary.writes, 0);
  });

  test("10% injected faults: export and apply still match", async () => {
    const kinds = ["http502", "drop", "drop-after", "truncate", "error:60018", "delay:50"];
    await emuA.config({ faults: { rate: 0.1, kinds } });
    let ex = await A(["export", "--users", "users.txt", "--out", "f.jsonl"]);
    // Reads are retried by the client (4 attempts); a call can still fail all of them (10%^4 per
    // call, some hundreds of calls): such a user is in the failures file, the job goes on, and
    // re-running just those users fills the gap. Every user's line must then equal the
    // uninterrupted, fault-free export.
    const got = new Map(lines("f.jsonl").map((l) => [JSON.parse(l).user, l]));
    for (let i = 0; i < 6 && ex.code === 1; i++) {
      assert.ok(ex.summary.failed > 0 && ex.summary.ok + ex.summary.failed === ex.summary.users, JSON.stringify(ex.summary));
      fs.copyFileSync(file(i === 0 ? "f.failures.jsonl" : `f${i - 1}.failures.jsonl`), file(`f${i}.retry.txt`));
      ex = await A(["export", "--users", `f${i}.retry.txt`, "--out", `f${i}.jsonl`]);
      for (const l of lines(`f${i}.jsonl`)) got.set(JSON.parse(l).user, l);
    }
    await emuA.reset();
    ok(ex);
    assert.deepEqual(lines("a.jsonl").map((l) => got.get(JSON.parse(l).user)), lines("a.jsonl"));

    await emuB.reset();
    await emuB.config({ faults: { rate: 0.1, kinds } });
    let r = await B(["apply", "--desired", "a.jsonl", "--out", "fa.jsonl"]);
    // A write whose answer was lost (drop-after, truncate) is not resent by the client (not
    // idempotent): that user fails; re-running just the failed users converges.
    for (let i = 0; i < 12 && r.code === 1; i++) {
      assert.ok(r.summary.failed > 0, JSON.stringify(r.summary));
      fs.copyFileSync(file("fa.failures.jsonl"), file("fa.retry.txt"));
      r = await B(["apply", "--desired", "a.jsonl", "--users", "fa.retry.txt", "--out", `fa${i}.jsonl`]);
    }
    ok(r);
    let v = await B(["verify", "--desired", "a.jsonl", "--out", "fv.jsonl"]);
    await emuB.config({ faults: { rate: 0 } });
    if (v.code === 1) v = await B(["verify", "--desired", "a.jsonl", "--out", "fv.jsonl"]);
    ok(v);
    const state = normalState(await emuB.state());
    for (const s of Object.values(state.users)) assert.equal(new Set(s.contactGroups.map((g) => g.name)).size, s.contactGroups.length);
  });

  test("partial desired lines manage only what they name; --prune removes the rest", async () => {
    await emuB.reset();
    const a1 = JSON.parse(lines("a.jsonl")[0]);
    const a2 = JSON.parse(lines("a.jsonl")[1]);
    const a3 = JSON.parse(lines("a.jsonl")[2]);
    const marked = a3.conversations.find((c) => c.marks && c.marks !== "");
    const partial = [
      { version: 1, user: a1.user, conversationGroups: a1.conversationGroups },
      { version: 1, user: a2.user, friendGroups: a2.friendGroups },
      { version: 1, user: a3.user, conversations: [{ conversation: marked.conversation, marks: marked.marks }] },
    ];
    fs.writeFileSync(file("partial.jsonl"), partial.map((p) => JSON.stringify(p)).join("\n") + "\n");
    await emuB.clearRequests();
    ok(await B(["apply", "--desired", "partial.jsonl"]));
    ok(await B(["verify", "--desired", "partial.jsonl"]));
    fs.writeFileSync(file("three.txt"), [a1.user, a2.user, a3.user].join("\n"));
    ok(await B(["export", "--users", "three.txt", "--out", "three.jsonl"]));
    const [b1, b2, b3] = lines("three.jsonl").map((l) => JSON.parse(l));
    assert.deepEqual(b1.conversationGroups, a1.conversationGroups);
    assert.deepEqual(b1.friendGroups, []);
    assert.ok(b1.conversations.every((c) => !c.marks && !(c.groups ?? []).length && !c.customMark));
    assert.deepEqual(b2.friendGroups, a2.friendGroups);
    assert.deepEqual(b2.conversationGroups, []);
    const got = b3.conversations.filter((c) => c.marks);
    assert.deepEqual(got.map((c) => [c.conversation, c.marks]), [[marked.conversation, marked.marks]]);

    // --prune: a line naming one group of a user of A deletes the others (on A; reset after).
    const keep = a1.conversationGroups[0];
    fs.writeFileSync(file("prune.jsonl"), JSON.stringify({ version: 1, user: a1.user, conversationGroups: [keep] }) + "\n");
    const noPrune = await A(["verify", "--desired", "prune.jsonl"]);
    ok(noPrune);
    const dry = await A(["apply", "--desired", "prune.jsonl", "--prune", "--dry-run"]);
    ok(dry);
    assert.equal(dry.summary.writes, a1.conversationGroups.length - 1);
    assert.equal(fs.existsSync(file("prune.plan.jsonl")), true);
    const plan = JSON.parse(read("prune.plan.jsonl")).plan;
    assert.deepEqual(plan.steps.map((s) => s.op), Array(a1.conversationGroups.length - 1).fill("deleteGroup"));
    ok(await A(["verify", "--desired", "prune.jsonl", "--prune"]), 3);
    ok(await A(["apply", "--desired", "prune.jsonl", "--prune"]));
    ok(await A(["verify", "--desired", "prune.jsonl", "--prune"]));
    ok(await A(["export", "--users", "three.txt", "--out", "pruned.jsonl"]));
    assert.deepEqual(JSON.parse(lines("pruned.jsonl")[0]).conversationGroups, [keep]);
    await emuA.reset();
  });

  test("bad input files: exit 2, the line named, nothing sent", async () => {
    const good = lines("a.jsonl").slice(0, 3);
    const cases = {
      "malformed.jsonl": [[good[0], good[1], '{"version":1,"user":'], 3],
      // An unknown field is validateSnapshot's to find (not in the engine stand-in).
      "unknown.jsonl": [[good[0], JSON.stringify({ ...JSON.parse(good[1]), colour: "red" }), good[2]], 2],
      "twice.jsonl": [[good[0], good[1], good[2], good[1]], 4],
    };
    await emuB.clearRequests();
    for (const [name, [content, line]] of Object.entries(cases)) {
      fs.writeFileSync(file(name), content.join("\n") + "\n");
      for (const cmd of ["apply", "verify"]) {
        const r = await B([cmd, "--desired", name]);
        ok(r, 2);
        assert.match(r.stderr, new RegExp(`${name}:${line}: `), r.stderr);
        assert.equal(r.stdout, "");
      }
    }
    assert.deepEqual(await emuB.requests(), {});
  });

  test("exit codes: usage 2, failed users 1 (re-runnable from the failures file), mismatch 3, Ctrl-C 130", async () => {
    const usage = [
      [],
      ["frobnicate"],
      ["export", "--users", "users.txt"],
      ["export", "--users", "nope.txt", "--out", "x.jsonl"],
      ["export", "--users", "users.txt", "--out", "x.jsonl", "--concurrency", "0"],
      ["apply", "--desired", "a.jsonl", "--secret-key", "abc"],
      ["apply", "--desired", "a.jsonl", "--secret-key=abc"],
      ["export", "--users", "users.txt", "--out", "x.jsonl", "--dry-run"],
    ];
    for (const args of usage) {
      const r = await A(args);
      ok(r, 2);
      assert.match(r.stderr, /^tim-contacts: /);
    }
    const refused = await A(["verify", "--desired", "a.jsonl", "--secret-key", "abc"]);
    assert.match(refused.stderr, /TIM_SECRET_KEY/);
    const noKey = await runCli(["export", "--users", "users.txt", "--out", "x.jsonl"], { env: cliEnv(emuA, { TIM_SECRET_KEY: "" }), cwd: DIR });
    ok(noKey, 2);

    // A UserSig from a command instead of the key.
    const sig = (await emuA.control("/__control/usersig", { identifier: "administrator" })).userSig;
    fs.writeFileSync(file("one.txt"), userIds[0] + "\n");
    const cmd = await runCli(["export", "--users", "one.txt", "--out", "one.jsonl"], {
      env: cliEnv(emuA, { TIM_SECRET_KEY: "", TIM_USERSIG_COMMAND: `echo ${sig}` }),
      cwd: DIR,
    });
    ok(cmd);
    assert.equal(read("one.jsonl"), lines("a.jsonl")[0] + "\n");

    fs.writeFileSync(file("some.txt"), [userIds[0], "nobody", userIds[1]].join("\n") + "\n");
    const failed = await A(["export", "--users", "some.txt", "--out", "some.jsonl"]);
    ok(failed, 1);
    assert.deepEqual([failed.summary.ok, failed.summary.failed], [2, 1]);
    const f = lines("some.failures.jsonl").map((l) => JSON.parse(l));
    assert.equal(f.length, 1);
    assert.equal(f[0].user, "nobody");
    assert.equal(f[0].index, 1);
    assert.equal(f[0].error.kind, "api");
    assert.equal(typeof f[0].error.code, "number");
    const rerun = await A(["export", "--users", "some.failures.jsonl", "--out", "some2.jsonl"]);
    ok(rerun, 1);
    assert.equal(rerun.summary.users, 1);

    await emuB.reset();
    const v = await B(["verify", "--desired", "a.jsonl", "--out", "mm.jsonl"]);
    ok(v, 3);
    assert.equal(v.summary.mismatched, USERS);
    assert.equal(lines("mm.jsonl").length, USERS);

    // SIGINT: in-flight calls aborted, checkpoint written, exit 130; --resume completes the same output.
    const run = spawnCli(["export", "--users", "users.txt", "--out", "int.jsonl", "--rate-limit", "50"], { env: cliEnv(emuA), cwd: DIR });
    await sleep(700);
    run.child.kill("SIGINT");
    const r = await run.done;
    ok(r, 130);
    assert.equal(r.summary.interrupted, true);
    assert.ok(r.summary.nextIndex > 0 && r.summary.nextIndex < USERS, JSON.stringify(r.summary));
    const cp = JSON.parse(read("int.jsonl.checkpoint.json"));
    assert.equal(cp.nextIndex, r.summary.nextIndex);
    assert.equal(fs.statSync(file("int.jsonl")).size, cp.outBytes);
    const again = await A(["export", "--users", "users.txt", "--out", "int.jsonl"]);
    ok(again, 2); // a checkpoint is there: --resume or delete it
    const resumed = await A(["export", "--users", "users.txt", "--out", "int.jsonl", "--resume"]);
    ok(resumed);
    assert.equal(resumed.summary.resumed, true);
    assert.equal(read("int.jsonl"), read("a.jsonl"));
  });
});
