// Starts target/debug/tim-emulator on a free port (Node and Deno, through
// node:child_process) and stops it. Used when EMULATOR_URL is not given.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));

export function startEmulator({ seed = "emulator/seeds/demo.json", log = false } = {}) {
  const bin = `${REPO}target/debug/tim-emulator`;
  const child = spawn(bin, ["--port", "0", "--seed", seed], { cwd: REPO, stdio: ["ignore", "pipe", log ? "inherit" : "ignore"] });
  return new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`tim-emulator did not print its address within 15 s (got: ${buf})`));
    }, 15000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${bin}: ${e.message} (run: cargo build -p tim-emulator)`));
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tim-emulator exited with ${code} before listening: ${buf}`));
    });
    child.stdout.on("data", (d) => {
      buf += d;
      const m = buf.match(/^tim-emulator listening on (http:\/\/\S+)/m);
      if (m) {
        clearTimeout(timer);
        child.stdout.removeAllListeners("data");
        child.stdout.resume();
        resolve({ url: m[1], stop: () => child.kill("SIGTERM"), child });
      }
    });
  });
}
