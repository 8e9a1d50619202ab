#!/usr/bin/env node
// npx tim-emulator: the emulator's core (wasm) behind node:http, with the native binary's
// flags, first line, log lines and exit codes (emulator/README.md). No cargo needed.
import { readFileSync } from "node:fs";
import { startServer } from "../server.js";

const USAGE = `usage: tim-emulator [options]

  --host HOST            bind address (default 127.0.0.1)
  --port PORT            port, 0 = pick a free one (default 8080)
  --sdkappid ID          SDKAppID (default 1400000000)
  --secret-key KEY       SecretKey for UserSig verification (default: the published sample key)
  --admin ID             admin identifier allowed to call the API; may repeat (default administrator)
  --seed FILE            seed document (default: the demo seed in this package); 'none' = empty state
  --rate-limit N         calls per second per endpoint, 0 = off (default 200)
  --page-size N          get_list page size (default 100)
  --contact-group-page-size N  get_contact_group page size (default 100)
  --friend-page-size N         sns/friend_get page size (default 100)
  --fault-rate P         probability in [0,1] of injecting a fault (default 0)
  --fault-kinds LIST     comma-separated kinds: http502,drop,drop-after,truncate,delay:<ms>,error:<code>
  --fault-script LIST    comma-separated kinds consumed one per API request
  --quiet                no per-request log lines
`;

function die(msg) {
  process.stderr.write(`tim-emulator: ${msg}\n\n${USAGE}`);
  process.exit(2);
}

function int(v, name) {
  if (!/^\d+$/.test(v)) die(`${name}: invalid value ${JSON.stringify(v)}`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) die(`${name}: invalid value ${JSON.stringify(v)}`);
  return n;
}

const kinds = (v) => v.split(",").map((k) => k.trim()).filter((k) => k !== "");

const opts = { port: 8080, log: true };
const faults = {};
const admins = [];
let seedPath = new URL("../seeds/demo.json", import.meta.url);
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  let name = args[i];
  let value;
  const eq = name.indexOf("=");
  if (name.startsWith("--") && eq > 0) {
    value = name.slice(eq + 1);
    name = name.slice(0, eq);
  }
  if (name === "-h" || name === "--help") {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (name === "--quiet") {
    opts.log = false;
    continue;
  }
  if (value === undefined) {
    i += 1;
    if (i >= args.length) die(`${name} needs a value`);
    value = args[i];
  }
  switch (name) {
    case "--host": opts.host = value; break;
    case "--port": {
      const p = int(value, name);
      if (p > 65535) die(`${name}: invalid value ${JSON.stringify(value)}`);
      opts.port = p;
      break;
    }
    case "--sdkappid": opts.sdkAppId = int(value, name); break;
    case "--secret-key": opts.secretKey = value; break;
    case "--admin": admins.push(value); break;
    case "--seed": seedPath = value; break;
    case "--rate-limit": opts.rateLimit = int(value, name); break;
    case "--page-size": opts.getListPageSize = Math.max(1, int(value, name)); break;
    case "--contact-group-page-size": opts.contactGroupPageSize = Math.max(1, int(value, name)); break;
    case "--friend-page-size": opts.friendPageSize = Math.max(1, int(value, name)); break;
    case "--fault-rate": {
      const r = Number(value);
      if (value.trim() === "" || !Number.isFinite(r)) die(`${name}: invalid value ${JSON.stringify(value)}`);
      if (r < 0 || r > 1) die("--fault-rate must be in [0, 1]");
      faults.rate = r;
      break;
    }
    case "--fault-kinds": faults.kinds = kinds(value); break;
    case "--fault-script": faults.script = kinds(value); break;
    default: die(`unknown argument ${JSON.stringify(name)}`);
  }
}
if (admins.length) opts.admins = admins;
if (Object.keys(faults).length) opts.faults = faults;
if (seedPath !== "none") {
  let text;
  try {
    text = readFileSync(seedPath, "utf8");
  } catch (e) {
    die(`cannot read seed ${seedPath}: ${e.message}`);
  }
  try {
    opts.seed = JSON.parse(text);
  } catch (e) {
    die(`invalid seed ${seedPath}: ${e.message}`);
  }
}

let running;
try {
  running = await startServer(opts);
} catch (e) {
  // as the native binary: a bad option is a usage error (2), a seed that does not load is not (1)
  const why = String(e?.message ?? e).replace(/^startServer: /, "");
  if (e?.name === "EmulatorError" && !why.startsWith("invalid seed")) die(why);
  process.stderr.write(`tim-emulator: cannot start: ${why}\n`);
  process.exit(1);
}
process.stdout.write(`tim-emulator listening on ${running.url}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  process.stderr.write("tim-emulator: shutting down\n");
  running.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
