// @ts-check
// Post-processes wasm-bindgen output (node scripts/lib/patch-glue.mjs FILE...;
// a .d.ts only gets its JSDoc fixed, see rawDocs below):
// wasm-bindgen reports a method called on a freed object (or on something that
// is not an instance) by throwing a plain `Error("null pointer passed to
// rust")` from its `__wbindgen_throw` import. The package promises a
// `TimError` for every failure, so that import throws one for the messages
// below; anything else stays as wasm-bindgen wrote it. Fails the build when
// the glue does not have exactly one such import (a wasm-bindgen upgrade that
// changed it must be looked at, not silently skipped).
//
// Second, the brand check: every method and getter of an exported class hands
// `this.__wbg_ptr` to the wasm, which reads it as a pointer to its own type.
// Called with another `this` (`const { getList } = tim; getList()`, or
// `TimClient.prototype.getList.call(aRateLimiter)`), that is a raw TypeError
// or, worse, another object's memory read as this one's. Each class's
// `this.__wbg_ptr` goes through `timOwn(this, Class)`, which throws a
// `TimError` unless `this` is an instance of that class.
import { readFileSync, writeFileSync } from "node:fs";

const THROW = "throw new Error(getStringFromWasm0(arg0, arg1));";
const HELPER = `
// tim-contacts: the glue's own failures as TimErrors (scripts/lib/patch-glue.mjs).
function timGlueError(message) {
    const known = {
        "null pointer passed to rust": "this object was freed (free() was called), or the method was called on something that is not an instance; create a new one",
        "recursive use of an object detected which would lead to unsafe aliasing in rust": "this object is in use by a call that has not returned yet",
    };
    if (!Object.hasOwn(known, message)) return new Error(message);
    return timThisError(known[message]);
}
function timThisError(why) {
    const e = new Error(\`invalid \\\`this\\\`: \${why}\`);
    e.name = "TimError";
    e.kind = "invalid_input";
    e.field = "this";
    e.retryable = false;
    return e;
}
function timOwn(self, Class) {
    let own = false;
    try {
        own = self instanceof Class;
    } catch {}
    if (!own) throw timThisError(\`the method was called on something that is not a \${Class.name} (call it on the instance: tim.getList(...), not a detached copy)\`);
    return self;
}
`;

// Docs of methods made by a macro_rules table (src/api/registry.rs) reach
// wasm-bindgen as raw string literals, which it copies with their `r"`
// prefix: `* r" text`. The JSDoc lines lose it here.
// (`r#"...with "quotes"..."#` when the line has a quote).
const rawDocs = (text) => text.replace(/^(\s*\*) r(#*)"(.*?)(?:"\2)?$/gm, (_m, star, _hashes, content) => star + content);

for (const file of process.argv.slice(2)) {
  if (file.endsWith(".d.ts")) {
    writeFileSync(file, rawDocs(readFileSync(file, "utf8")));
    continue;
  }
  const glue = rawDocs(readFileSync(file, "utf8"));
  const at = glue.indexOf("__wbindgen_throw_");
  const count = glue.split(THROW).length - 1;
  if (at < 0 || count !== 1 || glue.indexOf(THROW, at) < 0) {
    console.error(`patch-glue: FAILED: ${file} does not have exactly one __wbindgen_throw of the expected shape (found ${count})`);
    process.exit(1);
  }
  if (glue.includes("function timGlueError(")) continue;
  let classes = 0;
  const branded = glue.replace(/^export class (\w+) \{\n([\s\S]*?)^\}\n/gm, (block, name, body) => {
    if (!body.includes("this.__wbg_ptr")) {
      console.error(`patch-glue: FAILED: class ${name} in ${file} has no this.__wbg_ptr`);
      process.exit(1);
    }
    classes++;
    return `export class ${name} {\n${body.split("this.__wbg_ptr").join(`timOwn(this, ${name}).__wbg_ptr`)}}\n`;
  });
  if (classes === 0) {
    console.error(`patch-glue: FAILED: no exported class in ${file}`);
    process.exit(1);
  }
  const patched = branded.replace(THROW, "throw timGlueError(getStringFromWasm0(arg0, arg1));") + HELPER;
  writeFileSync(file, patched);
}
