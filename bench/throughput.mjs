// Throughput at the limit: thousands of snsGroupGet calls against the emulator and its
// per-endpoint limit of 200 calls/s, from a handful of concurrent workers.
//   1. the SDK's client-side rate limiter at its default (rateLimit: { callsPerSecond: 200 })
//   2. rateLimit: false and retry: false, for contrast
// Reports achieved calls/s as a share of the limit and the throttling answers (ErrorCode 60007),
// seen by the client (onResponse, retried ones included) and counted by the server.
import { loadPkg, printRatios } from "./lib/harness.mjs";
import { startEmulator, SDKAPPID, ADMIN } from "./lib/emulator.mjs";

const LIMIT = 200;
const CALLS = Number(process.env.TIM_BENCH_CALLS ?? 3000);
const WORKERS = Number(process.env.TIM_BENCH_WORKERS ?? 8);
const ENDPOINT = "v4/sns/group_get";

const sdk = await loadPkg();
const emu = await startEmulator({ rateLimit: LIMIT });
let limited, unlimited;
try {
  const userSig = await emu.userSig();

  async function run(label, options) {
    // Refill the server's buckets and zero its counters so each run starts alike.
    await emu.control("/__control/config", { rateLimit: LIMIT });
    await emu.clearRequests();
    let throttledSeen = 0;
    let retries = 0;
    const tim = new sdk.TimClient({
      sdkAppId: SDKAPPID,
      identifier: ADMIN,
      userSig: () => userSig,
      baseUrl: emu.url,
      ...options,
      onResponse: (e) => { if (e.error?.code === 60007) throttledSeen++; },
      onRetry: () => { retries++; },
    });
    let next = 0;
    let ok = 0;
    const failures = new Map();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (next < CALLS) {
          next++;
          try {
            await tim.snsGroupGet({ fromAccount: "alice" });
            ok++;
          } catch (e) {
            const k = `${e.kind} ${e.code ?? ""}`.trim();
            failures.set(k, (failures.get(k) ?? 0) + 1);
          }
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const serverRequests = (await emu.requests())[ENDPOINT] ?? 0;
    tim.free?.();
    const r = { label, seconds, ok, failed: CALLS - ok, failures, throttledSeen, retries, serverRequests, rate: ok / seconds };
    console.log(
      `${label}: ${CALLS} calls by ${WORKERS} workers in ${seconds.toFixed(2)} s; ${ok} ok (${r.rate.toFixed(1)}/s = ` +
        `${((100 * r.rate) / LIMIT).toFixed(1)}% of ${LIMIT}/s); failed: ${r.failed} ${JSON.stringify(Object.fromEntries(failures))}; ` +
        `60007 answers seen: ${throttledSeen}; retries: ${retries}; requests at the server: ${serverRequests}`,
    );
    return r;
  }

  limited = await run("rateLimit default (200/s), retry default", {});
  await new Promise((r) => setTimeout(r, 1100)); // let the server's bucket refill
  unlimited = await run("rateLimit: false, retry: false", { rateLimit: false, retry: false });

} finally {
  await emu.stop();
}

const pct = (r) => `${((100 * r.rate) / LIMIT).toFixed(1)}%`;
printRatios(`throughput at the emulator's ${LIMIT} calls/s limit, ${CALLS} snsGroupGet calls, ${WORKERS} workers`, [
  ["SDK limiter: achieved rate / limit (target >= 95%)", `${pct(limited)}  (${limited.rate.toFixed(1)} calls/s, ${limited.seconds.toFixed(2)} s)`],
  ["SDK limiter: throttling answers (60007) seen / calls failed", `${limited.throttledSeen} / ${limited.failed}  (target 0 / 0)`],
  ["SDK limiter: requests sent / calls", `${limited.serverRequests} / ${CALLS}`],
  ["rateLimit false, retry false: successful rate / limit", `${pct(unlimited)}  (${unlimited.rate.toFixed(1)} ok calls/s over ${unlimited.seconds.toFixed(2)} s)`],
  ["rateLimit false, retry false: throttled calls (60007)", `${unlimited.throttledSeen} of ${CALLS} (${((100 * unlimited.throttledSeen) / CALLS).toFixed(1)}%)`],
]);
