// The README's "Testing your code" example is a test: the first ```js block under the heading
// "Testing your code" of /README.md is written, verbatim, as example.test.mjs into a scratch
// project where "tim-contacts" resolves to pkg/ and "tim-emulator" to emulator/pkg/, and run
// with `node --test`: it must pass, with at least one test and none failing, within 60 s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

export function extractBlock(markdown, heading) {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => /^#{1,6}\s+/.test(l) && l.replace(/^#+\s+/, "").trim() === heading);
  if (start < 0) throw new Error(`README.md has no heading "${heading}"`);
  for (let i = start + 1; i < lines.length && !/^#{1,2}\s/.test(lines[i]); i++) {
    if (/^```\s*(js|javascript|mjs)\s*$/.test(lines[i])) {
      const end = lines.indexOf("```", i + 1);
      if (end < 0) throw new Error("unterminated ```js block");
      return lines.slice(i + 1, end).join("\n") + "\n";
    }
  }
  throw new Error(`no \`\`\`js block under "${heading}"`);
}

test('README "Testing your code": the node:test example passes against the in-process emulator', () => {
  const code = extractBlock(readFileSync(join(REPO, "README.md"), "utf8"), "Testing your code");
  // It must be the example the section promises: node:test, the in-process emulator, a seed, a fault.
  for (const needle of ['from "node:test"', 'from "tim-emulator"', "createEmulator(", "seed", "faults", "fetch: emu.fetch"]) {
    assert.ok(code.includes(needle), `the example uses ${needle}`);
  }
  const dir = join(REPO, "tests/js/.out/readme-testing");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(join(REPO, "pkg"), join(dir, "node_modules/tim-contacts"), "dir");
  symlinkSync(join(REPO, "emulator/pkg"), join(dir, "node_modules/tim-emulator"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  writeFileSync(join(dir, "example.test.mjs"), code);
  // a fresh test run, not a child of this one (node:test marks its children through this variable)
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", "example.test.mjs"], { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, out);
  const pass = Number(out.match(/^# pass (\d+)$/m)?.[1]);
  const fail = Number(out.match(/^# fail (\d+)$/m)?.[1]);
  assert.ok(pass > 0 && fail === 0, out);
});
