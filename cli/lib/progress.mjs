// Call counts (from the client's onResponse hook) and the progress line on a terminal.

/** Short names for the progress line. */
const SHORT = (endpoint) => endpoint.replace(/^v4\/(recentcontact|sns)\//, "");

export class Stats {
  constructor(prior = {}) {
    /** HTTP attempts per endpoint, this run and the runs it resumes. */
    this.calls = { ...prior };
    this.throttled = 0;
    /** Per-second buckets of the last few seconds, per endpoint, for the rates. */
    this.recent = [];
  }

  response(e) {
    this.calls[e.endpoint] = (this.calls[e.endpoint] ?? 0) + 1;
    if (e.error && [60007, 60011, 60018, 60019].includes(e.error.code)) this.throttled++;
    const sec = Math.floor(performance.now() / 1000);
    let b = this.recent[this.recent.length - 1];
    if (!b || b.sec !== sec) {
      b = { sec, counts: {} };
      this.recent.push(b);
      if (this.recent.length > 6) this.recent.shift();
    }
    b.counts[e.endpoint] = (b.counts[e.endpoint] ?? 0) + 1;
  }

  /** Totals read from elsewhere (the workers' counters in Redis): the rates then come from their deltas. */
  observe(calls, throttled = 0) {
    this.calls = { ...calls };
    this.throttled = throttled;
    const t = performance.now();
    (this.totals ??= []).push({ t, calls: { ...calls } });
    while (this.totals.length > 2 && t - this.totals[0].t > 5000) this.totals.shift();
  }

  /** Calls per second per endpoint over the last complete seconds (up to 5). */
  rates() {
    if (this.totals?.length >= 2) {
      const a = this.totals[0];
      const b = this.totals[this.totals.length - 1];
      const dt = (b.t - a.t) / 1000;
      return Object.fromEntries(Object.entries(b.calls).map(([k, n]) => [k, (n - (a.calls[k] ?? 0)) / dt]));
    }
    const now = Math.floor(performance.now() / 1000);
    const full = this.recent.filter((b) => b.sec < now && b.sec >= now - 5);
    const out = {};
    if (!full.length) return out;
    const span = now - full[0].sec;
    for (const b of full) for (const [k, n] of Object.entries(b.counts)) out[k] = (out[k] ?? 0) + n / span;
    return out;
  }
}

/** The progress line, redrawn twice a second on stderr when it is a terminal. */
export class Progress {
  constructor({ label, total, done, stats, enabled }) {
    this.label = label;
    this.total = total;
    this.startDone = done;
    this.done = done;
    this.failed = 0;
    this.stats = stats;
    this.enabled = enabled && process.stderr.isTTY;
    this.t0 = performance.now();
    if (this.enabled) {
      this.timer = setInterval(() => this.draw(), 500);
      this.timer.unref?.();
    }
  }

  update({ done, failed }) {
    this.done = done;
    this.failed = failed;
  }

  line() {
    const { total, done } = this;
    const secs = (performance.now() - this.t0) / 1000;
    const rate = (done - this.startDone) / Math.max(secs, 0.001);
    const eta = rate > 0 && total !== undefined ? Math.max(0, (total - done) / rate) : undefined;
    const pct = total ? ` (${Math.floor((100 * done) / total)}%)` : "";
    const calls = Object.entries(this.stats.rates())
      .map(([k, r]) => `${SHORT(k)} ${r.toFixed(0)}/s`)
      .join(", ");
    const etaText = eta === undefined ? "" : `, ETA ${fmtSecs(eta)}`;
    const extra = this.extra ? `, ${this.extra}` : "";
    return `${this.label}: ${done}/${total ?? "?"} users${pct}, ${this.failed} failed${extra}${etaText}${calls ? `; ${calls}` : ""}`;
  }

  draw() {
    if (this.enabled) process.stderr.write(`\r\x1b[2K${this.line().slice(0, (process.stderr.columns || 120) - 1)}`);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    if (this.enabled) process.stderr.write("\r\x1b[2K");
  }
}

export function fmtSecs(s) {
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
