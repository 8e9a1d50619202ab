// The Redis drills of the bulk engine (issue 16): node tests/bulk/redis/run.mjs [name filter]
// Runs tests/bulk/redis/*.test.mjs with node:test against the built package (pkg/), a real
// redis-server (Debian's, ./scripts/setup) and emulators each file starts itself. Prints the spec
// report and a last line "N passed, M failed".
import { run } from "node:test";
import { spec } from "node:test/reporters";
import fs from "node:fs";
import path from "node:path";
import { REPO } from "../lib/harness.mjs";

for (const f of ["pkg/index.node.js", "pkg/bulk.js", "target/debug/tim-emulator", "target/debug/tim-seedgen", "cli/node_modules/bullmq", "cli/node_modules/ioredis"]) {
  if (!fs.existsSync(path.join(REPO, f))) {
    console.error(`bulk-redis: ${f} missing (./scripts/setup installs redis-server and cli/node_modules; ./scripts/build; cargo build -p tim-emulator)`);
    process.exit(1);
  }
}
if (!process.env.TIM_BULK_CLI) {
  const { execFileSync } = await import("node:child_process");
  execFileSync(path.join(REPO, "scripts/tim-contacts"), ["--help"], { stdio: "ignore" });
}
const dir = path.join(REPO, "tests/bulk/redis");
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".test.mjs")).sort().map((f) => path.join(dir, f));
const filter = process.argv[2];
let passed = 0;
let failed = 0;
const stream = run({ files, concurrency: 1, ...(filter ? { testNamePatterns: [filter] } : {}) });
stream.on("test:pass", (e) => { if (e.details?.type !== "suite" && !e.skip && !e.todo) passed++; });
stream.on("test:fail", (e) => { if (e.details?.type !== "suite") failed++; });
stream.compose(spec).pipe(process.stdout);
await new Promise((resolve) => stream.once("end", resolve));
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
