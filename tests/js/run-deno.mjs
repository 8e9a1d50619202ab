// Runs the shared suite in Deno against the built package (pkg/index.deno.js,
// the entry the "deno" export condition selects: the full build, with minting).
// Usage: deno run --allow-read --allow-net --allow-env --allow-run tests/js/run-deno.mjs [filter]
// (TIM_EMULATOR=inprocess for the in-process emulator, lib/inprocess.mjs)
import { runAll } from "./suite/index.mjs";
import { formatResult } from "./lib/harness.mjs";
import { startEmulator, REPO } from "./lib/emulator.mjs";
import { IN_PROCESS, SEED_PATH, startInProcessEmulator } from "./lib/inprocess.mjs";

const inProcess = Deno.env.get("TIM_EMULATOR") === IN_PROCESS;
const RUNTIME = `deno ${Deno.version.deno}${inProcess ? ", in-process emulator" : ""}`;
let emulator;
let code = 1;
try {
  let emulatorUrl = Deno.env.get("EMULATOR_URL");
  if (inProcess) {
    emulator = await startInProcessEmulator(await Deno.readTextFile(`${REPO}${SEED_PATH}`));
    emulatorUrl = emulator.url;
  } else if (!emulatorUrl) {
    emulator = await startEmulator();
    emulatorUrl = emulator.url;
  }
  const pkg = await import("../../pkg/index.deno.js");
  const { passed, failed } = await runAll({
    pkg,
    emulatorUrl,
    inProcessEmulator: inProcess,
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
