// @ts-check
// What the console keeps in the browser: names of custom mark bits (localStorage) and the audit
// log of every change made from it (IndexedDB, kept across reloads). No server data is cached here.

const NAMES_KEY = "tim-console.markNames";

/** @returns {Map<number, string>} bit → name */
export function loadMarkNames() {
  try {
    const raw = JSON.parse(localStorage.getItem(NAMES_KEY) ?? "{}");
    /** @type {Map<number, string>} */
    const out = new Map();
    for (const [k, v] of Object.entries(raw)) {
      const bit = Number(k);
      if (Number.isInteger(bit) && bit >= 32 && bit <= 63 && typeof v === "string" && v) out.set(bit, v);
    }
    return out;
  } catch {
    return new Map();
  }
}

/** @param {Map<number, string>} names */
export function saveMarkNames(names) {
  localStorage.setItem(NAMES_KEY, JSON.stringify(Object.fromEntries([...names].sort((a, b) => a[0] - b[0]))));
}

/**
 * One change made from the console.
 * @typedef {object} AuditEntry
 * @property {number} [id]
 * @property {string} time     ISO 8601
 * @property {string} user     the `fromAccount` (or "" for jobs over many users)
 * @property {string} action   what was asked, in words
 * @property {unknown} before  the state before (as the console knew it)
 * @property {unknown} after   the state after (re-read), or null when it could not be read
 * @property {"ok" | "partial" | "error"} status
 * @property {unknown[]} results per-item outcomes, or the error
 */

const DB = "tim-console";
const STORE = "audit";

/** @type {Promise<IDBDatabase> | null} */
let opened = null;
function db() {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opened;
}

/**
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} fn
 * @returns {Promise<T>}
 */
async function run(mode, fn) {
  const tx = (await db()).transaction(STORE, mode);
  const req = fn(tx.objectStore(STORE));
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** Values that IndexedDB cannot clone (bigint marks, Errors) become JSON first. @param {unknown} v */
function plain(v) {
  return JSON.parse(JSON.stringify(v ?? null, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));
}

/** @param {AuditEntry} entry */
export async function addAudit(entry) {
  await run("readwrite", (s) => s.add(plain(entry)));
}

/** @returns {Promise<AuditEntry[]>} oldest first */
export function allAudit() {
  return run("readonly", (s) => s.getAll());
}

export function clearAudit() {
  return run("readwrite", (s) => s.clear());
}
