// generateSeedText (the npm package, wasm) prints byte for byte what tim-seedgen (the native
// binary, target/debug/tim-seedgen) prints for the same arguments.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generateSeed, generateSeedText, EmulatorError } from "../../pkg/index.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const SEEDGEN = `${REPO}target/debug/tim-seedgen`;
const native = (args) => execFileSync(SEEDGEN, args, { maxBuffer: 64 << 20 });

const cases = [
  [[], {}],
  [["--users", "2", "--conversations", "300", "--seed", "7"], { users: 2, conversations: 300, seed: 7 }],
  [["--demo", "--conversations", "400", "--seed", "7"], { demo: true, conversations: 400, seed: 7 }],
  [["--users", "1", "--conversations", "50", "--seed", "18446744073709551615"], { users: 1, conversations: 50, seed: 18446744073709551615n }],
  [["--users", "3", "--conversations", "0", "--seed", "0", "--base-time", "1600000000"], { users: 3, conversations: 0, seed: 0, baseTime: 1_600_000_000 }],
  [["--users", "1", "--conversations", "10000", "--seed", "42"], { users: 1, conversations: 10_000, seed: 42n }],
];

for (const [args, opts] of cases) {
  test(`generateSeedText(${JSON.stringify(opts, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}) = tim-seedgen ${args.join(" ")}`, () => {
    const want = native(args);
    const got = Buffer.from(generateSeedText(opts), "utf8");
    assert.equal(got.length, want.length);
    assert.ok(got.equals(want), "byte-identical output");
  });
}

test("the committed demo seed is generateSeedText({ demo: true, conversations: 400, seed: 7 })", () => {
  const committed = readFileSync(`${REPO}emulator/seeds/demo.json`);
  assert.ok(Buffer.from(generateSeedText({ demo: true, conversations: 400, seed: 7 })).equals(committed));
  assert.deepEqual(generateSeed({ demo: true, conversations: 400, seed: 7 }), JSON.parse(committed.toString("utf8")));
});

test("bad options are named, nothing is generated", () => {
  const named = (opts, word) => assert.throws(() => generateSeedText(opts), (e) => e instanceof EmulatorError && e.message.includes(word));
  named({ user: 3 }, "user");
  named({ users: -1 }, "users");
  named({ conversations: 1.5 }, "conversations");
  named({ seed: 2 ** 53 }, "seed");
  named({ seed: -1n }, "seed");
  named({ seed: 2n ** 64n }, "seed");
  named({ demo: "yes" }, "demo");
  named({ baseTime: "now" }, "baseTime");
});
