// Which entry each kind of consumer gets from a package.json's `exports["."]`
// (node scripts/lib/resolve-exports.mjs path/to/package.json): resolves the map the way the
// Node.js algorithm does (the first key, in the map's order, that is among the consumer's
// conditions) for the condition sets of Node, Deno, TypeScript and the common bundlers
// targeting browsers, and fails when one gets another file than it should. Node and Deno are
// also tested for real (scripts/build imports the packed package by name in both); this covers
// the consumers that cannot run here.
import { readFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";

/** The target of `exports["."]` for `conditions`, or null. */
export function resolve(exportsMap, conditions) {
  let target = exportsMap["."] ?? exportsMap;
  while (target !== null && typeof target === "object") {
    const key = Object.keys(target).find((k) => k === "default" || conditions.includes(k));
    if (key === undefined) return null;
    target = target[key];
  }
  return typeof target === "string" ? target : null;
}

// Condition sets as each tool documents them (the order within a set does not matter).
const CONSUMERS = [
  ["Node (import)", ["node", "import", "node-addons"], "./index.node.js"],
  ["Node (require)", ["node", "require", "module-sync", "node-addons"], "./index.node.js"],
  ["Deno (npm packages)", ["deno", "node", "import"], "./index.deno.js"],
  ["Vite / Rollup (browser)", ["import", "module", "browser", "production"], "./index.web.js"],
  ["webpack (target web)", ["import", "module", "webpack", "browser", "production"], "./index.web.js"],
  ["esbuild (platform browser)", ["import", "browser", "module"], "./index.web.js"],
  ["TypeScript (bundler resolution)", ["types", "import"], "./index.d.ts"],
  ["TypeScript (nodenext)", ["types", "node", "import"], "./index.d.ts"],
];

const main = process.argv[1] && import.meta.url === pathToFileURL(resolvePath(process.argv[1])).href;
if (main) {
  const pkg = JSON.parse(readFileSync(process.argv[2], "utf8"));
  let bad = 0;
  for (const [who, conditions, want] of CONSUMERS) {
    const got = resolve(pkg.exports, conditions);
    if (got !== want) {
      console.error(`resolve-exports: FAILED: ${who} gets ${got}, should get ${want}`);
      bad++;
    }
  }
  if (bad) process.exit(1);
}
