// What a new user meets first (issue "a package surface that is exact, and
// that no input can break"): wrong argument types, a freed client, unknown
// option keys, marks through JSON, error causes and `retryable`, a signer that
// never answers, one AbortSignal shared by many calls, and region failover.
// Each test here failed on the package before those fixes. Runtime-neutral.
import { assert } from "../lib/harness.mjs";

const SDKAPPID = 1400000000;
const ADMIN = "administrator";
const ok = { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", ErrorDisplay: "" };

/** A fetch that answers every request with `json` (status 200). */
const answering = (json) => async () => new Response(JSON.stringify(json), { status: 200 });
const emptyPage = { ...ok, CompleteFlag: 1, TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, SessionItem: [] };

export default function register(test, ctx) {
  const { TimClient, RateLimiter, isTimError, decodeStandardMark, encodeStandardMark, encodeStandardMarks } = ctx.pkg;
  const base = () => ctx.emulatorUrl.replace(/\/$/, "");
  const stubClient = (extra = {}) =>
    new TimClient({
      sdkAppId: SDKAPPID, identifier: ADMIN, userSig: () => "SIG", baseUrl: "https://stub.tim.invalid",
      fetch: answering(emptyPage), retry: false, rateLimit: false, ...extra,
    });
  let sig;
  const emuClient = async (extra = {}) => {
    if (!sig) {
      const r = await fetch(`${base()}/__control/usersig`, { method: "POST", body: JSON.stringify({ identifier: ADMIN, expire: 86400 }) });
      sig = (await r.json()).userSig;
    }
    return new TimClient({
      sdkAppId: SDKAPPID, identifier: ADMIN, userSig: () => sig, baseUrl: base(),
      retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...extra,
    });
  };
  /** Calls `f`; returns the TimError it throws (fails on anything else). */
  const thrown = (f, what) => {
    try {
      f();
    } catch (e) {
      assert.ok(isTimError(e), `${what}: a TimError, got ${e && e.name}: ${e && e.message}`);
      return e;
    }
    assert.fail(`${what}: did not throw`);
  };
  const rejected = async (p, what) => {
    try {
      await p;
    } catch (e) {
      assert.ok(isTimError(e), `${what}: a TimError, got ${e && e.name}: ${e && e.message}`);
      return e;
    }
    assert.fail(`${what}: did not reject`);
  };

  test("edges: listings with a fromAccount that is not a string throw a TimError naming it; the client keeps working", async () => {
    const tim = stubClient();
    for (const bad of [{ fromAccount: "a" }, 42, null, [], undefined, 10n, Symbol("s"), () => "a"]) {
      for (const method of ["listConversations", "listContactGroupItems", "listFriends"]) {
        const e = thrown(() => tim[method](bad), `${method}(${typeof bad})`);
        assert.equal(e.kind, "invalid_input");
        assert.equal(e.field, "fromAccount");
      }
    }
    const page = await tim.getList({ fromAccount: "alice" });
    assert.equal(page.complete, true);
    assert.deepEqual(await tim.listConversations("alice").collect(), []);
  });

  test("edges: the codec and decodeUserSig take any value and answer a TimError for a non-string", () => {
    for (const bad of [{}, 42, null, undefined, [], 1n]) {
      assert.equal(thrown(() => decodeStandardMark(bad), "decodeStandardMark").field, "bits");
      assert.equal(thrown(() => ctx.pkg.decodeUserSig(bad), "decodeUserSig").field, "userSig");
    }
    assert.equal(decodeStandardMark("1").star, true);
    assert.equal(isTimError(new Proxy({}, { getPrototypeOf() { throw new Error("trap"); } })), false);
  });

  test("edges: a method called after free() throws a TimError saying the client was freed", () => {
    const tim = stubClient();
    tim.free();
    for (const call of [() => tim.getList({ fromAccount: "a" }), () => tim.listConversations("a"), () => tim.baseUrl]) {
      const e = thrown(call, "after free()");
      assert.equal(e.kind, "invalid_input");
      assert.match(e.message, /freed/);
    }
    const limiter = new RateLimiter();
    limiter.free();
    assert.match(thrown(() => limiter.callsPerSecond, "RateLimiter after free()").message, /freed/);
  });

  test("edges: unknown option keys are errors everywhere, with the nearest known key suggested", async () => {
    const cases = [
      [() => stubClient({ timeOutMs: 5 }), "timeOutMs", "timeoutMs"],
      [() => stubClient({ retry: { maxAttempt: 2 } }), "retry.maxAttempt", "maxAttempts"],
      [() => stubClient({ rateLimit: { callsPerSec: 2 } }), "rateLimit.callsPerSec", null],
      [() => stubClient({ rateLimit: { burts: 2 } }), "rateLimit.burts", "burst"],
      [() => stubClient({ failover: { backupURL: "https://x" } }), "failover.backupURL", "backupUrl"],
      [() => new RateLimiter({ callsPerSecnd: 5 }), "callsPerSecnd", "callsPerSecond"],
      [() => stubClient().listConversations("a", { pinnd: false }), "pinnd", "pinned"],
      [() => stubClient().listContactGroupItems("a", { cursr: 0 }), "cursr", "cursor"],
      [() => ctx.pkg.genUserSig({ sdkAppId: 1, secretKey: "k", identifier: "a", expires: 5, dangerouslyAllowBrowser: true }), "expires", "expire"],
    ];
    for (const [call, field, hint] of cases) {
      const e = thrown(call, field);
      assert.equal(e.kind, "invalid_input", field);
      assert.equal(e.field, field);
      if (hint) assert.ok(e.message.includes(`\`${hint}\``), `${field}: suggests ${hint}: ${e.message}`);
    }
    const tim = stubClient();
    const e = await rejected(tim.getList({ fromAccount: "a" }, { signall: new AbortController().signal }), "signall");
    assert.equal(e.field, "signall");
    assert.ok(e.message.includes("`signal`"), e.message);
    assert.equal((await rejected(tim.listConversations("a").collect({ limt: 1 }), "limt")).field, "limt");
    // The forms the README documents are accepted: an inline burst, failover off.
    stubClient({ rateLimit: { callsPerSecond: 100, burst: 150 }, failover: false, timeoutMs: undefined });
    assert.equal((await tim.getList({ fromAccount: "a" }, { timeoutMs: 100, signal: undefined })).complete, true);
  });

  test("edges: option values of the wrong type, and getters that throw, are named", () => {
    const e1 = thrown(() => stubClient({ allowInsecureHttp: "yes" }), "allowInsecureHttp");
    assert.equal(e1.field, "allowInsecureHttp");
    const trap = { get sdkAppId() { throw new Error("getter boom"); }, identifier: ADMIN, userSig: () => "S", baseUrl: "https://x" };
    const e2 = thrown(() => new TimClient(trap), "throwing getter");
    assert.equal(e2.field, "sdkAppId");
    assert.match(e2.message, /getter boom/);
    const proxy = new Proxy({}, { ownKeys() { throw new Error("no keys"); } });
    assert.equal(thrown(() => new TimClient(proxy), "proxy").field, "options");
  });

  test("edges: a page with marks survives JSON.stringify, and the bit string is accepted back", () => {
    const m = decodeStandardMark("1001");
    assert.equal(JSON.stringify(m), '"1001"');
    assert.equal(JSON.stringify({ marks: decodeStandardMark("") }), '{"marks":""}');
    assert.deepEqual(Object.keys(m).sort(), ["custom", "fold", "hide", "star", "unread", "value"]);
    // What JSON wrote reads back as the same mark set.
    const again = JSON.parse(JSON.stringify({ marks: decodeStandardMark("1" + "0".repeat(32) + "1") }));
    assert.equal(encodeStandardMark(again.marks), "1" + "0".repeat(32) + "1");
    assert.deepEqual(encodeStandardMarks(["1", "", "10"]), ["1", "", "10"]);
    assert.equal(thrown(() => encodeStandardMark("12"), "bad bits").kind, "invalid_input");
  });

  test("robust: a page of getList with marks round-trips through JSON, and markContact takes the saved marks as target", async () => {
    const tim = await emuClient();
    const page = await tim.getList({ fromAccount: "alice" });
    const saved = JSON.parse(JSON.stringify(page));
    assert.equal(saved.items.length, page.items.length);
    const marked = saved.items.find((i) => i.marks !== "");
    assert.ok(marked, "the demo seed has a marked conversation of alice");
    assert.equal(typeof marked.marks, "string");
    const live = page.items.find((i) => JSON.stringify(i.conversation) === JSON.stringify(marked.conversation));
    assert.equal(marked.marks, live.marks.value.toString(2));
    const r = await tim.markContact({ fromAccount: "alice", items: [{ conversation: marked.conversation, target: marked.marks }] });
    assert.equal(r.results.length, 1);
    assert.equal(r.results[0].ok, true);
  });

  test("edges: TimError carries the standard cause (fetch, signer, abort) and retryable", async () => {
    const netErr = new TypeError("fetch failed");
    netErr.cause = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" });
    const refusing = stubClient({ fetch: async () => { throw netErr; } });
    const e1 = await rejected(refusing.getList({ fromAccount: "a" }), "refused");
    assert.equal(e1.kind, "transport");
    assert.equal(e1.cause, netErr);
    assert.equal(e1.retryable, true);
    assert.match(e1.message, /ECONNREFUSED/);
    assert.equal(Object.keys(e1).includes("cause"), false, "cause is not enumerable, as with new Error(m, { cause })");

    const signerErr = new RangeError("vault sealed");
    const e2 = await rejected(stubClient({ userSig: () => { throw signerErr; } }).getList({ fromAccount: "a" }), "signer");
    assert.equal(e2.kind, "signing");
    assert.equal(e2.cause, signerErr);
    assert.equal(e2.retryable, false);

    const ac = new AbortController();
    const reason = new Error("user pressed stop");
    const slow = stubClient({ fetch: (_u, init) => new Promise((_r, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason))) });
    const pending = slow.getList({ fromAccount: "a" }, { signal: ac.signal });
    ac.abort(reason);
    const e3 = await rejected(pending, "aborted");
    assert.equal(e3.kind, "aborted");
    assert.equal(e3.cause, reason);

    const api = stubClient({ fetch: answering({ ActionStatus: "FAIL", ErrorCode: 60007, ErrorInfo: "busy" }) });
    const e4 = await rejected(api.getList({ fromAccount: "a" }), "throttled");
    assert.equal(e4.retryable, true, "throttling: a later call may succeed");
    const gone = stubClient({ fetch: answering({ ActionStatus: "FAIL", ErrorCode: 51009, ErrorInfo: "no group" }) });
    const e5 = await rejected(gone.delContactGroup({ fromAccount: "a", groupName: "g" }), "51009");
    assert.equal(e5.retryable, false);
    assert.equal(e5.host, "stub.tim.invalid");
  });

  test("edges: the call's timeoutMs covers a signer that never answers", async () => {
    const hanging = stubClient({ userSig: () => new Promise(() => {}), timeoutMs: 200 });
    const started = Date.now();
    const e = await rejected(hanging.getList({ fromAccount: "a" }), "hanging signer");
    assert.equal(e.kind, "signing");
    assert.match(e.message, /200 ms/);
    assert.ok(Date.now() - started < 5000, "rejected near the timeout");
    const perCall = await rejected(stubClient({ userSig: () => new Promise(() => {}) }).getList({ fromAccount: "a" }, { timeoutMs: 50 }), "per call");
    assert.match(perCall.message, /50 ms/);
  });

  test("edges: one AbortSignal shared by 25 concurrent calls gets one abort listener, not 25", async () => {
    let added = 0;
    let removed = 0;
    const real = new AbortController().signal;
    const signal = {
      get aborted() { return real.aborted; },
      get reason() { return real.reason; },
      addEventListener(type, fn, opts) { added++; real.addEventListener(type, fn, opts); },
      removeEventListener(type, fn, opts) { removed++; real.removeEventListener(type, fn, opts); },
    };
    let release;
    const gate = new Promise((r) => (release = r));
    const tim = stubClient({ fetch: async () => { await gate; return new Response(JSON.stringify(emptyPage)); } });
    const calls = Array.from({ length: 25 }, () => tim.getList({ fromAccount: "a" }, { signal }));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(added, 1, "listeners added while 25 calls wait");
    release();
    await Promise.all(calls);
    assert.equal(removed, 1, "the shared listener goes when the last call settles");
  });

  test("robust: with a backup host, a call whose primary cannot be reached is served by the backup, and says so", async () => {
    // 127.0.0.1:2 stands in for an unreachable primary (nothing listens there);
    // the emulator is the backup.
    const backupHost = new URL(base()).host;
    const tim = await emuClient({ baseUrl: "http://127.0.0.1:2", failover: { backupUrl: base(), coolDownMs: 60000 }, retry: false });
    const page = await tim.getList({ fromAccount: "alice" });
    assert.equal(page.host, backupHost);
    assert.equal(page.attempts, 2, "one refused attempt, one on the backup");
    // During the cool-down the backup is used at once.
    const again = await tim.getList({ fromAccount: "alice" });
    assert.equal([again.host, again.attempts].join(" "), `${backupHost} 1`);
    // Off: the refusal is the answer, naming the host.
    const off = await emuClient({ baseUrl: "http://127.0.0.1:2", failover: false, retry: false });
    const e = await rejected(off.getList({ fromAccount: "alice" }), "no failover");
    assert.equal(e.kind, "transport");
    assert.equal(e.host, "127.0.0.1:2");
    assert.equal(e.retryable, true);
  });
}
