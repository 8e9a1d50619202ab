#!/usr/bin/env node
// Tiny static server for the tim-contacts admin console (no dependencies).
// Serves www/ at / and the repo's built package pkg/ at /pkg/, on 127.0.0.1 only.
//   node www/serve.mjs [PORT]        (or PORT=... ; 0 = a free port; default 8081)
// First stdout line: `tim-console listening on http://127.0.0.1:PORT/`.
// Answers are compressed (brotli or gzip, as the browser accepts; compressed once per file
// version and kept in memory) and cacheable: an ETag per content, revalidated on each use
// (`cache-control: no-cache`), so a reload of an unchanged wasm costs a 304 and no body.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { promisify } from "node:util";
import { brotliCompress, constants as zlib, gzip } from "node:zlib";

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
import { readFile, stat } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const WWW = dirname(fileURLToPath(import.meta.url));
const PKG = resolve(WWW, "..", "pkg");
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

const arg = process.argv[2] ?? process.env.PORT ?? "8081";
const port = Number(arg);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`usage: node www/serve.mjs [PORT]  (got ${JSON.stringify(arg)}; 0 = free port)`);
  process.exit(2);
}

const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".wasm", ".json", ".svg", ".ts", ".md"]);
/**
 * path → { mtimeMs, size, entry: Promise of { etag, body, gzip, br } }. Each file version is read
 * and gzipped once; brotli (quality 11, ~1 s for the wasm) runs in the background and is served
 * once it is ready, so no request waits for it.
 */
const cache = new Map();

/** @param {string} file @param {import("node:fs").Stats} st */
function entryFor(file, st) {
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.entry;
  const entry = (async () => {
    let body = await readFile(file);
    if (file === join(WWW, "index.html")) body = await withPreloads(body);
    const etag = createHash("sha256").update(body).digest("base64url").slice(0, 22);
    const squeeze = COMPRESSIBLE.has(extname(file)) && body.length > 512;
    /** @type {{ etag: string, body: Buffer, gzip: Buffer | null, br: Buffer | null }} */
    const e = { etag, body, gzip: squeeze ? await gzipAsync(body, { level: 9 }) : null, br: null };
    if (squeeze) {
      brotliAsync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } })
        .then((br) => { e.br = br; }, () => {});
    }
    return e;
  })();
  cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, entry });
  entry.catch(() => cache.delete(file));
  return entry;
}

/**
 * The package's browser module graph from `/pkg/index.web.js` (static imports, followed
 * transitively; the glue is minified, so an import may follow a `;` on the same line), as URL paths: the console's page preloads all of it at once instead of
 * discovering it one import level at a time (the wasm-bindgen snippets are 3 levels deep).
 */
async function pkgModules() {
  const seen = new Set();
  const queue = ["index.web.js"];
  while (queue.length) {
    const rel = /** @type {string} */ (queue.shift());
    if (seen.has(rel)) continue;
    seen.add(rel);
    const text = await readFile(join(PKG, rel), "utf8").catch(() => "");
    for (const m of text.matchAll(/(?:^|[\n;])\s*(?:import|export)\b[^"';]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']|(?:^|[\n;])\s*import\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const spec = m[1] ?? m[2];
      const next = resolve(join(PKG, dirname(rel)), spec);
      if (next.startsWith(PKG + sep)) queue.push(next.slice(PKG.length + 1));
    }
  }
  return [...seen].map((rel) => `/pkg/${rel.split(sep).join("/")}`);
}

/** index.html with a modulepreload link for each module of the package's graph. @param {Buffer} body */
async function withPreloads(body) {
  const links = (await pkgModules()).map((p) => `<link rel="modulepreload" href="${p}">`).join("\n  ");
  return Buffer.from(String(body).replace("<!-- pkg-modulepreload -->", links));
}

/** Compresses the package's browser wasm at start, so the first page load does not wait for it. */
async function warm() {
  const file = join(PKG, "tim_contacts_bg.wasm");
  const st = await stat(file).catch(() => null);
  if (st?.isFile()) await entryFor(file, st).catch(() => {});
}

/** The encodings a request accepts (q=0 refuses). @param {string} header */
function accepts(header) {
  const ok = new Set();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (q && Number(q.slice(2)) === 0) continue;
    ok.add(name);
  }
  return ok;
}

/** Maps a URL path to a file under www/ or pkg/, or null when outside them. */
function fileFor(pathname) {
  let root = WWW;
  let rel = pathname;
  if (pathname === "/pkg" || pathname.startsWith("/pkg/")) {
    root = PKG;
    rel = pathname.slice(4);
  }
  if (rel === "" || rel.endsWith("/")) rel += "index.html";
  const file = resolve(join(root, rel));
  if (file !== root && !file.startsWith(root + sep)) return null;
  if (root === WWW && file === join(WWW, "serve.mjs")) return null;
  return file;
}

const server = createServer(async (req, res) => {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  } catch {
    res.writeHead(400).end("bad request");
    return;
  }
  const file = pathname.includes("\0") ? null : fileFor(pathname);
  try {
    const st = file ? await stat(file) : null;
    if (!file || !st?.isFile()) throw new Error("not a file");
    const entry = await entryFor(file, st);
    const ok = accepts(String(req.headers["accept-encoding"] ?? ""));
    let body = entry.body;
    let encoding = "";
    if (entry.br && ok.has("br")) { body = entry.br; encoding = "br"; }
    else if (entry.gzip && ok.has("gzip")) { body = entry.gzip; encoding = "gzip"; }
    /** @type {Record<string, string | number>} */
    const headers = {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-cache",
      // one tag per content and encoding (the bytes differ); any of them revalidates the content
      etag: `"${entry.etag}${encoding ? `.${encoding}` : ""}"`,
      vary: "accept-encoding",
      "x-content-type-options": "nosniff",
    };
    const match = req.headers["if-none-match"];
    if (match && match.split(",").some((t) => t.trim().replace(/^W\//, "").replace(/"/g, "").split(".")[0] === entry.etag)) {
      res.writeHead(304, headers).end();
      return;
    }
    if (encoding) headers["content-encoding"] = encoding;
    headers["content-length"] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found");
  }
});

server.listen(port, "127.0.0.1", () => {
  const addr = server.address();
  const actual = typeof addr === "object" && addr ? addr.port : port;
  process.stdout.write(`tim-console listening on http://127.0.0.1:${actual}/\n`);
  void warm();
});
server.on("error", (e) => {
  console.error(`tim-console: ${e.message}`);
  process.exit(1);
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.close(() => process.exit(0)).closeAllConnections());
