// Runs the shared suite in Deno against the built package (pkg/index.deno.js,
// the entry the "deno" export condition selects: the full build, with minting).
// Usage: deno run --allow-read --allow-net --allow-env --allow-run tests/js/run-deno.mjs [filter]
import { runAll } from "./suite/index.mjs";
import { formatResult } from "./lib/harness.mjs";
import { startEmulator } from "./lib/emulator.mjs";

const RUNTIME = `deno ${Deno.version.deno}`;
let emulator;
let code = 1;
try {
  let emulatorUrl = Deno.env.get("EMULATOR_URL");
  if (!emulatorUrl) {
    emulator = await startEmulator();
    emulatorUrl = emulator.url;
  }
  const pkg = await import("../../pkg/index.deno.js");
  const { passed, failed } = await runAll({
    pkg,
    emulatorUrl,
    filter: Deno.args[0],
    report: (r) => console.log(formatResult("deno", r)),
  });
  console.log(`[${RUNTIME}] ${passed} passed, ${failed} failed`);
  code = failed === 0 && passed > 0 ? 0 : 1;
} catch (e) {
  console.error(`[${RUNTIME}] runner error:`, e);
} finally {
  emulator?.stop();
}
Deno.exit(code);
