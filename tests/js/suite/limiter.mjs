// A rate limiter of the host's own (issue 16, "The SDK: a pluggable limiter"):
// `rateLimit: { acquire(endpoint, { signal }), whenDown }`. acquire is awaited
// once per HTTP attempt (retries included) with the endpoint; its signal
// follows the call; a rejection or throw is a TimError of kind "rate_limit"
// (nothing sent, cause = what it threw); `whenDown: "local"` paces at the
// documented fallback (50 calls/s per endpoint, burst 5) and calls
// onLimiterDown; a limiter that never answers is bounded by timeoutMs; an
// abort while acquire waits rejects at once; unknown keys are named with a
// hint. Against a stub fetch: runtime-neutral, no emulator.
import { assert } from "../lib/harness.mjs";

const SDKAPPID = 1400000000;
const ADMIN = "administrator";
const ok = { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", ErrorDisplay: "" };
const groupGet = { ...ok, ResultItem: [{ GroupName: "g", FriendNumber: 1 }], CurrentSequence: 2 };
const GROUP_GET = "v4/sns/group_get";
const DEL = "v4/recentcontact/del_contact_group";

/** A fetch that answers from `statuses` in turn (then 200), counting requests per endpoint. */
const countingFetch = (statuses = []) => {
  const sent = [];
  const queue = [...statuses];
  const fetch = async (url) => {
    sent.push(new URL(url).pathname.slice(1));
    const status = queue.shift() ?? 200;
    return new Response(status === 200 ? JSON.stringify(groupGet) : "busy", { status });
  };
  return { fetch, sent };
};

/** A limiter object recording each acquire: `answer(endpoint, options)` decides. */
const recording = (answer = () => undefined, extra = {}) => {
  const calls = [];
  return {
    calls,
    limiter: {
      acquire(endpoint, options) {
        calls.push({ endpoint, options });
        return answer(endpoint, options);
      },
      ...extra,
    },
  };
};

export default function register(test, ctx) {
  const { TimClient, RateLimiter, isTimError } = ctx.pkg;
  const client = (extra) =>
    new TimClient({
      sdkAppId: SDKAPPID, identifier: ADMIN, userSig: () => "SIG", baseUrl: "https://stub.tim.invalid",
      retry: false, ...extra,
    });
  const rejected = async (p, what) => {
    try {
      await p;
    } catch (e) {
      assert.ok(isTimError(e), `${what}: a TimError, got ${e && e.name}: ${e && e.message}`);
      return e;
    }
    assert.fail(`${what}: did not reject`);
  };
  const thrown = (f, what) => {
    try {
      f();
    } catch (e) {
      assert.ok(isTimError(e), `${what}: a TimError, got ${e && e.name}: ${e && e.message}`);
      return e;
    }
    assert.fail(`${what}: did not throw`);
  };

  test("limiter: acquire is called once per HTTP attempt with its endpoint, retries included", async () => {
    const { fetch, sent } = countingFetch([500, 503]);
    const { calls, limiter } = recording();
    const tim = client({ fetch, rateLimit: limiter, retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 } });
    const r = await tim.snsGroupGet({ fromAccount: "alice" });
    assert.equal(r.attempts, 3);
    assert.deepEqual(calls.map((c) => c.endpoint), [GROUP_GET, GROUP_GET, GROUP_GET]);
    assert.deepEqual(sent, [GROUP_GET, GROUP_GET, GROUP_GET]);
    // `this` is the limiter object (a class's method works) and each call has its own signal.
    const byClass = new (class {
      #n = 0;
      acquire(endpoint) {
        this.#n++;
        assert.equal(endpoint, DEL);
      }
      get count() {
        return this.#n;
      }
    })();
    const tim2 = client({ fetch: async () => new Response(JSON.stringify(ok)), rateLimit: byClass });
    await tim2.delContactGroup({ fromAccount: "alice", groupName: "g" });
    await tim2.delContactGroup({ fromAccount: "alice", groupName: "g" });
    assert.equal(byClass.count, 2);
  });

  test("limiter: acquire gets an AbortSignal that follows the call's signal", async () => {
    const { fetch } = countingFetch();
    const { calls, limiter } = recording();
    const tim = client({ fetch, rateLimit: limiter });
    await tim.snsGroupGet({ fromAccount: "alice" });
    const { signal } = calls[0].options;
    assert.ok(signal && typeof signal.aborted === "boolean" && typeof signal.addEventListener === "function", "an AbortSignal");
    assert.equal(signal.aborted, false, "not aborted once the attempt went out");
    assert.deepEqual(Object.keys(calls[0].options), ["signal"]);
  });

  test("limiter: a rejection or throw of acquire is kind rate_limit with its cause; nothing is sent", async () => {
    const { fetch, sent } = countingFetch();
    const down = new Error("redis: connection refused");
    const { calls, limiter } = recording(() => Promise.reject(down));
    const tim = client({ fetch, rateLimit: limiter, retry: { maxAttempts: 4, baseDelayMs: 1 } });
    const e = await rejected(tim.snsGroupGet({ fromAccount: "alice" }), "rejecting acquire");
    assert.equal(e.kind, "rate_limit");
    assert.equal(e.cause, down, "cause = what acquire rejected with");
    assert.equal(e.retryable, true);
    assert.equal(e.endpoint, GROUP_GET);
    assert.equal(e.attempts, undefined, "no HTTP attempt");
    assert.match(e.message, /connection refused/);
    assert.equal(calls.length, 1, "not retried within the call");
    assert.deepEqual(sent, []);

    const boom = { code: "EDOWN" };
    const sync = client({ fetch, rateLimit: { acquire: () => { throw boom; }, whenDown: "fail" } });
    const e2 = await rejected(sync.delContactGroup({ fromAccount: "alice", groupName: "g" }), "throwing acquire");
    assert.equal(e2.kind, "rate_limit");
    assert.equal(e2.cause, boom);
    assert.equal(e2.retryable, true, "a write that was never sent may be made again");
    assert.equal(e2.endpoint, DEL);
    assert.deepEqual(sent, []);
  });

  test("limiter: whenDown \"local\" paces at the fallback (50/s per endpoint, burst 5) and calls onLimiterDown", async () => {
    const { fetch, sent } = countingFetch();
    const cause = new Error("down");
    const { calls, limiter } = recording(() => Promise.reject(cause), { whenDown: "local" });
    const downs = [];
    const tim = client({ fetch, rateLimit: limiter, onLimiterDown: (e) => downs.push(e) });
    const started = Date.now();
    for (let i = 0; i < 20; i++) await tim.snsGroupGet({ fromAccount: "alice" });
    const elapsed = Date.now() - started;
    // 5 at once, then one per 20 ms: at least (20 - 5) / 50 s (a few ms of timer slack allowed).
    assert.ok(elapsed >= 290, `20 calls took ${elapsed} ms, want >= ~300`);
    assert.equal(sent.length, 20);
    assert.equal(calls.length, 20, "the limiter is asked again before each attempt");
    assert.equal(downs.length, 20);
    assert.equal(downs[0].endpoint, GROUP_GET);
    assert.ok(isTimError(downs[0].error) && downs[0].error.kind === "rate_limit", "the event's error is the rate_limit TimError");
    assert.equal(downs[0].error.cause, cause);
  });

  test("limiter: an acquire that never settles is bounded by timeoutMs (kind timeout, nothing sent)", async () => {
    const { fetch, sent } = countingFetch();
    const { calls, limiter } = recording(() => new Promise(() => {}));
    const tim = client({ fetch, rateLimit: limiter, timeoutMs: 5000 });
    const started = Date.now();
    const e = await rejected(tim.snsGroupGet({ fromAccount: "alice" }, { timeoutMs: 80 }), "hanging acquire");
    const elapsed = Date.now() - started;
    assert.equal(e.kind, "timeout");
    assert.equal(e.retryable, true);
    assert.match(e.message, /rate limiter/);
    assert.ok(elapsed >= 70 && elapsed < 2000, `${elapsed} ms`);
    assert.deepEqual(sent, []);
    assert.equal(calls[0].options.signal.aborted, true, "the wait was given up: its signal aborted");
  });

  test("limiter: an abort while acquire waits rejects kind aborted at once and aborts acquire's signal", async () => {
    const { fetch, sent } = countingFetch();
    const { calls, limiter } = recording(() => new Promise(() => {}));
    const tim = client({ fetch, rateLimit: limiter, timeoutMs: 0 });
    const ac = new AbortController();
    const p = tim.snsGroupGet({ fromAccount: "alice" }, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(calls.length, 1);
    const reason = new Error("user left");
    const started = Date.now();
    ac.abort(reason);
    const e = await rejected(p, "aborted while waiting");
    assert.ok(Date.now() - started < 100, "at once");
    assert.equal(e.kind, "aborted");
    assert.equal(e.cause, reason);
    assert.equal(calls[0].options.signal.aborted, true);
    assert.deepEqual(sent, []);
  });

  test("limiter: unknown keys are named with a hint; a RateLimiter instance and the bucket object still work", async () => {
    const acquire = () => {};
    const cases = [
      [{ aquire: acquire }, "rateLimit.aquire", "acquire"],
      [{ acquire, whenDwn: "local" }, "rateLimit.whenDwn", "whenDown"],
      [{ acquire, burst: 5 }, "rateLimit.burst", null],
      [{ acquire, whenDown: "locall" }, "rateLimit.whenDown", null],
      [{ acquire, whenDown: 1 }, "rateLimit.whenDown", null],
      [{ acquire: 5 }, "rateLimit.acquire", null],
      [{ callsPerSecond: 5, whenDown: "local" }, "rateLimit.whenDown", null],
    ];
    for (const [rateLimit, field, hint] of cases) {
      const e = thrown(() => client({ rateLimit }), JSON.stringify(Object.keys(rateLimit)));
      assert.equal(e.kind, "invalid_input");
      assert.equal(e.field, field);
      if (hint) assert.match(e.message, new RegExp(`\`${hint}\``));
    }
    const e = thrown(() => client({ rateLimit: 5 }), "a number");
    assert.match(e.message, /acquire/);
    // The other forms stay as they were.
    const { fetch, sent } = countingFetch();
    await client({ fetch, rateLimit: new RateLimiter({ callsPerSecond: 100 }) }).snsGroupGet({ fromAccount: "alice" });
    await client({ fetch, rateLimit: { callsPerSecond: 100, burst: 2 } }).snsGroupGet({ fromAccount: "alice" });
    await client({ fetch, rateLimit: false, onLimiterDown: () => {} }).snsGroupGet({ fromAccount: "alice" });
    assert.equal(sent.length, 3);
  });
}
