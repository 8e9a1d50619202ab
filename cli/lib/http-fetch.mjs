// A `fetch` for the CLI's clients on node:http / node:https with keep-alive agents: what the
// client needs of a fetch (POST a body, an AbortSignal, the status and the body's bytes) and no
// more. Node's global fetch (undici) builds WHATWG Request/Response objects and body streams for
// every call; in a worker at the limit (600 calls/s over three endpoints) that was the largest
// part of the process's CPU (bench/bulk-redis.mjs measures both). Failures have the shape of
// undici's: a TypeError "fetch failed" whose `cause` is the system error (`code: "ECONNREFUSED"`),
// so the client tells a refused connection from a lost one the same way; an abort rejects with
// the signal's reason (an AbortError).
import http from "node:http";
import https from "node:https";

/**
 * @param {{ maxSockets?: number }} [o] sockets per host (default 256)
 * @returns {(url: string, init?: { method?: string, headers?: Record<string, string>, body?: string | Uint8Array, signal?: AbortSignal }) => Promise<{ status: number, ok: boolean, headers: object, arrayBuffer(): Promise<ArrayBuffer>, text(): Promise<string> }>}
 */
export function httpFetch({ maxSockets = 256 } = {}) {
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets }),
    "https:": new https.Agent({ keepAlive: true, maxSockets }),
  };
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const u = new URL(url);
      const agent = agents[u.protocol];
      if (!agent) return reject(new TypeError(`fetch failed: unsupported protocol ${u.protocol}`));
      const { signal } = init;
      const aborted = () => signal.reason ?? new DOMException("This operation was aborted", "AbortError");
      if (signal?.aborted) return reject(aborted());
      const body = init.body == null ? undefined : Buffer.from(init.body);
      const headers = { ...(init.headers ?? {}) };
      if (body) headers["Content-Length"] = String(body.length);
      let settled = false;
      const fail = (e) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        reject(signal?.aborted ? aborted() : new TypeError("fetch failed", { cause: e }));
      };
      const req = (u.protocol === "https:" ? https : http).request(u, { method: init.method ?? "GET", headers, agent }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("error", fail);
        // closed before the end of the body (a dropped connection): never a short body as if whole
        res.on("close", () => fail(Object.assign(new Error("the connection closed before the answer ended"), { code: "ECONNRESET" })));
        res.on("end", () => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener("abort", onAbort);
          const buf = Buffer.concat(chunks);
          const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
          const status = res.statusCode ?? 0;
          resolve({ status, ok: status >= 200 && status < 300, headers: res.headers, arrayBuffer: async () => bytes, text: async () => buf.toString("utf8") });
        });
      });
      const onAbort = () => {
        req.destroy();
        fail(aborted());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", fail);
      req.end(body);
    });
}
