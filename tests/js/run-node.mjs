// Runs the shared suite in Node against the built package (pkg/index.node.js).
// Usage: node tests/js/run-node.mjs [filter]   (EMULATOR_URL=... to use a running emulator;
// TIM_EMULATOR=inprocess for the in-process emulator, lib/inprocess.mjs)
import { readFileSync } from "node:fs";
import { runAll } from "./suite/index.mjs";
import { formatResult } from "./lib/harness.mjs";
import { startEmulator, REPO } from "./lib/emulator.mjs";
import { IN_PROCESS, SEED_PATH, startInProcessEmulator } from "./lib/inprocess.mjs";

const inProcess = process.env.TIM_EMULATOR === IN_PROCESS;
const RUNTIME = `node ${process.version}${inProcess ? ", in-process emulator" : ""}`;
let emulator;
let code = 1;
try {
  let emulatorUrl = process.env.EMULATOR_URL;
  if (inProcess) {
    emulator = await startInProcessEmulator(readFileSync(`${REPO}${SEED_PATH}`, "utf8"));
    emulatorUrl = emulator.url;
  } else if (!emulatorUrl) {
    emulator = await startEmulator();
    emulatorUrl = emulator.url;
  }
  const pkg = await import("../../pkg/index.node.js");
  const { passed, failed } = await runAll({
    pkg,
    emulatorUrl,
    inProcessEmulator: inProcess,
    filter: process.argv[2],
    report: (r) => console.log(formatResult("node", r)),
  });
  console.log(`[${RUNTIME}] ${passed} passed, ${failed} failed`);
  code = failed === 0 && passed > 0 ? 0 : 1;
} catch (e) {
  console.error(`[${RUNTIME}] runner error:`, e);
} finally {
  emulator?.stop();
}
process.exit(code);
