// Starts the local emulator binary (target/debug/tim-emulator, built by scripts/bench) on a free
// port and talks to its control endpoints.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { ROOT } from "./harness.mjs";

export const SDKAPPID = 1400000000;
export const ADMIN = "administrator";

export async function startEmulator({ seed = "emulator/seeds/demo.json", rateLimit = 200, extra = [] } = {}) {
  const bin = process.env.TIM_EMULATOR_BIN || path.join(ROOT, "target", "debug", "tim-emulator");
  if (!existsSync(bin)) throw new Error(`${bin} missing: cargo build -p tim-emulator (scripts/bench does)`);
  const child = spawn(bin, ["--port", "0", "--seed", seed, "--rate-limit", String(rateLimit), "--quiet", ...extra], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", process.env.TIM_BENCH_VERBOSE ? "inherit" : "ignore"],
  });
  const url = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    rl.once("line", (line) => {
      const m = line.match(/^tim-emulator listening on (http:\/\/\S+)$/);
      m ? resolve(m[1]) : reject(new Error(`unexpected first line: ${line}`));
    });
    child.once("exit", (code) => reject(new Error(`tim-emulator exited with ${code}`)));
  });
  const control = async (p, body) => {
    const res = await fetch(url + p, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    url,
    control,
    userSig: async () => (await control("/__control/usersig", { identifier: ADMIN })).userSig,
    requests: () => control("/__control/requests"),
    clearRequests: () => control("/__control/requests/clear", {}),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}
