// The default (robust) client end to end against the emulator, in every
// runtime: retries per fault kind, no double-applied write, chunking, paging
// iterators with resume, cancellation, pacing, and the browser rule of
// genUserSig. Runtime-neutral like the other suites.
import { assert } from "../lib/harness.mjs";

const SDKAPPID = 1400000000;
const ADMIN = "administrator";

export default function register(test, ctx) {
  const { TimClient, RateLimiter, genUserSig } = ctx.pkg;
  const base = () => ctx.emulatorUrl.replace(/\/$/, "");
  const control = async (path, body) => {
    const init = body === undefined ? {} : { method: "POST", body: JSON.stringify(body) };
    const r = await fetch(`${base()}/__control/${path}`, init);
    if (!r.ok) throw new Error(`control ${path}: HTTP ${r.status}`);
    return r.json();
  };
  let sig;
  const client = async (extra = {}) => {
    sig ??= (await control("usersig", { identifier: ADMIN, expire: 86400 })).userSig;
    // Short back-off keeps the suite quick; the policy is the default one otherwise.
    return new TimClient({
      sdkAppId: SDKAPPID, identifier: ADMIN, userSig: () => sig, baseUrl: base(),
      retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...extra,
    });
  };
  const counts = async () => control("requests");
  const key = (c) => (c.type === "c2c" ? `c2c:${c.userId}` : `group:${c.groupId}`);
  const isDeno = typeof Deno !== "undefined";
  const isNode = !isDeno && typeof process !== "undefined" && Boolean(process.versions?.node);
  // Whether the runtime's own fetch resends a request whose reused connection
  // was dropped without an answer (seen in Deno 2.9 and Chromium 156). The in-process
  // emulator's fetch has no connection to reuse: a drop reaches the SDK everywhere.
  const runtimeResends = !isNode && !ctx.inProcessEmulator;
  const inBrowser = typeof window !== "undefined" && typeof document !== "undefined" && !isDeno;

  test("robust: a 502, a dropped connection and a 60018 are retried until the call succeeds", async () => {
    const retries = [];
    const urls = [];
    const randoms = [];
    const tim = await client({ onRetry: (e) => retries.push(e), onRequest: (e) => (urls.push(e.url), randoms.push(e.random)) });
    await control("config", { faults: { script: ["http502", "drop", "error:60018"] } });
    const r = await tim.snsGroupGet({ fromAccount: "alice" });
    assert.ok(r.groups.length > 0);
    // The result carries the last request's random and the attempts, out of the data.
    assert.equal(r.random, randoms[randoms.length - 1]);
    assert.equal(r.attempts, urls.length);
    assert.ok(!Object.keys(r).includes("random") && !JSON.stringify(r).includes('"attempts"'));
    // Deno's and Chromium's fetch resend a request by themselves when a reused
    // keep-alive connection closes without an answer, so there the "drop"
    // never reaches the SDK: 2 retries, not 3. Node's undici does not.
    const want = runtimeResends ? [["transport", 502], ["api", 60018]] : [["transport", 502], ["transport", undefined], ["api", 60018]];
    assert.deepEqual(retries.map((e) => [e.error.kind, e.error.status ?? e.error.code]), want);
    assert.deepEqual(retries.map((e) => e.attempt), want.map((_, i) => i + 1));
    assert.equal(urls.length, want.length + 1);
    for (const u of urls) {
      assert.ok(u.includes("usersig=***"), "the hook sees a redacted URL");
      assert.ok(!u.includes(sig), "never the UserSig");
    }
  });

  test("robust: a failed call reports its attempts and delays", async () => {
    const tim = await client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    await control("config", { faults: { script: ["http502", "http502", "http502"] } });
    await assert.rejects(() => tim.snsGroupGet({ fromAccount: "alice" }), (e) => {
      assert.equal(e.kind, "transport");
      assert.equal(e.status, 502);
      assert.equal(e.attempts, 3);
      assert.equal(e.delaysMs.length, 2);
    });
  });

  test("robust: a create whose answer was lost is not sent again (no double write)", async () => {
    let sent = 0;
    const tim = await client({ onRequest: () => sent++ });
    await control("config", { faults: { script: ["drop-after"] } });
    await assert.rejects(
      () => tim.createContactGroup({ fromAccount: "bob", groupName: "Once" }),
      (e) => {
        if (runtimeResends) {
          // Deno's and Chromium's fetch resend the POST on a fresh connection by
          // themselves; the server refuses the duplicate name, so the write
          // still lands once.
          assert.equal(e.kind, "api");
          assert.equal(e.code, 50002);
        } else {
          assert.equal(e.kind, "transport");
          assert.equal(e.attempts, 1, "not retried: the write may have been applied");
        }
      },
    );
    assert.equal(sent, 1, "the SDK sent the create once");
    const { groups } = await tim.getContactGroup({ fromAccount: "bob" });
    assert.equal(groups.filter((g) => g.name === "Once").length, 1, "applied exactly once");
    // A refused request (throttled before it was processed) is safe to resend.
    await control("config", { faults: { script: ["error:60007"] } });
    const made = await tim.createContactGroup({ fromAccount: "bob", groupName: "Twice-safe" });
    assert.equal(made.group.name, "Twice-safe");
  });

  test("robust: searchContactGroup with 650 conversations is split into 3 calls, merged in order", async () => {
    const tim = await client();
    const all = [];
    for await (const c of tim.listConversations("alice")) all.push(c.conversation);
    const asked = [...all, ...all].slice(0, 650);
    const before = (await counts())["v4/recentcontact/search_contact_group"] ?? 0;
    const r = await tim.searchContactGroup({ fromAccount: "alice", conversations: asked });
    const after = (await counts())["v4/recentcontact/search_contact_group"] ?? 0;
    assert.equal(after - before, 3, "ceil(650 / 300) calls");
    const known = new Set(asked.map(key));
    for (const item of r.items) assert.ok(known.has(key(item.conversation)));
    assert.ok(r.items.length > 0);
  });

  test("robust: markContact with 150 items is split into 2 calls with 150 outcomes in input order", async () => {
    const tim = await client();
    const items = Array.from({ length: 150 }, (_, i) => ({ conversation: { type: "c2c", userId: `peer${i}` }, set: [40] }));
    const before = (await counts())["v4/recentcontact/mark_contact"] ?? 0;
    const r = await tim.markContact({ fromAccount: "erin", items });
    const after = (await counts())["v4/recentcontact/mark_contact"] ?? 0;
    assert.equal(after - before, 2);
    assert.equal(r.results.length, 150);
    r.results.forEach((o, i) => assert.equal(o.conversation.userId, `peer${i}`));
    assert.ok(r.results.every((o) => o.ok));
  });

  test("robust: listConversations walks every conversation once across pages; collect and pages()", async () => {
    await control("config", { getListPageSize: 37 });
    const tim = await client();
    const seen = [];
    for await (const c of tim.listConversations("alice")) seen.push(key(c.conversation));
    const expected = (await control("state")).users.alice.conversations.length;
    assert.equal(seen.length, expected);
    assert.equal(new Set(seen).size, expected, "no repeats");
    const some = await tim.listConversations("alice").collect({ limit: 50 });
    assert.equal(some.length, 50);
    let pages = 0;
    for await (const page of tim.listConversations("alice").pages()) {
      pages++;
      assert.ok(page.items.length <= 37);
    }
    assert.equal(pages, Math.ceil(expected / 37));
  });

  test("robust: abort mid-iteration, then resume from the saved cursor without losing an item", async () => {
    await control("config", { getListPageSize: 50 });
    const tim = await client();
    const ac = new AbortController();
    const list = tim.listConversations("alice", { signal: ac.signal });
    const seen = new Set();
    await assert.rejects(async () => {
      for await (const c of list) {
        seen.add(key(c.conversation));
        if (seen.size === 120) ac.abort();
      }
    }, (e) => assert.equal(e.kind, "aborted"));
    const cursor = list.cursor;
    assert.ok(cursor, "a cursor to resume from");
    for await (const c of tim.listConversations("alice", { cursor })) seen.add(key(c.conversation));
    const expected = (await control("state")).users.alice.conversations.length;
    assert.equal(seen.size, expected, "resumed with no item lost");
  });

  test("robust: an already-aborted signal rejects at once and sends nothing", async () => {
    const tim = await client();
    const before = (await counts())["v4/sns/group_get"] ?? 0;
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(() => tim.snsGroupGet({ fromAccount: "alice" }, { signal: ac.signal }), (e) => assert.equal(e.kind, "aborted"));
    assert.equal((await counts())["v4/sns/group_get"] ?? 0, before);
  });

  test("robust: two clients sharing a RateLimiter stay under the server's limit (no 60007)", async () => {
    await control("config", { rateLimit: 40 });
    const limiter = new RateLimiter({ callsPerSecond: 40, burst: 4 });
    const a = await client({ rateLimit: limiter, retry: false });
    const b = await client({ rateLimit: limiter, retry: false });
    const calls = [];
    for (let i = 0; i < 30; i++) {
      calls.push(a.snsGroupGet({ fromAccount: "alice" }));
      calls.push(b.snsGroupGet({ fromAccount: "alice" }));
    }
    const results = await Promise.allSettled(calls);
    const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason.code ?? r.reason.kind);
    assert.deepEqual(failed, [], "no call throttled");
  });

  test("robust: genUserSig is not in the browser build (index.web.js); Node and Deno mint", async () => {
    const opts = { sdkAppId: SDKAPPID, secretKey: "k", identifier: ADMIN };
    if (inBrowser) {
      // Issue 20: the browser build has no minting at all, dangerouslyAllowBrowser or not.
      for (const o of [opts, { ...opts, dangerouslyAllowBrowser: true }]) {
        assert.throws(() => genUserSig(o), (e) => {
          assert.equal(e.kind, "invalid_input");
          assert.equal(e.field, "dangerouslyAllowBrowser");
          assert.match(e.message, /not in the browser build/);
          return true;
        });
      }
    } else {
      assert.equal(typeof genUserSig(opts), "string");
    }
  });
}
