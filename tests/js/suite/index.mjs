// The ONE shared suite, run by run-node.mjs, run-deno.mjs and (in a page)
// run-browser.mjs. Runtime-neutral: only fetch, URL, Response, setTimeout.
import { createHarness } from "../lib/harness.mjs";
import registerCodec from "./codec.mjs";
import registerStub from "./fetch-stub.mjs";
import registerEmulator from "./emulator.mjs";
import registerRobust from "./robust.mjs";
import registerEdges from "./edges.mjs";
import registerSurface from "./surface.mjs";
import registerBulk from "./bulk.mjs";
import registerLimiter from "./limiter.mjs";

/**
 * Runs every suite against `pkg` (the imported package module).
 * `emulatorUrl` (e.g. "http://127.0.0.1:40123") enables the emulator suite;
 * without it those tests fail (a runner must always provide one).
 * `report(result)` is called after each test. `inProcessEmulator`: the emulator is the
 * in-process one (lib/inprocess.mjs): no connection, so no runtime resends a dropped request.
 */
export async function runAll({ pkg, emulatorUrl, report, filter, inProcessEmulator = false }) {
  const h = createHarness();
  const ctx = { pkg, emulatorUrl, inProcessEmulator };
  registerCodec(h.test, ctx);
  registerStub(h.test, ctx);
  const emu = registerEmulator(h.test, ctx);
  registerRobust(h.test, ctx);
  registerEdges(h.test, ctx);
  registerSurface(h.test, ctx);
  registerBulk(h.test, ctx);
  registerLimiter(h.test, ctx);
  return h.run({
    filter,
    report,
    beforeEach: async (name) => {
      if (name.startsWith("emulator:") || name.startsWith("robust:")) await emu.reset();
    },
  });
}
