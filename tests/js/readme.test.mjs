// The README example is a test. Contract:
//  - the FIRST ```js fenced block after the first Markdown heading whose text
//    contains "Example" in /README.md is run verbatim as an ES module in Node;
//  - it imports the package by name ("tim-contacts"), resolved through the built
//    pkg/ package.json "exports" (node_modules/tim-contacts -> pkg/);
//  - it reads the emulator from the environment: EMULATOR_URL (baseUrl),
//    TIM_USERSIG (a valid UserSig for TIM_IDENTIFIER, issued by the emulator),
//    TIM_SDKAPPID (1400000000) and TIM_IDENTIFIER ("administrator");
//    the demo seed's users (alice, bob, ...) exist;
//  - it must exit 0 within 30 s; anything it prints is shown.
// Prints "ok|FAIL [node] readme: ..." and "N passed, M failed" like the other runners.
// Without a README (or without an Example heading) it reports a skip and 0 tests.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, REPO } from "./lib/emulator.mjs";

export function extractExample(markdown) {
  const lines = markdown.split(/\r?\n/);
  let underExample = false;
  for (let i = 0; i < lines.length; i++) {
    const h = lines[i].match(/^#{1,6}\s+(.*)$/);
    if (h && !underExample) {
      if (/example/i.test(h[1])) underExample = true;
      continue;
    }
    if (underExample && /^(```|~~~)\s*(js|javascript|mjs)\s*$/.test(lines[i])) {
      const fence = lines[i].slice(0, 3);
      const body = [];
      for (let j = i + 1; j < lines.length; j++) {
        if (lines[j].startsWith(fence)) return body.join("\n") + "\n";
        body.push(lines[j]);
      }
      throw new Error("unterminated ```js block under the Example heading");
    }
  }
  return null;
}

const readmePath = join(REPO, "README.md");
const NAME = "readme: the README Example block runs against the emulator";
if (!existsSync(readmePath)) {
  console.log(`skip [node] ${NAME} (no README.md yet)`);
  console.log("0 passed, 0 failed");
  process.exit(0);
}
const code = extractExample(readFileSync(readmePath, "utf8"));
if (code === null) {
  console.log(`skip [node] ${NAME} (README.md has no \`\`\`js block under a heading containing "Example")`);
  console.log("0 passed, 0 failed");
  process.exit(0);
}

let emulator;
let failure = null;
const start = Date.now();
try {
  let emulatorUrl = process.env.EMULATOR_URL;
  if (!emulatorUrl) {
    emulator = await startEmulator();
    emulatorUrl = emulator.url;
  }
  await fetch(`${emulatorUrl}/__control/reset`, { method: "POST", body: "{}" });
  const { userSig } = await (await fetch(`${emulatorUrl}/__control/usersig`, { method: "POST", body: JSON.stringify({ identifier: "administrator", expire: 3600 }) })).json();

  // A scratch project where "tim-contacts" resolves to the built package.
  const dir = join(REPO, "tests/js/.out/readme");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(join(REPO, "pkg"), join(dir, "node_modules/tim-contacts"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  writeFileSync(join(dir, "example.mjs"), code);

  const child = spawn(process.execPath, ["example.mjs"], {
    cwd: dir,
    env: { ...process.env, EMULATOR_URL: emulatorUrl, TIM_USERSIG: userSig, TIM_SDKAPPID: "1400000000", TIM_IDENTIFIER: "administrator" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const exit = await new Promise((resolve) => child.on("exit", (c, s) => resolve(s ? `signal ${s}` : c)));
  clearTimeout(timer);
  if (out.trim()) console.log(out.trim().split("\n").map((l) => `     | ${l}`).join("\n"));
  if (exit !== 0) failure = `the example exited with ${exit}`;
  else if (!code.includes("EMULATOR_URL")) failure = "the example ran, but does not read process.env.EMULATOR_URL, so it did not use the emulator";
} catch (e) {
  failure = String(e && e.stack || e);
} finally {
  emulator?.stop();
}
const ms = Date.now() - start;
if (failure) console.log(`FAIL [node] ${NAME} (${ms} ms)\n     ${failure}`);
else console.log(`ok   [node] ${NAME} (${ms} ms)`);
console.log(`${failure ? 0 : 1} passed, ${failure ? 1 : 0} failed`);
process.exit(failure ? 1 : 0);
