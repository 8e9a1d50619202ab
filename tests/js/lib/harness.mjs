// A tiny runtime-neutral test harness: no node:assert (absent in browsers), no
// runtime APIs. Suites register cases with `test`; a runner calls `run`.

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = "AssertionError";
  }
}

function show(value) {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
  } catch {
    return String(value);
  }
}

function fail(message, extra) {
  throw new AssertionError(extra ? `${extra}: ${message}` : message);
}

function typeTag(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (v instanceof Map) return "map";
  return typeof v;
}

/** Structural equality; bigint and number are distinct; Maps compare as Maps. */
function deepDiff(actual, expected, path) {
  if (Object.is(actual, expected)) return null;
  const ta = typeTag(actual);
  const te = typeTag(expected);
  if (ta !== te) return `${path}: type ${ta} (${show(actual)}) != ${te} (${show(expected)})`;
  if (ta === "array") {
    if (actual.length !== expected.length) {
      return `${path}: length ${actual.length} != ${expected.length} (${show(actual)} vs ${show(expected)})`;
    }
    for (let i = 0; i < actual.length; i++) {
      const d = deepDiff(actual[i], expected[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (ta === "map") {
    return deepDiff(Object.fromEntries(actual), Object.fromEntries(expected), path);
  }
  if (ta === "object") {
    const ka = Object.keys(actual).filter((k) => actual[k] !== undefined).sort();
    const ke = Object.keys(expected).filter((k) => expected[k] !== undefined).sort();
    const extra = ka.filter((k) => !ke.includes(k));
    const missing = ke.filter((k) => !ka.includes(k));
    if (extra.length || missing.length) {
      return `${path}: keys differ (unexpected: ${show(extra)}, missing: ${show(missing)}) in ${show(actual)}`;
    }
    for (const k of ke) {
      const d = deepDiff(actual[k], expected[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return `${path}: ${show(actual)} != ${show(expected)}`;
}

export const assert = {
  ok(value, message) {
    if (!value) fail(`expected a truthy value, got ${show(value)}`, message);
  },
  equal(actual, expected, message) {
    if (!Object.is(actual, expected)) fail(`${show(actual)} !== ${show(expected)}`, message);
  },
  notEqual(actual, expected, message) {
    if (Object.is(actual, expected)) fail(`both are ${show(actual)}`, message);
  },
  deepEqual(actual, expected, message) {
    const d = deepDiff(actual, expected, "$");
    if (d) fail(d, message);
  },
  match(string, regexp, message) {
    if (typeof string !== "string" || !regexp.test(string)) fail(`${show(string)} does not match ${regexp}`, message);
  },
  fail(message) {
    fail(message);
  },
  /** Awaits `promiseOrFn`; it must reject, and `predicate(err)` must not throw or return false. Returns the error. */
  async rejects(promiseOrFn, predicate, message) {
    let error;
    let rejected = false;
    try {
      await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
    } catch (e) {
      rejected = true;
      error = e;
    }
    if (!rejected) fail("expected a rejection, but it resolved", message);
    if (predicate) {
      let verdict;
      try {
        verdict = predicate(error);
      } catch (e) {
        if (e instanceof AssertionError) {
          throw new AssertionError(`${message ? message + ": " : ""}${e.message} (error was ${describeError(error)})`);
        }
        throw e;
      }
      if (verdict === false) fail(`the rejection did not match: ${describeError(error)}`, message);
    }
    return error;
  },
  /** Like rejects, for a synchronous function. */
  throws(fn, predicate, message) {
    let error;
    let threw = false;
    try {
      fn();
    } catch (e) {
      threw = true;
      error = e;
    }
    if (!threw) fail("expected a throw", message);
    if (predicate && predicate(error) === false) fail(`the error did not match: ${describeError(error)}`, message);
    return error;
  },
};

export function describeError(e) {
  if (e instanceof Error) {
    const fields = {};
    for (const k of ["kind", "code", "info", "field", "endpoint", "random", "status"]) {
      if (e[k] !== undefined) fields[k] = e[k];
    }
    return `${e.name}: ${e.message} ${show(fields)}`;
  }
  return `non-Error thrown: ${show(e)}`;
}

/** Creates a registry. `test(name, fn)` registers; `run()` runs them in order. */
export function createHarness() {
  const cases = [];
  const test = (name, fn) => {
    if (cases.some((c) => c.name === name)) throw new Error(`duplicate test name: ${name}`);
    cases.push({ name, fn });
  };
  /**
   * Runs every case (optionally those whose name includes `filter`), calling
   * `beforeEach(name)` first and `report({ name, ok, error, ms })` after each.
   */
  const run = async ({ filter, beforeEach, report = () => {}, timeoutMs = 20000 } = {}) => {
    const results = [];
    for (const c of cases) {
      if (filter && !c.name.includes(filter)) continue;
      const start = Date.now();
      let error = null;
      let timer;
      try {
        if (beforeEach) await beforeEach(c.name);
        await Promise.race([
          Promise.resolve().then(() => c.fn()),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (e) {
        error = e instanceof AssertionError ? e.message : describeError(e) + (e && e.stack ? `\n${e.stack}` : "");
      } finally {
        clearTimeout(timer);
      }
      const r = { name: c.name, ok: error === null, error, ms: Date.now() - start };
      results.push(r);
      await report(r);
    }
    const passed = results.filter((r) => r.ok).length;
    return { passed, failed: results.length - passed, results };
  };
  return { test, run, cases };
}

/** One line per test, as every runner prints it. */
export function formatResult(runtime, r) {
  const head = `${r.ok ? "ok  " : "FAIL"} [${runtime}] ${r.name} (${r.ms} ms)`;
  return r.ok ? head : `${head}\n     ${String(r.error).split("\n").join("\n     ")}`;
}
