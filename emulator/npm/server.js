// tim-emulator/server: the emulator's core (the same wasm as the in-process fetch) behind
// node:http, with the native binary's log line, control endpoints, CORS and transport answers.
// Node only. `npx tim-emulator` (bin/tim-emulator.js) is its command line.
import http from "node:http";
import { _openCore, _take, EmulatorError } from "./index.js";
import { tooLarge, malformed, timedOut } from "./tim_emulator_core.js";

const MAX_HEAD = 64 * 1024;
const DRAIN_BYTES = 64 * 1024 * 1024;
const DRAIN_MS = 2000;

function write(res, r) {
  const headers = {};
  for (const [k, v] of r.headers) headers[k] = v;
  headers["Content-Length"] = String(r.body.length);
  if (r.close) headers["Connection"] = "close";
  res.writeHead(r.status, headers);
  res.end(r.body);
}

/** An answer written on a bare socket (before or outside an HTTP exchange), then close. */
function writeRaw(socket, r) {
  if (!socket.writable) return socket.destroy();
  let head = `HTTP/1.1 ${r.status} ${http.STATUS_CODES[r.status] ?? ""}\r\n`;
  for (const [k, v] of r.headers) head += `${k}: ${v}\r\n`;
  head += `Content-Length: ${r.body.length}\r\nConnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head), Buffer.from(r.body)]));
}

/**
 * Start the emulator on `host:port` (port 0 = a free one). Options: host ("127.0.0.1"),
 * port (8080), log (true: one line per request on stderr; or a function), requestTimeoutMs
 * (30000), idleTimeoutMs (120000), maxConnections (1024), and every createEmulator option
 * (seed, sdkAppId, secretKey, admins, rateLimit, page sizes, faults, limits, maxBodyBytes).
 * Resolves to { url, port, server, close() }.
 */
export async function startServer(options = {}) {
  const { host = "127.0.0.1", port = 8080, log = true, requestTimeoutMs = 30_000, idleTimeoutMs = 120_000, maxConnections = 1024, ...rest } = options;
  const { core, clock, mono } = _openCore(rest, "startServer");
  const say = log === true ? (l) => process.stderr.write(`${l}\n`) : typeof log === "function" ? log : null;
  const limit = core.maxBodyBytes;

  const server = http.createServer({ requireHostHeader: false, maxHeaderSize: MAX_HEAD, requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, keepAliveTimeout: idleTimeoutMs });
  server.maxConnections = maxConnections;

  // Expect: 100-continue: a body announced over the limit gets its 413 before any of it is sent.
  server.on("checkContinue", (req, res) => {
    if (Number(req.headers["content-length"]) > limit) return write(res, _take(tooLarge()));
    res.writeContinue();
    server.emit("request", req, res);
  });

  server.on("request", (req, res) => {
    const chunks = [];
    let size = 0;
    let over = false;
    let drainTimer;
    const timer = setTimeout(() => {
      if (!res.headersSent) write(res, _take(timedOut()));
    }, requestTimeoutMs);
    // Over the limit: keep nothing, read and drop what still comes (at most 64 MiB or 2 s, as the
    // native server, so that closing does not reset the connection before the 413 is read).
    const refuse = () => {
      clearTimeout(timer);
      clearTimeout(drainTimer);
      if (!res.headersSent) write(res, _take(tooLarge()));
    };
    const overLimit = () => {
      if (over) return;
      over = true;
      chunks.length = 0;
      drainTimer = setTimeout(refuse, DRAIN_MS);
    };
    if (Number(req.headers["content-length"]) > limit) overLimit();
    req.on("data", (c) => {
      size += c.length;
      if (size > limit) overLimit();
      if (!over) chunks.push(c);
      else if (size > DRAIN_BYTES) refuse();
    });
    req.on("error", () => {
      clearTimeout(timer);
      req.socket.destroy();
    });
    req.on("end", async () => {
      clearTimeout(timer);
      if (res.headersSent) return;
      if (over) return refuse();
      const body = new Uint8Array(Buffer.concat(chunks));
      const t0 = performance.now();
      const target = req.url ?? "/";
      let r = _take(core.handle(req.method ?? "GET", target, body, clock.now(), mono()));
      if (r.kind === "delay") {
        await new Promise((ok) => setTimeout(ok, r.delayMs));
        r = _take(core.resume(req.method ?? "GET", target, body, r.delayMs, clock.now(), mono()));
      }
      if (say && r.log) say(`${r.log} ${(performance.now() - t0).toFixed(1)}ms`);
      if (r.kind === "answer") write(res, r);
      else req.socket.destroy();
    });
  });

  // A request node:http could not parse: the native server's answers (400; 431 for a head over
  // 64 KiB; 413 for a chunk size that does not fit in 64 bits).
  server.on("clientError", (err, socket) => {
    const code = err?.code ?? "";
    if (code === "ECONNRESET" || !socket.writable) return socket.destroy();
    if (code === "HPE_HEADER_OVERFLOW") return writeRaw(socket, { status: 431, headers: [], body: new Uint8Array(0) });
    if (code === "ERR_HTTP_REQUEST_TIMEOUT" || code === "HPE_TIMEOUT") return socket.destroy();
    if (code === "HPE_INVALID_CHUNK_SIZE" && /overflow/i.test(String(err?.reason))) return writeRaw(socket, _take(tooLarge()));
    writeRaw(socket, _take(malformed(String(err?.reason ?? err?.message ?? "malformed request"))));
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}`,
    port: addr.port,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          core.free();
          resolve();
        });
        server.closeAllConnections?.();
      }),
  };
}

export { EmulatorError };
