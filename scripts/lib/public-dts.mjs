// The public TypeScript of the package, made from wasm-bindgen's generated .d.ts.
//
//   node scripts/lib/public-dts.mjs build PKG_DIR   writes PKG_DIR/index.d.ts (what "types" points at)
//   node scripts/lib/public-dts.mjs check FILE      fails when FILE has an undocumented member or an `any`
//   node scripts/lib/public-dts.mjs names FILE      prints the value exports FILE declares, one a line
//
// wasm-bindgen's tim_contacts.d.ts describes its glue module, not the package: it declares the
// init API (a default export, initSync, InitInput, SyncInitInput, InitOutput) that the entries
// (index.node.js, index.web.js) run themselves and do not export, the `start` function
// (the panic-hook installer) and any `__wbg_*` internals. `build` drops those and keeps
// everything else, and makes it hold under strict compiler settings:
// - every optional property also accepts `undefined` (`timeoutMs?: number | undefined`), so the
//   types check with `exactOptionalPropertyTypes` (the hook events really carry
//   `status: undefined`, and callers write `{ cursor: maybe }`);
// - `[Symbol.dispose]` needs no lib beyond ES2022 (a `SymbolConstructor` declaration like the
//   one in @types/node);
// - `snsGroupGet({ needFriends: true })` resolves to groups whose `friends` is present;
// - `free()` and `[Symbol.dispose]()` get the JSDoc wasm-bindgen leaves out.
// It then FAILS when an exported declaration, or a member of an exported interface or class,
// has no JSDoc comment, when a type is `any` (`isTimError(e: unknown)`), and when the web and
// Node builds' declarations differ.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

// ---- a small scanner of declaration text: comments, strings, bracket depth ----

/** Index just past the comment or string starting at `i`, or -1 when none starts there. */
function skipAtom(src, i) {
  const c = src[i];
  if (c === "/" && src[i + 1] === "*") {
    const end = src.indexOf("*/", i + 2);
    if (end < 0) throw new Error(`unterminated comment at ${i}`);
    return end + 2;
  }
  if (c === "/" && src[i + 1] === "/") {
    const end = src.indexOf("\n", i);
    return end < 0 ? src.length : end;
  }
  if (c === '"' || c === "'" || c === "`") {
    let j = i + 1;
    while (j < src.length && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
    return j + 1;
  }
  return -1;
}

/**
 * Walks `src` from `from` to `to`, calling `visit(i, depth)` for each character outside comments
 * and strings (depth counts (), [], {} and type arguments <>, not the `>` of `=>`); stops early
 * when `visit` returns true. Returns that index.
 */
function walk(src, from, to, visit) {
  let depth = 0;
  for (let i = from; i < to; ) {
    const skip = skipAtom(src, i);
    if (skip >= 0) {
      i = skip;
      continue;
    }
    const c = src[i];
    const arrow = c === ">" && src[i - 1] === "=";
    if (c === "(" || c === "[" || c === "{" || c === "<") depth++;
    if (visit(i, depth, c)) return i;
    if (c === ")" || c === "]" || c === "}" || (c === ">" && !arrow)) depth--;
    i++;
  }
  return -1;
}

/** Index of the bracket closing the one at `open`. */
function matching(src, open) {
  const end = walk(src, open, src.length, (i, depth, c) => depth === 1 && (c === ")" || c === "]" || c === "}") && i > open);
  if (end < 0) throw new Error(`unbalanced bracket at ${open}`);
  return end;
}

/**
 * Splits a run of declarations (a file, or the inside of `{ }`) into items:
 * `{ doc, docStart, start, end, stop }`, `doc` the JSDoc right before it (or null), `start..end`
 * the declaration up to its terminator (`;`, `,`, or the `}` of a class / interface body), `stop`
 * just past the terminator.
 */
function items(src, from = 0, to = src.length, topLevel = false) {
  const out = [];
  let doc = null;
  let docStart = -1;
  let i = from;
  while (i < to) {
    if (/\s/.test(src[i])) {
      i++;
      continue;
    }
    if (src.startsWith("/**", i) && !src.startsWith("/**/", i)) {
      docStart = i;
      i = skipAtom(src, i);
      doc = src.slice(docStart, i);
      continue;
    }
    if (src.startsWith("//", i) || src.startsWith("/*", i)) {
      i = skipAtom(src, i);
      continue;
    }
    const start = i;
    const head = src.slice(start, Math.min(to, start + 200));
    const block = topLevel && /^(export\s+)?(declare\s+)?(abstract\s+)?(class|interface|namespace|module|global)\b/.test(head);
    let end = walk(src, start, to, (j, depth, c) => {
      if (depth === 0 && (c === ";" || (!topLevel && c === ","))) return true;
      return block && depth === 1 && c === "}";
    });
    if (end < 0) end = to;
    // `end` is the terminator: keep a `}` in the item, leave out `;` / `,`.
    const itemEnd = src[end] === "}" ? end + 1 : end;
    out.push({ doc, docStart: doc === null ? start : docStart, start, end: itemEnd, stop: Math.min(to, end + 1) });
    doc = null;
    i = Math.min(to, end + 1);
  }
  return out;
}

/** `{ kind, name, exported }` of a top-level declaration. */
function topInfo(text) {
  const m = /^(export\s+)?(declare\s+)?(default\s+)?(abstract\s+)?(function|class|interface|type|const|let|var|enum|namespace|module|global)\s*([A-Za-z0-9_$]*)/.exec(text);
  if (!m) return { kind: "other", name: "", exported: false, isDefault: false };
  return { kind: m[5], name: m[6], exported: Boolean(m[1]), isDefault: Boolean(m[3]) };
}

/** `{ name, optional, kind: "property" | "method" | "constructor", colon }` of a member. */
function memberInfo(text) {
  let rest = text;
  let offset = 0;
  const mods = [];
  for (;;) {
    const m = /^(readonly|private|protected|public|static|declare|abstract)\s+/.exec(rest);
    if (!m) break;
    mods.push(m[1]);
    rest = rest.slice(m[0].length);
    offset += m[0].length;
  }
  let name;
  if (rest[0] === "[") name = rest.slice(0, matching(rest, 0) + 1);
  else if (rest[0] === '"' || rest[0] === "'") name = rest.slice(0, skipAtom(rest, 0));
  else name = (/^[A-Za-z0-9_$]*/.exec(rest) || [""])[0];
  let j = name.length;
  const optional = rest[j] === "?";
  if (optional) j++;
  while (/\s/.test(rest[j] ?? "")) j++;
  const kind = name === "constructor" ? "constructor" : rest[j] === ":" ? "property" : "method";
  return { name, optional, kind, mods, colon: kind === "property" ? offset + j : -1 };
}

// ---- transformations ----

/** Parts of a type split at top-level `|`. */
function unionParts(type) {
  const parts = [];
  let last = 0;
  walk(type, 0, type.length, (i, depth, c) => {
    if (depth === 0 && c === "|") {
      parts.push(type.slice(last, i).trim());
      last = i + 1;
    }
    return false;
  });
  parts.push(type.slice(last).trim());
  return parts.filter((p) => p !== "");
}

/** `T` with every object-literal type inside it given `| undefined` optionals, see `body`. */
function transformType(type) {
  let out = "";
  let last = 0;
  walk(type, 0, type.length, (i, depth, c) => {
    if (c === "{" && i >= last) {
      const close = matching(type, i);
      out += type.slice(last, i + 1) + transformBody(type.slice(i + 1, close));
      last = close;
    }
    return false;
  });
  return out + type.slice(last);
}

/** A declaration body (between `{` and `}`) with `p?: T` turned into `p?: T | undefined`. */
function transformBody(body) {
  let out = "";
  let last = 0;
  for (const item of items(body)) {
    const text = body.slice(item.start, item.end);
    const info = memberInfo(text);
    if (info.kind !== "property") continue;
    const typeStart = info.colon + 1;
    const raw = text.slice(typeStart);
    const trailing = /\s*$/.exec(raw)[0];
    let type = transformType(raw.trim());
    if (info.optional && !unionParts(type).some((t) => t === "undefined" || t === "unknown")) {
      let arrow = false;
      walk(type, 0, type.length, (i, depth, c) => (arrow = arrow || (depth === 0 && c === "=" && type[i + 1] === ">")));
      type = `${arrow ? `(${type})` : type} | undefined`;
    }
    out += body.slice(last, item.start) + text.slice(0, typeStart) + " " + type + trailing;
    last = item.end;
  }
  return out + body.slice(last);
}

/** The init API and internals wasm-bindgen declares for its glue module, not the package. */
const INIT_API = new Set(["InitInput", "SyncInitInput", "InitOutput", "initSync", "__wbg_init", "start"]);
const isInternal = (name) => INIT_API.has(name) || name.startsWith("__");

const FREE_DOC = [
  "/**",
  " * Frees the memory this object holds in the WebAssembly instance now, instead of when it is",
  " * garbage-collected. The object is unusable afterwards: a method call on it throws.",
  " */",
];
const DISPOSE_DOC = [
  "/**",
  " * The same as `free()`, for `using` declarations (present where the runtime has `Symbol.dispose`).",
  " */",
];
const SNS_WITH_FRIENDS = [
  "/**",
  " * `v4/sns/group_get` with `needFriends: true`: a user's friend groups, each listing its `friends`.",
  " */",
];

/** Doc `lines` to insert where a member starts (after its indentation). */
function indentDoc(lines, indent) {
  return lines.join("\n" + indent) + "\n" + indent;
}

/** The class or interface `text` with its members transformed. */
function transformBlock(text, info) {
  const open = text.indexOf("{");
  const close = matching(text, open);
  let body = text.slice(open + 1, close);
  const edits = [];
  for (const item of items(body)) {
    const m = body.slice(item.start, item.end);
    const member = memberInfo(m);
    const indent = body.slice(body.lastIndexOf("\n", item.docStart) + 1, item.docStart);
    if (isInternal(member.name)) {
      edits.push([body.lastIndexOf("\n", item.docStart), item.stop, ""]);
      continue;
    }
    let doc = item.doc;
    if (!doc && member.name === "free" && info.kind === "class") doc = FREE_DOC;
    if (!doc && member.name === "[Symbol.dispose]" && info.kind === "class") doc = DISPOSE_DOC;
    if (Array.isArray(doc)) edits.push([item.start, item.start, indentDoc(doc, indent)]);
    if (info.name === "TimClient" && member.name === "snsGroupGet") {
      const overload = m
        .replace("request: SnsGroupGetRequest,", "request: SnsGroupGetRequest & { needFriends: true },")
        .replace("Promise<SnsGroupGetResult & TimCallInfo>", "Promise<SnsGroupGetResultWithFriends & TimCallInfo>");
      if (overload === m || !overload.includes("needFriends: true") || !overload.includes("WithFriends")) {
        throw new Error(`snsGroupGet's signature changed, update the overload in scripts/lib/public-dts.mjs: ${m}`);
      }
      edits.push([item.docStart, item.docStart, indentDoc(SNS_WITH_FRIENDS, indent) + overload + ";\n" + indent]);
    }
  }
  for (const [from, to, s] of edits.sort((a, b) => b[0] - a[0])) body = body.slice(0, from) + s + body.slice(to);
  return text.slice(0, open + 1) + transformBody(body) + text.slice(close);
}

const HEADER = `// The types of the tim-contacts package: what \`import { ... } from "tim-contacts"\` gives in
// Node, Deno and browsers alike (index.node.js and index.web.js export the same names).
// Generated by scripts/lib/public-dts.mjs from wasm-bindgen's output; reviewed copy in the
// repository at tests/api/tim_contacts.d.ts.
`;

const SYMBOL_DISPOSE = `
declare global {
    /** \`Symbol.dispose\` (ES2026; in Node >= 18.18, Deno and current browsers), declared for older libs. */
    interface SymbolConstructor {
        /** The method \`using\` calls at the end of its scope. */
        readonly dispose: unique symbol;
    }
}
`;

/** The public declaration text made from wasm-bindgen's `generated` text. */
export function publicDts(generated) {
  let out = HEADER;
  for (const item of items(generated, 0, generated.length, true)) {
    const text = generated.slice(item.start, item.end);
    const info = topInfo(text);
    if (!info.exported) throw new Error(`a top-level declaration that is not exported: ${text.slice(0, 80)}`);
    if (info.isDefault || isInternal(info.name)) continue;
    let body;
    if (info.kind === "class" || info.kind === "interface") body = transformBlock(text, info);
    else if (info.kind === "type") body = transformType(text);
    else body = text;
    const block = info.kind === "class" || info.kind === "interface";
    out += "\n" + (item.doc ? item.doc + "\n" : "") + body + (block ? "" : ";") + "\n";
  }
  return out + SYMBOL_DISPOSE;
}

/**
 * What is wrong with a public declaration text: exported declarations, and members of exported
 * interfaces and classes (a private constructor aside), without a JSDoc comment; and any `any`.
 */
export function problems(text) {
  const out = [];
  for (const item of items(text, 0, text.length, true)) {
    const decl = text.slice(item.start, item.end);
    const info = topInfo(decl);
    if (!info.exported) continue;
    if (!item.doc) out.push(`no JSDoc: ${info.name}`);
    if (info.kind !== "class" && info.kind !== "interface") continue;
    const open = decl.indexOf("{");
    const body = decl.slice(open + 1, matching(decl, open));
    for (const m of items(body)) {
      const member = memberInfo(body.slice(m.start, m.end));
      if (!m.doc && !(member.kind === "constructor" && member.mods.includes("private"))) {
        out.push(`no JSDoc: ${info.name}.${member.name}`);
      }
    }
  }
  walk(text, 0, text.length, (i) => {
    if (/^any\b/.test(text.slice(i, i + 4)) && !/[A-Za-z0-9_$]/.test(text[i - 1])) {
      out.push(`\`any\`: ${text.slice(text.lastIndexOf("\n", i) + 1, text.indexOf("\n", i)).trim()}`);
    }
    return false;
  });
  return out;
}

/** The value (runtime) exports a declaration text declares: functions, classes, consts. */
export function declaredValueNames(text) {
  const names = new Set();
  for (const item of items(text, 0, text.length, true)) {
    const info = topInfo(text.slice(item.start, item.end));
    if (info.exported && ["function", "class", "const", "let", "var", "enum"].includes(info.kind)) names.add(info.name);
  }
  return [...names].sort();
}

/** Fails listing `problems(text)`, if any. */
function check(text, file) {
  const found = problems(text);
  if (found.length) {
    fail(
      `${file}: ${found.length} problem(s). Every public declaration and member needs a JSDoc comment ` +
        "(a `///` doc in src/wasm/ or src/model/, or a /** */ in src/wasm/ts_types.rs), and no type is `any`:\n  " +
        found.join("\n  "),
    );
  }
  console.log(`public-dts: ${file}: ${declaredValueNames(text).length} value exports, every declaration and member documented, no \`any\``);
}

function fail(msg) {
  console.error(`public-dts: FAILED: ${msg}`);
  process.exit(1);
}

const main = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
const [cmd, arg] = main ? process.argv.slice(2) : [];
if (!main) {
  // imported as a module
} else if (cmd === "build") {
  const web = readFileSync(join(arg, "tim_contacts.d.ts"), "utf8");
  const node = readFileSync(join(arg, "tim_contacts_node.d.ts"), "utf8");
  const text = publicDts(web);
  if (publicDts(node) !== text) fail("the Node build (tim_contacts_node.d.ts) declares a different API than the web build");
  check(text, join(arg, "index.d.ts"));
  writeFileSync(join(arg, "index.d.ts"), text);
} else if (cmd === "check") {
  check(readFileSync(arg, "utf8"), arg);
} else if (cmd === "names") {
  console.log(declaredValueNames(readFileSync(arg, "utf8")).join("\n"));
} else {
  fail("usage: public-dts.mjs build PKG_DIR | check FILE.d.ts | names FILE.d.ts");
}
