// Helpers of the Redis drills (tests/bulk/redis/): a real redis-server on a free loopback port
// with its own data directory (AOF on, noeviction, no RDB snapshots), stopped by its PID and
// restartable on the same port and directory; CLI workers as child processes.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { CLI, spawnCli } from "./harness.mjs";

const children = new Set();
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(c.pid, "SIGKILL");
});

/** A free loopback TCP port (bound and released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Sends PING; resolves true on +PONG. */
function ping(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    let buf = "";
    const done = (v) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once("error", () => done(false));
    sock.on("data", (d) => {
      buf += d;
      if (buf.includes("\r\n")) done(buf.startsWith("+PONG"));
    });
    sock.write("PING\r\n");
  });
}

/**
 * Starts redis-server in `dir` (created) on a free port: `--appendonly yes`, `--maxmemory-policy
 * noeviction`, `--save ""`. Resolves with { url, port, pid, stop(), restart() }.
 */
export async function startRedis(dir) {
  if (!fs.existsSync("/usr/bin/redis-server") && !process.env.PATH.split(":").some((p) => fs.existsSync(path.join(p, "redis-server")))) {
    throw new Error("redis-server missing: run ./scripts/setup (it installs Debian's redis-server)");
  }
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  let child;
  const up = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--maxmemory-policy", "noeviction", "--save", "", "--logfile", path.join(dir, "redis.log")], { stdio: "ignore" });
    children.add(child);
    const t0 = Date.now();
    while (!(await ping(port))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: see ${dir}/redis.log`);
      if (Date.now() - t0 > 15_000) throw new Error("redis-server did not answer PING within 15 s");
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = (sig = "SIGTERM") =>
    new Promise((resolve) => {
      const c = child;
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once("exit", () => {
        children.delete(c);
        resolve();
      });
      process.kill(c.pid, sig); // SIGTERM: redis-server fsyncs the AOF and exits
    });
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid;
    },
    stop,
    /** Stops it (SIGTERM), waits `downMs`, starts it again on the same port and data directory. */
    async restart(downMs = 500) {
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      await up();
    },
    up,
  };
}

/** A CLI process: `spawnCli` of the bulk harness (`ready` at the first stderr line matching `readyLine`). */
export { CLI, spawnCli as spawnCliProcess };

/**
 * Starts `n` workers on `redisUrl` (`extra` flags appended); resolves once each is taking jobs.
 * Each has { child, done, stop() } (stop = SIGTERM, resolves with its result).
 */
export async function startWorkers(n, redisUrl, { env, cwd, extra = [] }) {
  const ws = [];
  for (let i = 0; i < n; i++) {
    const w = spawnCli(["worker", "--redis", redisUrl, "--no-progress", ...extra], { env, cwd, readyLine: /worker \S+ on queue/ });
    w.stop = () => {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM");
      return w.done;
    };
    ws.push(w);
  }
  await Promise.all(ws.map((w) => w.ready));
  return ws;
}
