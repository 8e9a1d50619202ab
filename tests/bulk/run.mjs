// The bulk-job tests (issue 15): node tests/bulk/run.mjs [name filter]
// Runs tests/bulk/*.test.mjs with node:test against the built package (pkg/, ./scripts/build) and
// emulators each test file starts itself (target/debug/tim-emulator, tim-seedgen; cargo build -p
// tim-emulator). Prints the spec report and a last line "N passed, M failed".
import { run } from "node:test";
import { spec } from "node:test/reporters";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO } from "./lib/harness.mjs";

for (const f of ["pkg/index.node.js", "pkg/bulk.js", "target/debug/tim-emulator", "target/debug/tim-seedgen"]) {
  if (!fs.existsSync(path.join(REPO, f))) {
    console.error(`bulk: ${f} missing (./scripts/build; cargo build -p tim-emulator)`);
    process.exit(1);
  }
}
const sdk = await import(pathToFileURL(path.join(REPO, "pkg/index.node.js")).href);
if (typeof sdk.TimClient.prototype.exportUser !== "function") {
  console.error("bulk: pkg/ has no TimClient.exportUser: rebuild it (./scripts/build)");
  process.exit(1);
}
// scripts/tim-contacts links cli/node_modules/tim-contacts to pkg/ on first use.
const { execFileSync } = await import("node:child_process");
execFileSync(path.join(REPO, "scripts/tim-contacts"), ["--help"], { stdio: "ignore" });

const dir = path.join(REPO, "tests/bulk");
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".test.mjs")).sort().map((f) => path.join(dir, f));
const filter = process.argv[2];
let passed = 0;
let failed = 0;
const stream = run({ files, concurrency: 1, ...(filter ? { testNamePatterns: [filter] } : {}) });
stream.on("test:pass", (e) => { if (e.details?.type !== "suite") passed++; });
stream.on("test:fail", (e) => { if (e.details?.type !== "suite") failed++; });
stream.compose(spec).pipe(process.stdout);
await new Promise((resolve) => stream.once("end", resolve));
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
