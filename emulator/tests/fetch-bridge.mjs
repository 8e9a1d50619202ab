// The in-process form of the emulator for its Rust behaviour tests (tests/common, form "fetch"):
// creates the npm package's in-process emulator (emulator/pkg/, ./scripts/build-emulator) from
// the options file argv[2] and answers one JSON line per request on stdin by calling its `fetch`,
// exactly as a TimClient would: {method, target, headers, body (base64), nowMs?} ->
// {status, headers, body (base64)} or {error, cause} when the fetch rejected (a drop fault).
// `nowMs` sets the virtual clock first (the tests' injected clock); without `virtual` the
// emulator runs on the wall clock.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createEmulator, virtualClock } from "../pkg/index.js";

const { virtual, ...options } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const clock = virtual ? virtualClock(0) : undefined;
const emu = createEmulator({ ...options, clock });
process.stdout.write("ready\n");

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const req = JSON.parse(line);
  if (clock && typeof req.nowMs === "number") clock.set(req.nowMs);
  const body = Buffer.from(req.body, "base64");
  let out;
  try {
    const init = { method: req.method, headers: req.headers };
    if (req.method !== "GET" && req.method !== "HEAD") init.body = body;
    const res = await emu.fetch(`${emu.url}${req.target}`, init);
    const bytes = Buffer.from(await res.arrayBuffer());
    out = { status: res.status, headers: [...res.headers], body: bytes.toString("base64") };
  } catch (e) {
    out = { error: String(e?.message ?? e), cause: String(e?.cause?.code ?? "") };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
