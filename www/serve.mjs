#!/usr/bin/env node
// Tiny static server for the tim-contacts admin console (no dependencies).
// Serves www/ at / and the repo's built package pkg/ at /pkg/, on 127.0.0.1 only.
//   node www/serve.mjs [PORT]        (or PORT=... ; 0 = a free port; default 8081)
// First stdout line: `tim-console listening on http://127.0.0.1:PORT/`.
import { createServer } from "node:http";
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
    if (!file || !(await stat(file)).isFile()) throw new Error("not a file");
    const body = await readFile(file);
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": body.length,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found");
  }
});

server.listen(port, "127.0.0.1", () => {
  const addr = server.address();
  const actual = typeof addr === "object" && addr ? addr.port : port;
  process.stdout.write(`tim-console listening on http://127.0.0.1:${actual}/\n`);
});
server.on("error", (e) => {
  console.error(`tim-console: ${e.message}`);
  process.exit(1);
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.close(() => process.exit(0)).closeAllConnections());
