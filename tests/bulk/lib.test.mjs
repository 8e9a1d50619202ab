// tim-contacts/bulk without a server: the ordered pool (input order, bounded window, one failure
// not stopping the job, abort, resume), JSON Lines and the desired-state checks, with fake clients.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO } from "./lib/harness.mjs";

const bulk = await import(pathToFileURL(path.join(REPO, "pkg/bulk.js")).href);
const { exportUsers, applyUsers, verifyUsers, parseJsonLines, readJsonLines, toJsonLine, checkDesired, isBulkError } = bulk;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fake client: exportUser takes a random time; tracks how many are in flight. */
function fakeClient({ fail = () => false, delay = () => Math.random() * 5 } = {}) {
  const c = {
    inFlight: 0,
    maxInFlight: 0,
    calls: 0,
    async exportUser(u, { signal } = {}) {
      c.calls++;
      c.inFlight++;
      c.maxInFlight = Math.max(c.maxInFlight, c.inFlight);
      try {
        await new Promise((resolve, reject) => {
          const onAbort = () => {
            clearTimeout(t);
            reject(Object.assign(new Error("aborted"), { name: "TimError", kind: "aborted" }));
          };
          const t = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve(undefined);
          }, delay(u));
          signal?.addEventListener("abort", onAbort, { once: true });
        });
        if (fail(u)) throw Object.assign(new Error(`no user ${u}`), { name: "TimError", kind: "api", code: 50001 });
        return { version: 1, user: u };
      } finally {
        c.inFlight--;
      }
    },
    async applyUser(d) {
      return { user: d.user, plan: { user: d.user, steps: [], writes: 0 }, executed: [], ok: true };
    },
    async verifyUser(d) {
      return { user: d.user, matches: true, plan: { user: d.user, steps: [], writes: 0 } };
    },
  };
  return c;
}

const ids = (n) => Array.from({ length: n }, (_, i) => `u${i}`);

describe("ordered pool", () => {
  test("entries come in input order, concurrency is respected, a failure is an entry", async () => {
    const client = fakeClient({ fail: (u) => u === "u7" });
    const seen = [];
    let progress = 0;
    for await (const e of exportUsers({ client, users: ids(100), concurrency: 5, onProgress: () => progress++ })) seen.push(e);
    assert.deepEqual(seen.map((e) => e.index), [...Array(100).keys()]);
    assert.deepEqual(seen.map((e) => e.user), ids(100));
    assert.equal(seen[7].error.code, 50001);
    assert.equal(seen.filter((e) => e.error).length, 1);
    assert.ok(client.maxInFlight <= 5 && client.maxInFlight >= 2, `max in flight ${client.maxInFlight}`);
    assert.equal(progress, 100);
  });

  test("the reorder buffer is bounded: a slow head does not let the job run ahead", async () => {
    const client = fakeClient({ delay: (u) => (u === "u0" ? 100 : 1) });
    let started = 0;
    const users = (function* () {
      for (const u of ids(1000)) {
        started++;
        yield u;
      }
    })();
    const it = exportUsers({ client, users, concurrency: 4 });
    const first = await it.next();
    assert.equal(first.value.user, "u0");
    assert.ok(started <= 2 * 4 + 1, `read ${started} users ahead of a slow first one`);
    await it.return();
  });

  test("an async iterable of users, resumeFrom skips (indexes still count from the first)", async () => {
    async function* users() {
      for (const u of ids(20)) yield u;
    }
    const client = fakeClient();
    const got = [];
    for await (const e of exportUsers({ client, users: users(), resumeFrom: 15 })) got.push([e.index, e.user]);
    assert.deepEqual(got, [[15, "u15"], [16, "u16"], [17, "u17"], [18, "u18"], [19, "u19"]]);
    assert.equal(client.calls, 5);
  });

  test("abort: in-flight calls are aborted, the iteration rejects with kind aborted", async () => {
    const client = fakeClient({ delay: () => 20 });
    const ac = new AbortController();
    const got = [];
    await assert.rejects(
      (async () => {
        for await (const e of exportUsers({ client, users: ids(1000), concurrency: 8, signal: ac.signal })) {
          got.push(e);
          if (got.length === 10) ac.abort(new Error("stop"));
        }
      })(),
      (e) => isBulkError(e) && e.kind === "aborted" && e.cause.message === "stop",
    );
    assert.equal(got.length, 10);
    await sleep(5);
    assert.equal(client.inFlight, 0);
    assert.ok(client.calls < 40, `${client.calls} calls after an abort at 10`);
  });

  test("breaking out early stops what is in flight", async () => {
    const client = fakeClient({ delay: () => 30 });
    for await (const e of exportUsers({ client, users: ids(100), concurrency: 6 })) if (e.index === 2) break;
    await sleep(5);
    assert.equal(client.inFlight, 0);
  });

  test("bad options are named", async () => {
    const client = fakeClient();
    await assert.rejects(exportUsers({ client, users: ids(1), concurrency: 0 }).next(), /concurrency/);
    await assert.rejects(exportUsers({ client, users: ids(1), concurency: 2 }).next(), /unknown option `concurency`/);
    await assert.rejects(exportUsers({ users: ids(1) }).next(), /client/);
  });
});

describe("JSON Lines", () => {
  test("chunks split anywhere (also inside a UTF-8 character) give the same values", async () => {
    const values = [{ version: 1, user: "ünï", x: [1, 2] }, { version: 1, user: "b" }, "s", 3];
    const text = values.map(toJsonLine).join("") + "\n\n";
    const bytes = new TextEncoder().encode(text);
    for (const size of [1, 2, 3, 7, 1000]) {
      const chunks = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
      const got = [];
      for await (const v of parseJsonLines(chunks)) got.push(v);
      assert.deepEqual(got, values);
    }
    const got = [];
    for await (const v of parseJsonLines(text.replace(/\n/g, "\r\n"))) got.push(v);
    assert.deepEqual(got, values);
  });

  test("a malformed line is named; line numbers count blank lines", async () => {
    const lines = [];
    await assert.rejects(
      (async () => {
        for await (const l of readJsonLines('{"a":1}\n\n{"b":\n')) lines.push(l);
      })(),
      (e) => isBulkError(e) && e.line === 3 && /line 3: not JSON/.test(e.message),
    );
    assert.deepEqual(lines, [{ line: 1, value: { a: 1 } }]);
  });

  test("toJsonLine: one line, bigint as a string", () => {
    assert.equal(toJsonLine({ a: "x\ny", b: 5n }), '{"a":"x\\ny","b":"5"}\n');
  });
});

describe("desired state", () => {
  const validateSnapshot = (v) => {
    for (const k of Object.keys(v)) {
      if (!["version", "user", "conversations", "conversationGroups", "friendGroups"].includes(k)) {
        throw Object.assign(new Error(`unknown field \`${k}\``), { name: "TimError", kind: "invalid_input", field: k });
      }
    }
    return v;
  };
  const ok = (u) => JSON.stringify({ version: 1, user: u });

  test("checkDesired names the line of a malformed line, an unknown field, a user twice", async () => {
    assert.deepEqual(await checkDesired([ok("a"), ok("b")].join("\n"), { validateSnapshot }), { users: 2 });
    const cases = [
      [[ok("a"), "{nope", ok("b")], 2, /not JSON/],
      [[ok("a"), ok("b"), '{"version":1,"user":"c","colour":1}'], 3, /unknown field `colour`/],
      [[ok("a"), ok("b"), ok("c"), ok("b")], 4, /user b appears twice/],
      [[ok("a"), "[1]"], 2, /JSON object/],
      [['{"version":1}'], 1, /`user`/],
    ];
    for (const [lines, line, re] of cases) {
      await assert.rejects(checkDesired(lines.join("\n"), { validateSnapshot }), (e) => isBulkError(e) && e.line === line && re.test(e.message), `${lines}`);
    }
  });

  test("applyUsers over a text checks every line first: nothing applied", async () => {
    const client = fakeClient();
    let applied = 0;
    client.applyUser = async (d) => {
      applied++;
      return { user: d.user, plan: { steps: [], writes: 0 }, executed: [], ok: true };
    };
    const text = [ok("a"), ok("b"), ok("a")].join("\n");
    await assert.rejects(applyUsers({ client, desired: text, validateSnapshot }).next(), (e) => e.line === 3);
    assert.equal(applied, 0);
    const got = [];
    for await (const e of applyUsers({ client, desired: [ok("a"), ok("b")].join("\n"), validateSnapshot, dryRun: true })) got.push(e.user);
    assert.deepEqual(got, ["a", "b"]);
  });

  test("a one-shot iterator is checked line by line: a bad line is its entry's error", async () => {
    const client = fakeClient();
    async function* desired() {
      yield { version: 1, user: "a" };
      yield { version: 1, user: "b", colour: 1 };
      yield { version: 1, user: "a" };
      yield { version: 1, user: "c" };
    }
    const got = [];
    for await (const e of verifyUsers({ client, desired: desired(), validateSnapshot })) got.push(e.error ? `${e.index}:${e.error.line}:error` : `${e.index}:${e.report.matches}`);
    assert.deepEqual(got, ["0:true", "1:2:error", "2:3:error", "3:true"]);
  });
});
