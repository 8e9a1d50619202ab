// A job's files: the output, the failures file and the checkpoint, kept so that `kill -9` at any
// moment loses nothing. Order of writes for each finished user, in input order:
//   1. its line is appended to the output (or the failures file),
//   2. the checkpoint is replaced atomically (write OUT.checkpoint.json.tmp, rename): next input
//      index, byte lengths of the output and failures files, counters.
// `--resume` truncates both files to the checkpoint's lengths (a line written after the last
// checkpoint goes) and continues at its index: the result equals an uninterrupted run, and only
// the users in flight at the crash are done again.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { UsageError } from "./usage.mjs";

export class Job {
  /**
   * @param {{ command: string, input: string, out: string, failures?: string, resume: boolean, options: object }} o
   */
  constructor({ command, input, out, failures, resume, options }) {
    this.command = command;
    this.input = path.resolve(input);
    this.out = path.resolve(out);
    this.failuresPath = path.resolve(failures ?? `${out}.failures.jsonl`);
    this.checkpointPath = `${this.out}.checkpoint.json`;
    this.resume = resume;
    this.options = options;
    this.nextIndex = 0;
    this.counts = {};
    this.calls = {};
    this.priorSeconds = 0;
    this.resumed = false;
  }

  /** Opens the files: fresh, or truncated to the checkpoint with `--resume`. */
  open(log) {
    for (const p of [this.out, this.failuresPath]) {
      if (p === this.input) throw new UsageError(`${p} is the input file too: choose another output`);
    }
    if (this.out === this.failuresPath) throw new UsageError("--out and --failures name the same file");
    let cp = null;
    if (fs.existsSync(this.checkpointPath)) {
      if (!this.resume) {
        throw new UsageError(
          `${this.checkpointPath} exists: an interrupted run. Pass --resume to continue it, or delete it to start over`,
        );
      }
      try {
        cp = JSON.parse(fs.readFileSync(this.checkpointPath, "utf8"));
      } catch (e) {
        throw new UsageError(`${this.checkpointPath} is not a checkpoint (${e.message}): delete it to start over`);
      }
      if (cp.version !== 1 || cp.command !== this.command) {
        throw new UsageError(`${this.checkpointPath} is a checkpoint of \`${cp.command}\`, not of \`${this.command}\``);
      }
      if (cp.input !== this.input) throw new UsageError(`${this.checkpointPath} was written for input ${cp.input}, not ${this.input}`);
      if (JSON.stringify(cp.options) !== JSON.stringify(this.options)) {
        throw new UsageError(`${this.checkpointPath} was written with other options (${JSON.stringify(cp.options)}): resume with the same ones`);
      }
      if (cp.failures !== this.failuresPath) throw new UsageError(`${this.checkpointPath} was written with --failures ${cp.failures}`);
    } else if (this.resume) {
      log(`no checkpoint at ${this.checkpointPath}: starting from the first user`);
    }
    if (cp) {
      for (const [p, len] of [[this.out, cp.outBytes], [this.failuresPath, cp.failuresBytes]]) {
        const size = fs.existsSync(p) ? fs.statSync(p).size : -1;
        if (size < len) throw new UsageError(`${p} is shorter (${size} bytes) than its checkpoint says (${len}): was it changed? Delete ${this.checkpointPath} to start over`);
        fs.truncateSync(p, len);
      }
      this.nextIndex = cp.nextIndex;
      this.outBytes = cp.outBytes;
      this.failuresBytes = cp.failuresBytes;
      this.counts = cp.counts ?? {};
      this.calls = cp.calls ?? {};
      this.priorSeconds = cp.seconds ?? 0;
      this.resumed = true;
      this.outFd = fs.openSync(this.out, "a");
      this.failuresFd = fs.openSync(this.failuresPath, "a");
    } else {
      fs.mkdirSync(path.dirname(this.out), { recursive: true });
      fs.mkdirSync(path.dirname(this.failuresPath), { recursive: true });
      this.outFd = fs.openSync(this.out, "w");
      this.failuresFd = fs.openSync(this.failuresPath, "w");
      this.outBytes = 0;
      this.failuresBytes = 0;
    }
    return this.nextIndex;
  }

  count(key, n = 1) {
    this.counts[key] = (this.counts[key] ?? 0) + n;
  }

  writeOut(line) {
    this.outBytes += writeAll(this.outFd, line);
  }

  writeFailure(entry) {
    const e = entry.error ?? {};
    const error = { kind: e.kind ?? (e.name === "BulkError" ? "invalid_input" : "internal"), code: e.code ?? null, message: String(e.message ?? e) };
    if (e.field) error.field = e.field;
    if (e.endpoint) error.endpoint = e.endpoint;
    const line = JSON.stringify({ user: entry.user ?? null, index: entry.index, error }) + "\n";
    this.failuresBytes += writeAll(this.failuresFd, line);
  }

  /** After each user in input order: the next index and the files' lengths, atomically. */
  checkpoint(nextIndex, calls, seconds) {
    this.nextIndex = nextIndex;
    const cp = {
      version: 1,
      command: this.command,
      input: this.input,
      options: this.options,
      failures: this.failuresPath,
      nextIndex,
      outBytes: this.outBytes,
      failuresBytes: this.failuresBytes,
      counts: this.counts,
      calls,
      seconds,
    };
    const tmp = `${this.checkpointPath}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(cp) + "\n");
    fs.renameSync(tmp, this.checkpointPath);
  }

  close() {
    for (const fd of [this.outFd, this.failuresFd]) if (fd !== undefined) fs.closeSync(fd);
    this.outFd = this.failuresFd = undefined;
  }

  /** The job is complete: no checkpoint is left (a re-run starts afresh). */
  finish() {
    this.close();
    fs.rmSync(this.checkpointPath, { force: true });
  }
}

function writeAll(fd, text) {
  const buf = Buffer.from(text, "utf8");
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
  return buf.length;
}

/**
 * The user ids of a users file, streamed: one a line, blank lines and `#` comments skipped; a
 * line may also be a JSON string or an object with a `user` (so a failures file can be re-run).
 */
export async function* readUsers(file) {
  const rl = readline.createInterface({ input: fs.createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  let n = 0;
  for await (const raw of rl) {
    n++;
    const text = raw.trim();
    if (text === "" || text.startsWith("#")) continue;
    if (text.startsWith("{") || text.startsWith('"')) {
      let v;
      try {
        v = JSON.parse(text);
      } catch (e) {
        throw new UsageError(`${file}:${n}: not a user id nor JSON (${e.message})`);
      }
      const user = typeof v === "string" ? v : v?.user;
      if (typeof user !== "string" || !user) throw new UsageError(`${file}:${n}: no user id in ${text.slice(0, 80)}`);
      yield user;
    } else {
      yield text;
    }
  }
}

/** How many users `readUsers` will yield (a first pass, for the progress line and checks). */
export async function countUsers(file) {
  let n = 0;
  for await (const _ of readUsers(file)) n++;
  return n;
}
