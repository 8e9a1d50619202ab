// steadyRate (cli/lib/distributed.mjs): the rate the Redis drills' floor is measured by. Pure:
// histograms built here, no Redis.
import assert from "node:assert/strict";
import { test } from "node:test";
import { HIST_MS, steadyRate } from "../../../cli/lib/distributed.mjs";

/** A histogram of responses at the given times (ms). */
function hist(times) {
  const m = new Map();
  for (const t of times) {
    const b = Math.floor(t / HIST_MS) * HIST_MS;
    m.set(b, (m.get(b) ?? 0) + 1);
  }
  return [...m].sort((a, b) => a[0] - b[0]);
}
const paced = (n, perSecond, from = 0) => Array.from({ length: n }, (_, i) => from + (i * 1000) / perSecond);

test("steadyRate: a job paced at 200/s reads 200/s, within 1 %", () => {
  const r = steadyRate(hist(paced(1000, 200, 1_000_000)));
  assert.ok(Math.abs(r.perSecond - 200) < 2, JSON.stringify(r));
});

test("steadyRate: a slow start and a burst are left out, a slow middle is not", () => {
  // 4 calls, a 1 s gap, then 200/s: the start does not count
  const start = [0, 1, 2, 3, ...paced(996, 200, 1000)];
  assert.ok(Math.abs(steadyRate(hist(start)).perSecond - 200) < 2);
  // 200/s with a 1 s stall in the middle: the middle 900 calls of 1000 take 4.5 s + 1 s -> ~164/s
  const stall = [...paced(500, 200), ...paced(500, 200, 3500)];
  const r = steadyRate(hist(stall));
  assert.ok(Math.abs(r.perSecond - 900 / 5.5) < 2, JSON.stringify(r));
  // twice the limit reads twice the limit
  assert.ok(Math.abs(steadyRate(hist(paced(1000, 400))).perSecond - 400) < 4);
});

test("steadyRate: too few calls or none give null", () => {
  assert.equal(steadyRate([]), null);
  assert.equal(steadyRate(undefined), null);
  assert.equal(steadyRate(hist(paced(10, 200))), null);
});
