// cli/lib/http-fetch.mjs, the CLI's fetch, against real local servers: answers, a refused
// connection, a connection dropped mid-body, an abort, keep-alive.
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { after, before, test } from "node:test";
import { httpFetch } from "../../cli/lib/http-fetch.mjs";

const fetch = httpFetch();
let server, base, connections = 0;
before(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.url === "/slow") return setTimeout(() => res.end("late"), 5000);
      if (req.url === "/cut") {
        res.writeHead(200, { "Content-Length": "100" });
        res.write("only part");
        return setTimeout(() => res.socket.destroy(), 20);
      }
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ method: req.method, type: req.headers["content-type"], body }));
    });
  });
  server.on("connection", () => connections++);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));

test("http-fetch: POSTs the body and headers, gives status and bytes, keeps the connection", async () => {
  const before = connections;
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${base}/x`, { method: "POST", headers: { "Content-Type": "application/json" }, body: `{"n":${i}}` });
    assert.equal(r.status, 201);
    assert.equal(r.ok, true);
    const got = JSON.parse(new TextDecoder().decode(await r.arrayBuffer()));
    assert.deepEqual(got, { method: "POST", type: "application/json", body: `{"n":${i}}` });
  }
  assert.equal(connections - before, 1, "five sequential calls, one connection");
});

test("http-fetch: a refused connection is a TypeError whose cause has code ECONNREFUSED", async () => {
  const port = await new Promise((r) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
  const e = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "{}" }).then(() => null, (x) => x);
  assert.ok(e instanceof TypeError, String(e));
  assert.equal(e.message, "fetch failed");
  assert.equal(e.cause?.code, "ECONNREFUSED");
});

test("http-fetch: a body cut short rejects, it never resolves with part of it", async () => {
  const e = await fetch(`${base}/cut`, { method: "POST", body: "{}" }).then((r) => r.arrayBuffer().then((b) => `resolved with ${b.byteLength} bytes`), (x) => x);
  assert.ok(e instanceof TypeError, String(e));
  assert.equal(e.cause?.code, "ECONNRESET");
});

test("http-fetch: an abort rejects at once with the signal's reason", async () => {
  const c = new AbortController();
  const t0 = Date.now();
  const p = fetch(`${base}/slow`, { method: "POST", body: "{}", signal: c.signal });
  setTimeout(() => c.abort(), 50);
  const e = await p.then(() => null, (x) => x);
  assert.equal(e?.name, "AbortError");
  assert.ok(Date.now() - t0 < 2000, "did not wait for the answer");
  const pre = new AbortController();
  pre.abort(new Error("stop"));
  assert.equal((await fetch(`${base}/x`, { signal: pre.signal }).catch((x) => x)).message, "stop");
});
