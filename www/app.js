// @ts-check
// tim-contacts admin console. Every read and write goes through the package (its iterators,
// chunking, UserSig caching and the bulk plan/apply); this file only wires the DOM to it: marks
// come from the SDK's decoded `marks`, errors from TimError fields, plans from applyUser(s).
import { TimClient, isTimError, decodeUserSig, validateSnapshot, encodeStandardMark } from "tim-contacts";
import { exportUsers, applyUsers, toJsonLine, isBulkError } from "tim-contacts/bulk";
import { explain, codeWords } from "./errors.js";
import { loadMarkNames, saveMarkNames, addAudit, allAudit, clearAudit } from "./store.js";
import { toCsv, download } from "./exporting.js";
import { EMULATOR, IDENTIFIER, SIGN_ENDPOINT, takeEarlySig } from "./early.js";

/** @typedef {import("tim-contacts").ConversationRef} ConversationRef */
/** @typedef {import("tim-contacts").Marks} Marks */
/** @typedef {import("tim-contacts").ContactGroup} ContactGroup */
/** @typedef {import("tim-contacts").MarkName} MarkName */
/** @typedef {import("tim-contacts").ConversationPages} ConversationPages */
/** @typedef {import("tim-contacts").ConversationOutcome} ConversationOutcome */
/** @typedef {import("tim-contacts").GroupChangeOutcome} GroupChangeOutcome */
/** @typedef {import("tim-contacts").Snapshot} Snapshot */
/** @typedef {import("tim-contacts").ApplyReport} ApplyReport */
/** @typedef {import("tim-contacts").Step} Step */
/** @typedef {import("tim-contacts").ExecutedStep} ExecutedStep */
/** @typedef {import("tim-contacts").SnapshotFriendGroup} SnapshotFriendGroup */
/** @typedef {import("./store.js").AuditEntry} AuditEntry */

/**
 * What a row shows: a getList item (or a getContactGroup item not in the recent list),
 * refreshed in place from searchContactGroup after writes.
 * @typedef {object} RowData
 * @property {ConversationRef} conversation
 * @property {number} msgTime
 * @property {boolean} pinned
 * @property {Marks} [marks]
 * @property {string} [customMark]
 * @property {number[]} groupIds
 */
/** @typedef {{ data: RowData, el: HTMLElement, box: HTMLInputElement, key: string, offlist: boolean, seq: number }} Row */

// ---------------------------------------------------------------- DOM helpers

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T }} type
 * @returns {T}
 */
function byId(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`#${id} is missing`);
  return el;
}

/**
 * Creates an element. Children are nodes or text (never parsed as HTML).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | boolean | undefined>} [attrs]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === "class") el.className = String(v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** @param {string} id */
const el = (id) => byId(id, HTMLElement);
/** @param {string} id */
const input = (id) => byId(id, HTMLInputElement);
/** @param {string} id */
const button = (id) => byId(id, HTMLButtonElement);
/** @param {string} id */
const select = (id) => byId(id, HTMLSelectElement);

const $ = {
  connStatus: el("conn-status"),
  connPanel: byId("conn-panel", HTMLDetailsElement),
  connForm: byId("conn-form", HTMLFormElement),
  connBase: input("conn-base"),
  connApp: input("conn-app"),
  connId: input("conn-id"),
  connEndpoint: input("conn-endpoint"),
  connEndpointRow: el("conn-endpoint-row"),
  connSig: byId("conn-sig", HTMLTextAreaElement),
  connSigRow: el("conn-sig-row"),
  lookup: byId("lookup", HTMLFormElement),
  lookupUser: input("lookup-user"),
  lookupStatus: el("lookup-status"),
  exportJsonl: button("export-jsonl"),
  exportCsv: button("export-csv"),
  groups: byId("groups", HTMLUListElement),
  groupsSummary: el("groups-summary"),
  groupsNote: el("groups-note"),
  createForm: byId("create-group", HTMLFormElement),
  createName: input("create-name"),
  createWith: input("create-with"),
  friendGroups: byId("friend-groups", HTMLUListElement),
  friendsSummary: el("friends-summary"),
  friendsUngrouped: el("friends-ungrouped"),
  fgForm: byId("create-fgroup", HTMLFormElement),
  fgName: input("fgroup-name"),
  fgFriends: input("fgroup-friends"),
  convSummary: el("conv-summary"),
  selCount: el("sel-count"),
  selClear: button("sel-clear"),
  selMatching: button("sel-matching"),
  selAll: input("sel-all"),
  listHead: el("list-head"),
  loadAll: button("load-all"),
  fText: input("f-text"),
  fType: select("f-type"),
  fMark: select("f-mark"),
  fGroup: select("f-group"),
  fShow: select("f-show"),
  fReset: button("f-reset"),
  tbGroup: select("tb-group"),
  tbAdd: button("tb-add"),
  tbRemove: button("tb-remove"),
  tbMark: select("tb-mark"),
  tbBit: input("tb-bit"),
  tbSet: button("tb-set"),
  tbUnset: button("tb-unset"),
  list: el("list"),
  sentinel: el("sentinel"),
  results: el("results"),
  drawer: el("drawer"),
  drawerH: el("drawer-h"),
  drawerBody: el("drawer-body"),
  drawerClose: button("drawer-close"),
  bulkUsers: byId("bulk-users", HTMLTextAreaElement),
  bulkDesired: byId("bulk-desired", HTMLTextAreaElement),
  bulkExportJsonl: button("bulk-export-jsonl"),
  bulkExportCsv: button("bulk-export-csv"),
  bulkLoad: button("bulk-load"),
  bulkTemplate: byId("bulk-template", HTMLFormElement),
  tplGroup: input("tpl-group"),
  bulkMarkTemplate: byId("bulk-mark-template", HTMLFormElement),
  tplConv: input("tpl-conv"),
  tplMarks: input("tpl-marks"),
  bulkPlan: button("bulk-plan"),
  bulkApply: button("bulk-apply"),
  bulkCancel: button("bulk-cancel"),
  bulkProgress: byId("bulk-progress", HTMLProgressElement),
  bulkStatus: el("bulk-status"),
  bulkOut: el("bulk-out"),
  auditCount: el("audit-count"),
  auditExport: button("audit-export"),
  auditClear: button("audit-clear"),
  auditBody: /** @type {HTMLTableSectionElement} */ (byId("audit-table", HTMLTableElement).tBodies[0]),
  namesForm: byId("names-form", HTMLFormElement),
  nameBit: input("name-bit"),
  nameText: input("name-text"),
  namesBody: /** @type {HTMLTableSectionElement} */ (byId("names-table", HTMLTableElement).tBodies[0]),
};

// ---------------------------------------------------------------- state

const params = new URLSearchParams(location.search);
const STANDARD = /** @type {const} */ (["star", "unread", "fold", "hide"]);

/** @type {TimClient | null} */
let tim = null;
/** The user being shown (`fromAccount`); "" while none is loaded. */
let user = "";
/** Bumped on every lookup: answers for an older lookup are dropped. */
let generation = 0;
/** Aborts the listings of the lookup being shown when another one starts. */
let lookupAbort = new AbortController();
/** The conversation list's pages (the package's iterator), one `next()` per scroll. @type {ConversationPages | null} */
let convPages = null;
/** A page failed: the next read resumes as a new listing from `convPages.cursor` (that page's start). */
let resume = false;
let complete = false;
let loading = false;
let loadFailed = false;
let pages = 0;
let pinnedCount = 0;
let duplicates = 0;
/** Every row made for this user, duplicates included, in arrival order. @type {Row[]} */
let allRows = [];
/** The column the list is sorted by ("" = the server's order: pinned first, then by time). */
let sortCol = "";
/** 1 ascending, -1 descending. */
let sortDir = 1;
/** Loaded rows by conversation key. @type {Map<string, Row>} */
const rows = new Map();
/** Selected conversation keys. @type {Set<string>} */
const selected = new Set();
/** The anchor of a shift-click range. */
let anchorKey = "";
/** The row whose checkbox is the list's one Tab stop. */
let activeKey = "";
/** The user's conversation groups, by id. @type {Map<number, ContactGroup>} */
let groupsById = new Map();
/** Every conversation with marks or groups (getContactGroup, all pages), by key. @type {Map<string, RowData>} */
let marked = new Map();
/** The user's friend groups as last read. @type {SnapshotFriendGroup[]} */
let friendGroups = [];
let busy = false;
/** Names of custom mark bits, kept in the browser. */
let markNames = loadMarkNames();
/** The text of the connection pill while the server answers. */
let connOkText = "";

/** @param {ConversationRef} c */
function keyOf(c) {
  return c.type === "c2c" ? `c2c:${c.userId}` : `group:${c.groupId}`;
}
/** @param {ConversationRef} c */
function labelOf(c) {
  return c.type === "c2c" ? c.userId : c.groupId;
}
/** @param {number} bit */
function bitName(bit) {
  return markNames.get(bit) ?? `bit ${bit}`;
}
/** Every mark of a set by name. @param {Marks | undefined} m @returns {string[]} */
function markList(m) {
  if (!m) return [];
  return [...STANDARD.filter((k) => m[k]), ...m.custom.map((b) => (markNames.has(b) ? `${markNames.get(b)} (bit ${b})` : `bit ${b}`))];
}

// ---------------------------------------------------------------- connection

/**
 * A `userSig` callback that POSTs `{identifier}` to the operator's signing endpoint (the client
 * caches the answer until shortly before it expires).
 * @param {string} endpoint
 * @returns {(identifier: string) => Promise<string>}
 */
function endpointSigner(endpoint) {
  return async (identifier) => {
    const res = (await takeEarlySig(endpoint, identifier)) ?? await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identifier }),
    });
    if (!res.ok) throw new Error(`the signing endpoint answered HTTP ${res.status}`);
    const body = await res.json();
    if (typeof body?.userSig !== "string") throw new Error("the signing endpoint's answer has no userSig string");
    const { expiresAt } = decodeUserSig(body.userSig); // read for the status pill, not kept
    connOkText = `Connected to ${tim?.baseUrl ?? ""} as ${identifier} · UserSig from endpoint, expires ${fmtTime(expiresAt)}`;
    setConnStatus("ok", connOkText);
    return body.userSig;
  };
}

/** @param {"idle" | "ok" | "warn" | "error"} state @param {string} text */
function setConnStatus(state, text) {
  $.connStatus.dataset.state = state;
  $.connStatus.textContent = text;
}

/**
 * The pill follows every HTTP attempt (the client's `onResponse`): an answer means the server is
 * reachable, a transport failure or timeout without one means it is not.
 * @param {import("tim-contacts").TimResponseEvent} e
 */
function onResponse(e) {
  if (e.status !== undefined) {
    if ($.connStatus.dataset.reach === "down") {
      delete $.connStatus.dataset.reach;
      setConnStatus("ok", connOkText);
    }
  } else if (e.error && (e.error.kind === "transport" || e.error.kind === "timeout")) {
    $.connStatus.dataset.reach = "down";
    setConnStatus("error", `Unreachable: ${tim?.baseUrl ?? ""} did not answer (${e.error.kind}, ${e.endpoint})`);
  }
}

function sigSource() {
  const checked = $.connForm.querySelector('input[name="sigSource"]:checked');
  return checked instanceof HTMLInputElement ? checked.value : "endpoint";
}

function syncSigRows() {
  const paste = sigSource() === "paste";
  $.connSigRow.hidden = !paste;
  $.connEndpointRow.hidden = paste;
}

/** Builds a client from the form. Returns false (and explains) when the options are refused. */
function connect() {
  tim?.free();
  tim = null;
  const baseUrl = $.connBase.value.trim();
  const identifier = $.connId.value.trim();
  const sdkAppId = Number($.connApp.value.trim());
  /** @type {(id: string) => string | Promise<string>} */
  let userSig;
  let note = "";
  if (sigSource() === "paste") {
    const sig = $.connSig.value.trim();
    try {
      const info = decodeUserSig(sig);
      const expired = info.expiresAt < Date.now() / 1000;
      note = ` · pasted UserSig for ${info.identifier}, ${expired ? "EXPIRED" : "expires"} ${fmtTime(info.expiresAt)}`;
    } catch (e) {
      showError("Read the pasted UserSig", e);
      setConnStatus("error", "Not connected: the pasted UserSig is not readable");
      return false;
    }
    userSig = () => sig;
  } else {
    userSig = endpointSigner($.connEndpoint.value.trim());
    note = " · UserSig from signing endpoint";
  }
  try {
    tim = new TimClient({ sdkAppId, identifier, userSig, baseUrl, onResponse });
  } catch (e) {
    showError("Connect", e);
    setConnStatus("error", "Not connected: the connection settings were refused");
    $.connPanel.open = true;
    return false;
  }
  delete $.connStatus.dataset.reach;
  connOkText = `Connected to ${tim.baseUrl} as ${identifier}${note}`;
  setConnStatus(note.includes("EXPIRED") ? "warn" : "ok", connOkText);
  return true;
}

// ---------------------------------------------------------------- lookup

/**
 * Loads a user: the conversation groups (every getContactGroup page), the first getList page and
 * the friend groups are read at the same time. If the groups or the list cannot be read, the
 * lookup failed: one error card, and nothing of the previous user stays on screen.
 * @param {string} userId
 */
async function lookup(userId) {
  if (!tim && !connect()) return;
  const client = /** @type {TimClient} */ (tim);
  const gen = ++generation;
  user = userId;
  resetList();
  clearUserPanels("Loading…");
  $.lookupStatus.textContent = `Loading ${userId}…`;
  const url = new URL(location.href);
  url.searchParams.set("user", userId);
  history.replaceState(null, "", url);
  // Settled at once so that a failure is never an unhandled rejection while the rest loads.
  const friends = readFriendGroups(client).then((r) => ({ r, e: undefined }), (e) => ({ r: undefined, e }));
  const [groups, first] = await Promise.allSettled([loadGroups(gen, client), loadNextPage(true)]);
  if (gen !== generation) return;
  const failure = groups.status === "rejected" ? groups.reason : first.status === "rejected" ? first.reason : undefined;
  if (failure !== undefined) {
    showError(`Look up user “${userId}”`, failure);
    $.lookupStatus.textContent = `Could not load ${userId || "(empty user ID)"}.`;
    user = "";
    resetList();
    clearUserPanels("Not loaded.");
    setSentinel("error", "Not loaded.", () => void lookup(userId));
    return;
  }
  $.lookupStatus.textContent = `Showing ${userId}`;
  $.exportJsonl.disabled = $.exportCsv.disabled = false;
  updateSummary();
  const { r, e } = await friends;
  if (gen !== generation) return;
  if (r) renderFriendGroups(r);
  else {
    $.friendGroups.replaceChildren(h("li", { class: "empty muted" }, "Could not load."));
    showError("Load friend groups", e);
  }
}

/** Empties what belongs to a user: the panels show `text` and offer no actions. @param {string} text */
function clearUserPanels(text) {
  groupsById = new Map();
  marked = new Map();
  friendGroups = [];
  $.groupsSummary.textContent = "";
  $.groupsNote.textContent = "";
  $.friendsSummary.textContent = "";
  $.friendsUngrouped.replaceChildren();
  $.groups.replaceChildren(h("li", { class: "empty muted" }, text));
  $.friendGroups.replaceChildren(h("li", { class: "empty muted" }, text));
  $.tbGroup.replaceChildren();
  renderFilterOptions();
  $.exportJsonl.disabled = $.exportCsv.disabled = true;
  closeDrawer();
  updateSelection();
}

function resetList() {
  for (const el of $.list.querySelectorAll(".row, .list-sep")) el.remove();
  rows.clear();
  selected.clear();
  anchorKey = "";
  activeKey = "";
  lookupAbort.abort();
  lookupAbort = new AbortController();
  convPages = null;
  resume = false;
  complete = false;
  loading = false;
  loadFailed = false;
  pages = 0;
  pinnedCount = 0;
  duplicates = 0;
  allRows = [];
  $.list.scrollTop = 0;
  updateSelection();
  updateSummary();
}

// ---------------------------------------------------------------- conversation groups

/**
 * Reads every `getContactGroup` page (`listContactGroupItems`): the groups, every conversation
 * with marks or groups (also those not in the recent list), and how many each group holds.
 * @param {number} gen
 * @param {TimClient} client
 */
async function loadGroups(gen, client) {
  /** @type {ContactGroup[]} */
  let groups = [];
  /** @type {Map<string, RowData>} */
  const items = new Map();
  for await (const page of client.listContactGroupItems(user, { signal: lookupAbort.signal }).pages()) {
    if (gen !== generation) return;
    groups = page.groups;
    for (const it of page.items) {
      items.set(keyOf(it.conversation), { conversation: it.conversation, msgTime: 0, pinned: false, marks: it.marks, customMark: it.customMark, groupIds: it.groupIds });
    }
  }
  if (gen !== generation) return;
  groupsById = new Map(groups.map((g) => [g.id, g]));
  marked = items;
  renderGroups(groups);
  for (const row of rows.values()) renderGroupChips(row);
  if (complete) appendOfflist();
  // A row naming a group that no longer exists (deleted elsewhere) is stale: re-read it.
  const stale = [...rows.values()].filter((row) => row.data.groupIds.some((id) => !groupsById.has(id)));
  if (stale.length) await refreshRows(client, stale.map((row) => row.data.conversation));
}

/** @param {ContactGroup[]} groups */
function renderGroups(groups) {
  /** @type {Map<number, number>} */
  const counts = new Map();
  for (const it of marked.values()) for (const id of it.groupIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  $.groupsSummary.textContent = String(groups.length);
  const offlist = [...marked.keys()].filter((k) => !rows.has(k)).length;
  const note = h("span", {}, `${marked.size} conversations carry marks or groups`);
  $.groupsNote.replaceChildren(note);
  if (offlist && !complete) {
    const show = h("button", { type: "button", class: "link", id: "show-unloaded" }, `show all (${offlist} not loaded yet)`);
    show.addEventListener("click", () => void loadAll().then(() => { $.fShow.value = rows.size ? $.fShow.value : ""; applyFilters(); }));
    $.groupsNote.append(" · ", show);
  } else if (complete) {
    const n = [...rows.values()].filter((r) => r.offlist).length;
    if (n) {
      const show = h("button", { type: "button", class: "link", id: "show-offlist" }, `${n} not in the recent list`);
      show.addEventListener("click", () => { $.fShow.value = "offlist"; applyFilters(); focusFirstRow(); });
      $.groupsNote.append(" · ", show);
    }
  }
  const items = groups.map((g) => {
    const n = counts.get(g.id) ?? 0;
    const name = h("button", { type: "button", class: "gname link", title: `Show the conversations in ${g.name}` }, g.name);
    const rename = h("button", { type: "button", class: "icon rename", "aria-label": `Rename ${g.name}` }, "Rename");
    const del = h("button", { type: "button", class: "icon danger delete", "aria-label": `Delete ${g.name}` }, "Delete");
    const li = h("li", { "data-group": g.name, "data-group-id": String(g.id) },
      name,
      h("span", { class: "count", title: `${n} conversations` }, String(n)),
      h("span", { class: "actions" }, rename, del));
    name.addEventListener("click", () => { $.fGroup.value = String(g.id); applyFilters(); });
    rename.addEventListener("click", () => startRename(li, g.name, (to) => renameGroup(g.name, to)));
    armDelete(del, () => void deleteGroup(g.name));
    return li;
  });
  $.groups.replaceChildren(...(items.length ? items : [h("li", { class: "empty muted" }, "No conversation groups.")]));
  const current = $.tbGroup.value;
  $.tbGroup.replaceChildren(...groups.map((g) => h("option", { value: g.name }, g.name)));
  if (groups.some((g) => g.name === current)) $.tbGroup.value = current;
  renderFilterOptions();
  updateSelection();
}

/** A delete button that asks for a second press within 4 s. @param {HTMLButtonElement} del @param {() => void} go */
function armDelete(del, go) {
  const label = del.textContent ?? "Delete";
  del.addEventListener("click", () => {
    if (del.dataset.armed) return go();
    del.dataset.armed = "1";
    del.textContent = "Confirm";
    setTimeout(() => { delete del.dataset.armed; del.textContent = label; }, 4000);
  });
}

/**
 * Replaces a list item by a rename form; Escape or Cancel puts it back (focus on its Rename).
 * @param {HTMLLIElement} li @param {string} name @param {(to: string) => unknown} save
 */
function startRename(li, name, save) {
  const field = h("input", { class: "rename-input", value: name, "aria-label": `New name for ${name}`, spellcheck: "false" });
  const form = h("form", { class: "rename-form" }, field,
    h("button", { type: "submit" }, "Save"),
    h("button", { type: "button", class: "link cancel" }, "Cancel"));
  const saved = [...li.childNodes];
  const cancel = () => {
    li.replaceChildren(...saved);
    const again = li.querySelector("button.rename");
    if (again instanceof HTMLElement) again.focus();
  };
  form.querySelector(".cancel")?.addEventListener("click", cancel);
  form.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") { ev.preventDefault(); ev.stopPropagation(); cancel(); }
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (field.value === name) return cancel();
    void save(field.value);
  });
  li.replaceChildren(form);
  field.focus();
  field.select();
}

/**
 * Marks, custom mark and group names of loaded conversations, for the audit log.
 * @param {ConversationRef[]} conversations
 */
function describe(conversations) {
  return conversations.map((c) => {
    const row = rows.get(keyOf(c));
    const d = row?.data;
    return { conversation: labelOf(c), type: c.type, marks: markList(d?.marks), customMark: d?.customMark ?? "",
      groups: (d?.groupIds ?? []).map((id) => groupsById.get(id)?.name ?? `#${id}`) };
  });
}

/**
 * Runs one write: blocks double submits, reports errors, reloads groups afterwards, and writes
 * an audit entry (before, after, per-item results). `fn` returns the per-item results.
 * @param {string} what
 * @param {(client: TimClient) => Promise<{ status?: "ok" | "partial" | "error", results: unknown[] } | void>} fn
 * @param {{ before?: () => unknown, after?: () => unknown }} [audit]
 */
async function write(what, fn, audit = {}) {
  if (!tim || !user) return showResult(`${what}: load a user first`, "error", ["Look up a user, then act on their groups and conversations."]);
  if (busy) return;
  busy = true;
  document.body.classList.add("busy");
  updateSelection();
  const client = tim;
  const gen = generation;
  const who = user;
  const before = audit.before?.() ?? null;
  /** @type {HTMLElement | null} */
  let failedCard = null;
  /** @type {AuditEntry} */
  const entry = { time: new Date().toISOString(), user: who, action: what, before, after: null, status: "ok", results: [] };
  try {
    const r = await fn(client);
    if (r) { entry.results = r.results; entry.status = r.status ?? "ok"; }
  } catch (e) {
    failedCard = showError(what, e, { write: true });
    entry.status = "error";
    entry.results = [errorFacts(e)];
  } finally {
    busy = false;
    document.body.classList.remove("busy");
    updateSelection();
  }
  if (gen === generation) {
    try {
      await loadGroups(gen, client);
      entry.after = audit.after?.() ?? null;
    } catch (e) {
      if (gen !== generation) { /* another user is shown now */ } else if (failedCard) {
        // The write's own failure stays the card on top; the reload's is a line of it.
        failedCard.append(h("p", { class: "reload-note" }, "The groups could not be reloaded either: what is shown may be out of date. Reload when the server is back."));
      } else {
        showError("Reload the conversation groups", e);
      }
    }
  }
  void addAudit(entry).then(renderAudit, (e) => showError("Write the audit log", e));
}

/** @param {unknown} e */
function errorFacts(e) {
  if (isTimError(e)) return { error: e.kind, code: e.code, field: e.field, message: e.message };
  return { error: "other", message: e instanceof Error ? e.message : String(e) };
}

/** @param {{ ok: boolean }[]} results */
function statusOf(results) {
  const failed = results.filter((r) => !r.ok).length;
  return failed === 0 ? "ok" : failed === results.length ? "error" : "partial";
}

/** @param {string} oldName @param {string} newName */
function renameGroup(oldName, newName) {
  return write(`Rename group “${oldName}”`, async (client) => {
    const r = await client.updateContactGroup({ fromAccount: user, groupName: oldName, newName });
    showResult(`Renamed “${r.oldGroupName}” to “${r.groupName}”`, "ok", [`group id ${r.groupId}`]);
    return { results: [{ ok: true, groupId: r.groupId }] };
  }, { before: () => ({ group: oldName }), after: () => ({ group: newName }) });
}

/** @param {string} name */
function deleteGroup(name) {
  const members = [...rows.values()].filter((row) => row.data.groupIds.some((id) => groupsById.get(id)?.name === name)).map((r) => r.data.conversation);
  return write(`Delete group “${name}”`, async (client) => {
    const r = await client.delContactGroup({ fromAccount: user, groupName: name });
    const ids = new Set(r.deleted.map((g) => g.id));
    showResult(`Deleted ${r.deleted.map((g) => `“${g.name}”`).join(", ")}`, "ok", []);
    const affected = [...rows.values()].filter((row) => row.data.groupIds.some((id) => ids.has(id)));
    await refreshRows(client, affected.map((row) => row.data.conversation));
    return { results: r.deleted.map((g) => ({ ok: true, group: g.name, id: g.id })) };
  }, { before: () => ({ group: name, conversations: members.map(labelOf) }), after: () => ({ group: null }) });
}

/** @param {string} name @param {ConversationRef[]} conversations */
function createGroup(name, conversations) {
  return write(`Create group “${name}”`, async (client) => {
    const r = await client.createContactGroup({ fromAccount: user, groupName: name, conversations });
    showOutcomes(`Created “${r.group.name}” (id ${r.group.id})${conversations.length ? ` with ${conversations.length} conversations` : ""}`, r.results);
    $.createName.value = "";
    await refreshRows(client, conversations);
    return { results: r.results.map(outcomeFacts), status: statusOf(r.results) };
  }, { before: () => ({ group: null, conversations: describe(conversations) }), after: () => ({ group: name, conversations: describe(conversations) }) });
}

/** @param {ConversationOutcome | GroupChangeOutcome} r */
function outcomeFacts(r) {
  return { conversation: labelOf(r.conversation), ok: r.ok, code: r.code, info: r.info };
}

/** @param {"add" | "remove"} change */
function changeMembers(change) {
  const name = $.tbGroup.value;
  const conversations = selectedConversations();
  return write(`${change === "add" ? "Add to" : "Remove from"} group “${name}”`, async (client) => {
    const r = await client.updateContactGroup({ fromAccount: user, groupName: name, [change]: conversations });
    showOutcomes(`${change === "add" ? "Added to" : "Removed from"} “${r.groupName}”`, r.results);
    await refreshRows(client, conversations);
    return { results: r.results.map(outcomeFacts), status: statusOf(r.results) };
  }, { before: () => describe(conversations), after: () => describe(conversations) });
}

/** The mark the toolbar names. @returns {MarkName} */
function toolbarMark() {
  const choice = $.tbMark.value;
  if (choice === "custom") return Number($.tbBit.value);
  if (choice.startsWith("bit:")) return Number(choice.slice(4));
  return /** @type {MarkName} */ (choice);
}

/** @param {"set" | "clear"} op */
function changeMarks(op) {
  const mark = toolbarMark();
  const conversations = selectedConversations();
  const label = typeof mark === "number" ? `custom ${bitName(mark)}${markNames.has(mark) ? ` (bit ${mark})` : ""}` : mark;
  return write(`${op === "set" ? "Set" : "Clear"} mark ${label}`, async (client) => {
    const items = conversations.map((conversation) => ({ conversation, [op]: [mark] }));
    const r = await client.markContact({ fromAccount: user, items });
    showOutcomes(`${op === "set" ? "Set" : "Cleared"} mark ${label}`, r.results);
    await refreshRows(client, conversations);
    return { results: r.results.map(outcomeFacts), status: statusOf(r.results) };
  }, { before: () => describe(conversations), after: () => describe(conversations) });
}

/**
 * Re-reads marks and groups of the given conversations (one searchContactGroup: the client
 * splits it into calls of 300) and updates their rows in place.
 * @param {TimClient} client
 * @param {ConversationRef[]} conversations
 */
async function refreshRows(client, conversations) {
  if (!conversations.length) return;
  const fromAccount = user;
  const r = await client.searchContactGroup({ fromAccount, conversations });
  if (fromAccount !== user) return;
  const found = new Map(r.items.map((it) => [keyOf(it.conversation), it]));
  for (const c of conversations) {
    const row = rows.get(keyOf(c));
    if (!row) continue;
    const it = found.get(keyOf(c));
    // Absent from the answer = the conversation has no marks and no groups any more.
    row.data.marks = it?.marks;
    row.data.customMark = it?.customMark;
    row.data.groupIds = it?.groupIds ?? [];
    renderTags(row);
    if (drawerKey === row.key) openDrawer(row.key, false);
  }
  applyFilters();
}

// ---------------------------------------------------------------- friend groups

/**
 * The friend groups (`snsGroupGet` with friends) and, read at the same time, every friend
 * (`listFriends`, all pages of sns/friend_get): the friends in no group come only from the latter.
 * A failed friend list still shows the groups, with the failure said where the ungrouped would be.
 * @param {TimClient} client
 */
async function readFriendGroups(client) {
  const signal = lookupAbort.signal;
  const all = client.listFriends(user, { signal }).collect().then((f) => ({ f, e: undefined }), (e) => ({ f: undefined, e }));
  const groups = await client.snsGroupGet({ fromAccount: user, needFriends: true }, { signal });
  const { f, e } = await all;
  return { groups, friends: f, listError: e };
}

/** @param {{ groups: import("tim-contacts").SnsGroupGetResultWithFriends, friends: import("tim-contacts").Friend[] | undefined, listError: unknown }} r */
function renderFriendGroups(r) {
  friendGroups = r.groups.groups.map((g) => ({ name: g.name, friends: [...(g.friends ?? [])] }));
  $.friendsSummary.textContent = String(friendGroups.length);
  const names = friendGroups.map((g) => g.name);
  const items = friendGroups.map((g) => {
    const rename = h("button", { type: "button", class: "icon rename", "aria-label": `Rename friend group ${g.name}` }, "Rename");
    const del = h("button", { type: "button", class: "icon danger delete", "aria-label": `Delete friend group ${g.name}` }, "Delete");
    const friends = g.friends.map((f) => {
      const to = h("select", { "aria-label": `Move ${f} from ${g.name} to` },
        ...names.filter((n) => n !== g.name).map((n) => h("option", { value: n }, n)));
      const move = h("button", { type: "button", class: "icon move" }, "Move");
      move.setAttribute("aria-label", `Move ${f} to the chosen group`);
      move.addEventListener("click", () => void moveFriend(f, g.name, to.value));
      return h("li", { "data-friend": f }, h("span", { class: "fname" }, f), names.length > 1 ? h("span", { class: "actions" }, to, move) : null);
    });
    const li = h("li", { "data-friend-group": g.name },
      h("details", {},
        h("summary", {}, h("span", { class: "gname" }, g.name), h("span", { class: "count" }, String(g.friends.length))),
        friends.length ? h("ul", { class: "friends" }, ...friends) : h("p", { class: "friends" }, "no friends")),
      h("span", { class: "actions" }, rename, del));
    rename.addEventListener("click", () => startRename(li, g.name, (to) => changeFriendGroups(`Rename friend group “${g.name}” to “${to}”`,
      friendGroups.map((x) => (x.name === g.name ? { name: to, friends: x.friends } : x)), true)));
    armDelete(del, () => void changeFriendGroups(`Delete friend group “${g.name}”`, friendGroups.filter((x) => x.name !== g.name), true));
    return li;
  });
  $.friendGroups.replaceChildren(...(items.length ? items : [h("li", { class: "empty muted" }, "No friend groups.")]));
  renderUngrouped(r.friends, r.listError, names);
}

/**
 * The friends in no friend group, each with an "add to" choice of group.
 * @param {import("tim-contacts").Friend[] | undefined} friends
 * @param {unknown} listError
 * @param {string[]} names
 */
function renderUngrouped(friends, listError, names) {
  if (!friends) {
    $.friendsUngrouped.replaceChildren(h("p", { class: "note" }, "Could not list the friends in no group."));
    showError("List friends", listError);
    return;
  }
  const ungrouped = friends.filter((f) => f.groups.length === 0).map((f) => f.userId);
  const rows = ungrouped.map((f) => {
    const to = h("select", { "aria-label": `Add ${f} to` }, ...names.map((n) => h("option", { value: n }, n)));
    const add = h("button", { type: "button", class: "icon move" }, "Add");
    add.setAttribute("aria-label", `Add ${f} to the chosen group`);
    add.addEventListener("click", () => void moveFriend(f, "", to.value));
    return h("li", { "data-friend": f }, h("span", { class: "fname" }, f), names.length ? h("span", { class: "actions" }, to, add) : null);
  });
  $.friendsUngrouped.replaceChildren(
    h("details", { "data-ungrouped": "" },
      h("summary", {}, h("span", { class: "gname" }, "In no group"), h("span", { class: "count" }, String(ungrouped.length)),
        h("span", { class: "muted" }, ` of ${friends.length} friends`)),
      rows.length ? h("ul", { class: "friends" }, ...rows) : h("p", { class: "friends" }, "every friend is in a group")));
}

/** @param {string} friend @param {string} from @param {string} to */
function moveFriend(friend, from, to) {
  if (!to) return;
  if (!from) {
    const next = friendGroups.map((g) => (g.name === to && !g.friends.includes(friend) ? { name: g.name, friends: [...g.friends, friend] } : g));
    return changeFriendGroups(`Add ${friend} to “${to}”`, next, false);
  }
  const next = friendGroups.map((g) => {
    if (g.name === from) return { name: g.name, friends: g.friends.filter((f) => f !== friend) };
    if (g.name === to && !g.friends.includes(friend)) return { name: g.name, friends: [...g.friends, friend] };
    return g;
  });
  return changeFriendGroups(`Move ${friend} from “${from}” to “${to}”`, next, false);
}

/**
 * Friend-group changes go through the bulk engine's plan/apply for this one user (`applyUser`
 * with a desired `friendGroups` section): the sns commands have no rename and no move, so the
 * plan deletes and re-creates the groups whose members change. The plan is shown with the results.
 * @param {string} what
 * @param {SnapshotFriendGroup[]} desired
 * @param {boolean} prune delete live friend groups absent from desired
 */
function changeFriendGroups(what, desired, prune) {
  const before = friendGroups.map((g) => ({ ...g }));
  return write(what, async (client) => {
    const report = await client.applyUser({ version: 1, user, friendGroups: desired }, { prune, signal: lookupAbort.signal });
    showReport(what, report);
    const r = await readFriendGroups(client);
    renderFriendGroups(r);
    return { results: report.executed, status: report.ok ? "ok" : "partial" };
  }, { before: () => before, after: () => friendGroups });
}

/** @param {string} name @param {string[]} friends */
function createFriendGroup(name, friends) {
  return changeFriendGroups(`Create friend group “${name}”`, [...friendGroups.filter((g) => g.name !== name), { name, friends }], false);
}

// ---------------------------------------------------------------- conversation list (paged)

const observer = new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting)) void loadNextPage().catch(() => {});
}, { root: $.list, rootMargin: "0px 0px 300px 0px" });
observer.observe($.sentinel);

/** Re-checks whether the list's end is still in view (e.g. a short page did not fill it). */
function recheckSentinel() {
  observer.unobserve($.sentinel);
  observer.observe($.sentinel);
}

/**
 * The next page of the package's `listConversations` (it follows and checks the cursors).
 * The lookup's own first read (`initial`) rejects on failure (the lookup reports it once); later
 * ones are reported here and stop the paging until Retry.
 * @param {boolean} [initial]
 */
async function loadNextPage(initial = false) {
  if (!tim || !user || loading || complete || loadFailed) return;
  const client = tim;
  const gen = generation;
  loading = true;
  $.list.setAttribute("aria-busy", "true");
  setSentinel("loading", `Loading page ${pages + 1}…`);
  try {
    if (!convPages || resume) {
      convPages = client.listConversations(user, { cursor: convPages?.cursor, signal: lookupAbort.signal }).pages();
      resume = false;
    }
    const list = convPages;
    const next = await list.next();
    if (gen !== generation) return;
    if (!next.done) appendRows(next.value.items);
    complete = list.cursor === null;
    pages++;
    if (complete) appendOfflist();
  } catch (e) {
    if (gen !== generation) return;
    loadFailed = true;
    resume = true;
    if (initial) throw e;
    showError(`Load conversations of “${user}” (page ${pages + 1})`, e);
  } finally {
    if (gen === generation) {
      loading = false;
      $.list.setAttribute("aria-busy", "false");
      updateSummary();
      if (!complete && !loadFailed) recheckSentinel();
    }
  }
}

/** Reads every remaining page (the package's iterator, one page after the other). */
async function loadAll() {
  const gen = generation;
  while (gen === generation && user && !complete && !loadFailed) {
    if (loading) await new Promise((r) => setTimeout(r, 30));
    else await loadNextPage().catch(() => {});
  }
}

/** @param {RowData[]} items */
function appendRows(items) {
  const frag = document.createDocumentFragment();
  for (const data of items) {
    const key = keyOf(data.conversation);
    const row = makeRow(data, key, false);
    if (rows.has(key)) {
      duplicates++;
      row.el.dataset.duplicate = "";
    } else {
      rows.set(key, row);
    }
    if (data.pinned) pinnedCount++;
    filterRow(row);
    frag.append(row.el);
  }
  $.list.insertBefore(frag, $.sentinel);
  if (sortCol) applySort();
  keepActiveShown();
  updateSelection();
}

/** The list's Tab stop stays on a shown row (filters hide rows; new pages may bring the first match). */
function keepActiveShown() {
  const row = rows.get(activeKey);
  if (row && !row.el.hidden) return;
  const first = shownRows()[0];
  if (first) setActive(first.key);
}

/**
 * Conversations with marks or groups that the complete recent list does not hold (getContactGroup
 * lists them, getList does not): shown after the list, flagged, and editable like any row.
 */
function appendOfflist() {
  const extra = [...marked.entries()].filter(([k]) => !rows.has(k));
  if (!extra.length) return;
  const frag = document.createDocumentFragment();
  if (!$.list.querySelector(".list-sep")) {
    frag.append(h("div", { class: "list-sep", role: "listitem" }, "Not in the recent list (they carry marks or groups)"));
  }
  for (const [key, data] of extra) {
    const row = makeRow({ ...data }, key, true);
    rows.set(key, row);
    filterRow(row);
    frag.append(row.el);
  }
  $.list.insertBefore(frag, $.sentinel);
  if (sortCol) applySort();
  keepActiveShown();
  renderGroups([...groupsById.values()]);
  updateSummary();
}

/** How many marks and groups a row shows (the "Marks and groups" column's sort key). @param {RowData} d */
function tagCount(d) {
  const m = d.marks;
  const marks = m ? [m.star, m.unread, m.fold, m.hide].filter(Boolean).length + m.custom.length : 0;
  return marks + d.groupIds.length + (d.customMark ? 1 : 0);
}

/** @type {Record<string, (a: RowData, b: RowData) => number>} */
const SORTS = {
  type: (a, b) => a.conversation.type.localeCompare(b.conversation.type),
  id: (a, b) => labelOf(a.conversation).localeCompare(labelOf(b.conversation)),
  tags: (a, b) => tagCount(a) - tagCount(b),
  time: (a, b) => (a.msgTime ?? 0) - (b.msgTime ?? 0),
};

/** The "not in the recent list" separator shows in the server's order while an off-list row is shown. */
function showSeparator() {
  const sep = $.list.querySelector(".list-sep");
  if (sep instanceof HTMLElement) sep.hidden = Boolean(sortCol) || ![...rows.values()].some((r) => r.offlist && !r.el.hidden);
}

/**
 * Puts the rows in the order of the sort column (ties and "" keep the order they arrived in,
 * the server's), and marks the column header with its direction. Rows of pages still to come are
 * placed when they arrive; the "not in the recent list" separator shows in the server's order only.
 */
function applySort() {
  const cmp = SORTS[sortCol];
  const order = cmp ? [...allRows].sort((a, b) => sortDir * cmp(a.data, b.data) || a.seq - b.seq) : allRows;
  const frag = document.createDocumentFragment();
  const sep = $.list.querySelector(".list-sep");
  let sepPlaced = false;
  for (const row of order) {
    // In the server's order the separator heads the off-list rows (they come last).
    if (!cmp && sep && row.offlist && !sepPlaced) {
      frag.append(sep);
      sepPlaced = true;
    }
    frag.append(row.el);
  }
  $.list.insertBefore(frag, $.sentinel);
  showSeparator();
  for (const b of $.listHead.querySelectorAll("button[data-sort]")) {
    if (!(b instanceof HTMLButtonElement)) continue;
    const on = b.dataset.sort === sortCol;
    const dir = sortDir === 1 ? "ascending" : "descending";
    b.dataset.dir = on ? dir : "";
    b.setAttribute("aria-label", `${b.dataset.label}: ${on ? `sorted ${dir}; activate for ${sortDir === 1 ? "descending" : "the server's order"}` : "activate to sort ascending"}`);
  }
}

/** A click on a column header: ascending, then descending, then the server's order. @param {string} col */
function sortBy(col) {
  if (sortCol !== col) [sortCol, sortDir] = [col, 1];
  else if (sortDir === 1) sortDir = -1;
  else [sortCol, sortDir] = ["", 1];
  applySort();
  keepActiveShown();
}

/** @param {RowData} data @param {string} key @param {boolean} offlist @returns {Row} */
function makeRow(data, key, offlist) {
  const c = data.conversation;
  const box = h("input", { type: "checkbox", tabindex: "-1", "aria-label": `Select ${labelOf(c)}` });
  const who = h("button", { type: "button", class: "id link", tabindex: "-1", title: `Details of ${labelOf(c)}` }, labelOf(c));
  const el = h("div", { class: "row", role: "listitem", "data-key": key, "data-pinned": data.pinned, "data-offlist": offlist, "data-time": String(data.msgTime || 0) },
    h("label", { class: "pick" }, box),
    h("span", { class: `kind kind-${c.type}` }, c.type === "c2c" ? "C2C" : "GROUP"),
    h("span", { class: "who" }, who),
    h("span", { class: "tags" }),
    h("span", { class: "time" }, offlist ? "not in recent list" : data.msgTime ? fmtTime(data.msgTime) : "no messages"));
  const row = { data, el, box, key, offlist, seq: allRows.length };
  allRows.push(row);
  renderTags(row);
  return row;
}

/** @param {Row} row @param {boolean} on */
function toggle(row, on) {
  row.box.checked = on;
  if (on) selected.add(row.key);
  else selected.delete(row.key);
  row.el.classList.toggle("selected", on);
}

/** Rows shown now, in list order. */
function shownRows() {
  /** @type {Row[]} */
  const out = [];
  for (const el of $.list.children) {
    if (!(el instanceof HTMLElement) || !el.classList.contains("row") || el.hidden || el.dataset.duplicate !== undefined) continue;
    const row = rows.get(el.dataset.key ?? "");
    if (row) out.push(row);
  }
  return out;
}

/** Selects (or clears) every shown row from `a` to `b`. @param {string} a @param {string} b @param {boolean} on */
function selectRange(a, b, on) {
  const shown = shownRows();
  const i = shown.findIndex((r) => r.key === a);
  const j = shown.findIndex((r) => r.key === b);
  if (i < 0 || j < 0) return toggle(/** @type {Row} */ (rows.get(b)), on);
  for (const r of shown.slice(Math.min(i, j), Math.max(i, j) + 1)) toggle(r, on);
}

/** The list is one Tab stop: the active row's checkbox. @param {string} key */
function setActive(key) {
  if (activeKey === key) return;
  const old = rows.get(activeKey);
  if (old) old.box.tabIndex = -1;
  activeKey = key;
  const row = rows.get(key);
  if (row) row.box.tabIndex = 0;
}

function focusFirstRow() {
  const first = shownRows()[0];
  if (!first) return;
  setActive(first.key);
  first.box.focus();
  first.el.scrollIntoView({ block: "nearest" });
}

/** One listener for every row: a checkbox click (Shift: a range from the last one), an ID opens the details. */
$.list.addEventListener("click", (ev) => {
  const target = ev.target;
  if (!(target instanceof HTMLElement)) return;
  const el = target.closest(".row");
  const row = el instanceof HTMLElement ? rows.get(el.dataset.key ?? "") : undefined;
  if (!row || row.el !== el) return;
  if (target === row.box) {
    setActive(row.key);
    if (ev instanceof MouseEvent && ev.shiftKey && anchorKey && anchorKey !== row.key) selectRange(anchorKey, row.key, row.box.checked);
    else toggle(row, row.box.checked);
    anchorKey = row.key;
    updateSelection();
  } else if (target.closest("button.id")) {
    setActive(row.key);
    openDrawer(row.key, true);
  }
});

/** Arrow keys walk the shown rows, Space toggles (Shift+Space: a range), Enter opens the details. */
$.list.addEventListener("keydown", (ev) => {
  const target = ev.target;
  if (!(target instanceof HTMLInputElement) || target.type !== "checkbox") return;
  const shown = shownRows();
  const i = shown.findIndex((r) => r.key === activeKey);
  let j = -1;
  if (ev.key === "ArrowDown") j = Math.min(shown.length - 1, i + 1);
  else if (ev.key === "ArrowUp") j = Math.max(0, i - 1);
  else if (ev.key === "Home") j = 0;
  else if (ev.key === "End") j = shown.length - 1;
  else if (ev.key === "Enter") { ev.preventDefault(); openDrawer(activeKey, true); return; }
  else if (ev.key === " " && ev.shiftKey && anchorKey) {
    ev.preventDefault();
    const row = rows.get(activeKey);
    if (row) { selectRange(anchorKey, activeKey, !row.box.checked); anchorKey = activeKey; updateSelection(); }
    return;
  } else return;
  ev.preventDefault();
  const next = shown[j];
  if (!next) return;
  setActive(next.key);
  next.box.focus();
  next.el.scrollIntoView({ block: "nearest" });
});

/** Badges (marks by name) and group chips of a row. @param {Row} row */
function renderTags(row) {
  const m = row.data.marks;
  /** @type {HTMLElement[]} */
  const out = [];
  if (m?.star) out.push(h("span", { class: "badge b-star", "data-mark": "star" }, "★ star"));
  if (m?.unread) out.push(h("span", { class: "badge b-unread", "data-mark": "unread" }, "● unread"));
  if (m?.fold) out.push(h("span", { class: "badge b-fold", "data-mark": "fold" }, "fold"));
  if (m?.hide) out.push(h("span", { class: "badge b-hide", "data-mark": "hide" }, "hidden"));
  for (const bit of m?.custom ?? []) out.push(h("span", { class: "badge b-custom", "data-mark": String(bit), title: `custom mark bit ${bit}` }, bitName(bit)));
  if (row.data.customMark) out.push(h("span", { class: "badge b-text", title: `custom mark: ${row.data.customMark}` }, `“${row.data.customMark}”`));
  for (const id of row.data.groupIds) {
    const g = groupsById.get(id);
    out.push(h("span", { class: "chip", "data-group-id": String(id), title: `group ${g ? g.name : `#${id}`}` }, g ? g.name : `#${id}`));
  }
  row.el.querySelector(".tags")?.replaceChildren(...out);
}

/** Group names follow a rename. @param {Row} row */
function renderGroupChips(row) {
  renderTags(row);
}

/**
 * @param {"idle" | "loading" | "done" | "error"} state
 * @param {string} text
 * @param {() => void} [retry] shown as a Retry button
 */
function setSentinel(state, text, retry) {
  $.sentinel.dataset.state = state;
  /** @type {Node[]} */
  const parts = [];
  if (state === "loading") parts.push(h("span", { class: "spinner", role: "progressbar", "aria-label": "Loading" }));
  parts.push(h("span", {}, text));
  if (retry) {
    const b = h("button", { type: "button", class: "link" }, "Retry");
    b.addEventListener("click", retry);
    parts.push(b);
  }
  $.sentinel.replaceChildren(...parts);
}

function updateSummary() {
  const n = rows.size + duplicates;
  const off = [...rows.values()].filter((r) => r.offlist).length;
  const loaded = n - off;
  const shown = shownRows().length;
  const filtered = filtersActive();
  const dup = duplicates ? ` · ${duplicates} duplicates received` : "";
  $.convSummary.textContent = user
    ? `${filtered ? `${shown} shown · ` : ""}${loaded} loaded · ${pinnedCount} pinned${off ? ` · ${off} not in recent list` : ""}${dup}${complete ? " · all loaded" : ""}`
    : "";
  $.convSummary.dataset.loaded = String(loaded);
  $.convSummary.dataset.shown = String(shown);
  $.convSummary.dataset.complete = String(complete);
  $.loadAll.hidden = !user || complete;
  if (!user) return;
  if (loading) return;
  if (loadFailed) setSentinel("error", "Loading stopped.", () => { loadFailed = false; void loadNextPage(); });
  else if (complete) setSentinel("done", n ? `All ${loaded} conversations loaded${off ? `, and ${off} not in the recent list` : ""}.` : "No conversations.");
  else setSentinel("idle", "Scroll for more…");
}

// ---------------------------------------------------------------- find and filter

function filtersActive() {
  return Boolean($.fText.value.trim() || $.fType.value || $.fMark.value || $.fGroup.value || $.fShow.value);
}

/** @param {Row} row */
function matches(row) {
  const d = row.data;
  const text = $.fText.value.trim().toLowerCase();
  if (text && !labelOf(d.conversation).toLowerCase().includes(text)) return false;
  if ($.fType.value && d.conversation.type !== $.fType.value) return false;
  const mark = $.fMark.value;
  if (mark) {
    const m = d.marks;
    if (mark === "none") { if (m && (m.star || m.unread || m.fold || m.hide || m.custom.length)) return false; }
    else if (mark === "text") { if (!d.customMark) return false; }
    else if (mark === "anycustom") { if (!m?.custom.length) return false; }
    else if (mark.startsWith("bit:")) { if (!m?.custom.includes(Number(mark.slice(4)))) return false; }
    else if (!m?.[/** @type {"star" | "unread" | "fold" | "hide"} */ (mark)]) return false;
  }
  const group = $.fGroup.value;
  if (group === "none" && d.groupIds.length) return false;
  if (group && group !== "none" && !d.groupIds.includes(Number(group))) return false;
  if ($.fShow.value === "pinned" && !d.pinned) return false;
  if ($.fShow.value === "offlist" && !row.offlist) return false;
  return true;
}

/** @param {Row} row */
function filterRow(row) {
  row.el.hidden = !matches(row);
}

function applyFilters() {
  for (const row of rows.values()) filterRow(row);
  for (const el of $.list.querySelectorAll(".row[data-duplicate]")) if (el instanceof HTMLElement) el.hidden = filtersActive();
  showSeparator();
  for (const li of $.groups.querySelectorAll("li[data-group-id]")) {
    li.classList.toggle("current", li.getAttribute("data-group-id") === $.fGroup.value);
  }
  keepActiveShown();
  updateSummary();
  updateSelection();
  if (!complete && filtersActive() && !loading && !loadFailed) recheckSentinel();
}

function renderFilterOptions() {
  const mark = $.fMark.value;
  const named = [...markNames].sort((a, b) => a[0] - b[0]);
  $.fMark.replaceChildren(h("option", { value: "" }, "any marks"), h("option", { value: "none" }, "no marks"),
    ...STANDARD.map((k) => h("option", { value: k }, k)),
    h("option", { value: "anycustom" }, "any custom bit"),
    ...named.map(([bit, name]) => h("option", { value: `bit:${bit}` }, `${name} (bit ${bit})`)),
    h("option", { value: "text" }, "has a custom mark"));
  if ([...$.fMark.options].some((o) => o.value === mark)) $.fMark.value = mark;
  const group = $.fGroup.value;
  $.fGroup.replaceChildren(h("option", { value: "" }, "any group"), h("option", { value: "none" }, "in no group"),
    ...[...groupsById.values()].map((g) => h("option", { value: String(g.id) }, g.name)));
  if ([...$.fGroup.options].some((o) => o.value === group)) $.fGroup.value = group;
  const tb = $.tbMark.value;
  $.tbMark.replaceChildren(h("option", { value: "star" }, "★ star"), h("option", { value: "unread" }, "● unread"),
    h("option", { value: "fold" }, "fold"), h("option", { value: "hide" }, "hide"),
    ...named.map(([bit, name]) => h("option", { value: `bit:${bit}` }, `${name} (bit ${bit})`)),
    h("option", { value: "custom" }, "custom bit…"));
  if ([...$.tbMark.options].some((o) => o.value === tb)) $.tbMark.value = tb;
  $.tbBit.hidden = $.tbMark.value !== "custom";
}

// ---------------------------------------------------------------- selection

function selectedConversations() {
  /** @type {ConversationRef[]} */
  const out = [];
  for (const key of selected) {
    const row = rows.get(key);
    if (row) out.push(row.data.conversation);
  }
  return out;
}

function updateSelection() {
  $.selCount.textContent = `${selected.size} selected`;
  const none = selected.size === 0 || busy;
  $.tbAdd.disabled = none || $.tbGroup.options.length === 0;
  $.tbRemove.disabled = none || $.tbGroup.options.length === 0;
  $.tbSet.disabled = none;
  $.tbUnset.disabled = none;
  $.selClear.disabled = selected.size === 0;
  const shown = shownRows();
  const on = shown.filter((r) => selected.has(r.key)).length;
  $.selAll.checked = shown.length > 0 && on === shown.length;
  $.selAll.indeterminate = on > 0 && on < shown.length;
  $.selAll.disabled = shown.length === 0;
  $.selMatching.textContent = filtersActive() ? `select all ${shown.length} matching` : `select all ${shown.length} loaded`;
  $.selMatching.disabled = shown.length === 0;
}

// ---------------------------------------------------------------- detail drawer

let drawerKey = "";
/** @type {HTMLElement | null} */
let drawerReturn = null;

/** @param {string} key @param {boolean} focus */
function openDrawer(key, focus) {
  const row = rows.get(key);
  if (!row) return;
  if (focus) drawerReturn = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  drawerKey = key;
  const d = row.data;
  const m = d.marks;
  const yes = (/** @type {boolean | undefined} */ v) => (v ? "yes" : "no");
  const custom = (m?.custom ?? []).map((b) => h("li", { "data-bit": String(b) }, markNames.has(b) ? `${markNames.get(b)} (bit ${b})` : `bit ${b}`));
  const groups = d.groupIds.map((id) => h("li", { "data-group-id": String(id) }, groupsById.get(id)?.name ?? `#${id}`));
  $.drawerH.textContent = labelOf(d.conversation);
  $.drawer.dataset.key = key;
  $.drawerBody.replaceChildren(h("dl", { class: "facts drawer-facts" },
    h("dt", {}, "type"), h("dd", {}, d.conversation.type === "c2c" ? "C2C (one-to-one)" : "GROUP"),
    h("dt", {}, "in recent list"), h("dd", {}, row.offlist ? "no (only marks or groups)" : "yes"),
    h("dt", {}, "pinned"), h("dd", {}, yes(d.pinned)),
    h("dt", {}, "last message"), h("dd", {}, d.msgTime ? fmtTime(d.msgTime) : "none"),
    ...STANDARD.flatMap((k) => [h("dt", {}, k), h("dd", { "data-mark": k }, yes(m?.[k]))]),
    h("dt", {}, "custom bits"), h("dd", {}, custom.length ? h("ul", { class: "plain" }, ...custom) : "none"),
    h("dt", {}, "custom mark"), h("dd", { class: "custom-mark" }, d.customMark ? d.customMark : "none"),
    h("dt", {}, "groups"), h("dd", {}, groups.length ? h("ul", { class: "plain" }, ...groups) : "none")));
  $.drawer.hidden = false;
  if (focus) $.drawerClose.focus();
}

function closeDrawer() {
  if ($.drawer.hidden) return;
  $.drawer.hidden = true;
  drawerKey = "";
  const back = drawerReturn;
  drawerReturn = null;
  if (back?.isConnected) back.focus();
}
$.drawerClose.addEventListener("click", closeDrawer);
$.drawer.addEventListener("keydown", (ev) => { if (ev.key === "Escape") { ev.preventDefault(); closeDrawer(); } });

// ---------------------------------------------------------------- results panel

/** @param {Date | number} t Unix seconds */
function fmtTime(t) {
  const d = new Date(Number(t) * 1000);
  const p = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** @param {HTMLElement} card */
function pushCard(card) {
  $.results.querySelector(".empty")?.remove();
  $.results.prepend(card);
  while ($.results.children.length > 30) $.results.lastElementChild?.remove();
}

/**
 * @param {string} title
 * @param {"ok" | "partial" | "error"} status
 * @param {string[]} lines
 * @param {HTMLElement} [extra]
 */
function showResult(title, status, lines, extra) {
  pushCard(h("article", { class: `result r-${status}`, "data-status": status },
    h("h3", {}, title),
    ...lines.map((l) => h("p", { class: "muted" }, l)),
    extra));
}

/**
 * A per-item outcome table.
 * @param {{ label: string, ok: boolean, code: number, info: string, key?: string }[]} items
 */
function outcomeTable(items) {
  return h("table", { class: "outcomes" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "item"), h("th", { scope: "col" }, "result"), h("th", { scope: "col" }, "code"), h("th", { scope: "col" }, "info"))),
    h("tbody", {}, ...items.map((r) => h("tr", { class: r.ok ? "ok" : "fail", "data-key": r.key },
      h("td", {}, r.label),
      h("td", {}, r.ok ? "✓ applied" : "✗ refused"),
      h("td", {}, String(r.code)),
      h("td", { title: r.ok ? "" : codeWords(r.code) }, r.info || (r.ok ? "" : codeWords(r.code)))))));
}

/**
 * Per-item outcomes (`results[i].ok / code / info`), in request order.
 * @param {string} title
 * @param {(ConversationOutcome | GroupChangeOutcome)[]} results
 */
function showOutcomes(title, results) {
  const failed = results.filter((r) => !r.ok).length;
  const table = results.length ? outcomeTable(results.map((r) => ({ label: labelOf(r.conversation), key: keyOf(r.conversation), ok: r.ok, code: r.code, info: r.info }))) : undefined;
  const summary = results.length ? `${results.length - failed} of ${results.length} applied${failed ? `, ${failed} refused` : ""}` : "";
  showResult(title, statusOf(results), summary ? [summary] : [], table);
}

/** @param {Step} s */
function stepWords(s) {
  switch (s.op) {
    case "createGroup": return `create group “${s.name}”${s.conversations.length ? ` with ${s.conversations.length}` : ""}`;
    case "deleteGroup": return `delete group “${s.name}”`;
    case "addToGroup": return `add ${s.conversations.length} to “${s.group}”`;
    case "removeFromGroup": return `remove ${s.conversations.length} from “${s.group}”`;
    case "mark": return `change marks of ${s.items.length}`;
    case "customMark": return `change the custom mark of ${s.items.length}`;
    case "createFriendGroups": return `create friend groups ${s.names.map((n) => `“${n}”`).join(", ")} with ${s.friends.length} friends`;
    case "deleteFriendGroups": return `delete friend groups ${s.names.map((n) => `“${n}”`).join(", ")}`;
  }
  return "";
}

/** @param {ExecutedStep} x @param {Step | undefined} s */
function stepItems(x, s) {
  return x.results.map((r) => ({ label: `${s ? s.op : x.op}: ${r.conversation ? labelOf(r.conversation) : r.userId ?? ""}`, ok: r.ok, code: r.code, info: r.info }));
}

/** An applyUser report: its plan and each executed step's per-item results. @param {string} title @param {ApplyReport} report */
function showReport(title, report) {
  const lines = [`plan: ${report.plan.writes} writes${report.plan.steps.length ? `: ${report.plan.steps.map(stepWords).join("; ")}` : ""}`];
  for (const x of report.executed) if (x.error) lines.push(`step ${x.step + 1} (${x.op}) failed: ${x.error.kind}${x.error.code ? ` ${x.error.code}` : ""} ${x.error.message}`);
  const items = report.executed.flatMap((x) => stepItems(x, report.plan.steps[x.step]));
  showResult(title, report.ok ? "ok" : "partial", lines, items.length ? outcomeTable(items) : undefined);
}

/**
 * An error card. Reads and writes get different advice: a failed read changed nothing.
 * @param {string} what @param {unknown} e @param {{ write?: boolean }} [opts]
 */
function showError(what, e, opts = {}) {
  const x = explain(e, isTimError, { write: Boolean(opts.write) });
  if (isTimError(e) && (e.kind === "signing" || (e.code !== undefined && e.code >= 70000 && e.code < 80000))) {
    setConnStatus("error", `${tim?.baseUrl ?? ""}: ${x.title}`);
  }
  const card = h("div", { class: "result r-error", "data-status": "error", role: "alert",
    "data-kind": isTimError(e) ? e.kind : "other",
    "data-code": isTimError(e) && e.code !== undefined ? String(e.code) : undefined,
    "data-field": isTimError(e) ? e.field : undefined },
  h("h3", {}, `${what} failed`),
  h("p", { class: "err-title" }, x.title),
  h("p", { class: "advice" }, h("strong", {}, "What to do: "), x.advice),
  h("dl", { class: "facts" }, ...x.facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])));
  pushCard(card);
  return card;
}

// ---------------------------------------------------------------- export (current user)

/** @param {"jsonl" | "csv"} kind */
async function exportCurrent(kind) {
  if (!tim || !user) return;
  const who = user;
  try {
    const snapshot = await tim.exportUser(who);
    if (kind === "jsonl") download(`${who}.jsonl`, toJsonLine(snapshot), "application/x-ndjson");
    else download(`${who}.csv`, toCsv([snapshot]), "text/csv");
    showResult(`Exported ${who} (${kind.toUpperCase()})`, "ok", [`${snapshot.conversations?.length ?? 0} conversations, ${snapshot.conversationGroups?.length ?? 0} groups, ${snapshot.friendGroups?.length ?? 0} friend groups`]);
  } catch (e) {
    showError(`Export ${who}`, e);
  }
}

// ---------------------------------------------------------------- bulk (many users)

/**
 * The package's validateSnapshot, as the bulk options type it: bulk.d.ts declares
 * `(value: unknown) => unknown`, index.d.ts `(snapshot: Snapshot) => Snapshot` (it checks anything).
 */
const validate = /** @type {(value: unknown) => unknown} */ (/** @type {unknown} */ (validateSnapshot));
/** @type {AbortController | null} */
let bulkAbort = null;
/** The desired text the plan shown was made from (Apply applies exactly that). */
let plannedText = "";

function bulkUsers() {
  return [...new Set($.bulkUsers.value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))];
}

/** @param {boolean} on */
function bulkBusy(on) {
  for (const b of [$.bulkExportJsonl, $.bulkExportCsv, $.bulkLoad, $.bulkPlan]) b.disabled = on;
  $.bulkCancel.disabled = !on;
  if (on) $.bulkApply.disabled = true;
}

/** @param {number} finished @param {number} total @param {number} failed */
function bulkProgress(finished, total, failed) {
  $.bulkProgress.max = Math.max(1, total);
  $.bulkProgress.value = finished;
  $.bulkStatus.textContent = `${finished} of ${total} users${failed ? `, ${failed} failed` : ""}`;
}

/** @param {unknown} e */
function errorText(e) {
  if (isTimError(e)) return `${e.kind}${e.code !== undefined ? ` ${e.code}` : ""}: ${e.message}`;
  if (isBulkError(e)) return `${e.kind}${e.line ? ` (line ${e.line}${e.field ? `, ${e.field}` : ""})` : ""}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** Reads the listed users' snapshots through `exportUsers` (input order, bounded concurrency). */
async function bulkExport() {
  if (!tim && !connect()) return null;
  const users = bulkUsers();
  if (!users.length) { $.bulkStatus.textContent = "List at least one user."; return null; }
  bulkBusy(true);
  bulkAbort = new AbortController();
  /** @type {Snapshot[]} */
  const snapshots = [];
  /** @type {HTMLElement[]} */
  const failures = [];
  try {
    bulkProgress(0, users.length, 0);
    for await (const e of exportUsers({ client: /** @type {TimClient} */ (tim), users, concurrency: 4, signal: bulkAbort.signal,
      onProgress: (p) => bulkProgress(p.finished, users.length, p.failed) })) {
      if (e.error !== undefined) failures.push(h("li", { "data-user": e.user ?? "" }, `${e.user}: ${errorText(e.error)}`));
      else snapshots.push(e.snapshot);
    }
  } catch (e) {
    failures.push(h("li", {}, errorText(e)));
  } finally {
    bulkBusy(false);
  }
  if (failures.length) $.bulkOut.replaceChildren(h("p", { class: "err-title" }, `${failures.length} users could not be read`), h("ul", {}, ...failures));
  return snapshots;
}

/** @param {"jsonl" | "csv"} kind */
async function bulkDownload(kind) {
  const snapshots = await bulkExport();
  if (!snapshots?.length) return;
  if (kind === "jsonl") download("users.jsonl", snapshots.map(toJsonLine).join(""), "application/x-ndjson");
  else download("users.csv", toCsv(snapshots), "text/csv");
  $.bulkStatus.textContent += ` · exported ${snapshots.length} (${kind.toUpperCase()})`;
}

/** Plans the desired state (a dry run of `applyUsers`: every line is checked first). */
async function bulkPlanRun() {
  if (!tim && !connect()) return;
  const text = $.bulkDesired.value;
  bulkBusy(true);
  bulkAbort = new AbortController();
  /** @type {HTMLElement[]} */
  const out = [];
  let writes = 0;
  let failed = 0;
  try {
    const entries = [];
    for await (const e of applyUsers({ client: /** @type {TimClient} */ (tim), desired: text, validateSnapshot: validate, dryRun: true, concurrency: 4, signal: bulkAbort.signal })) entries.push(e);
    const body = [];
    for (const e of entries) {
      if (e.error !== undefined) { failed++; body.push(h("tr", { class: "fail", "data-user": e.user ?? "" }, h("td", {}, e.user ?? "?"), h("td", {}, "—"), h("td", {}, errorText(e.error)))); continue; }
      const steps = /** @type {ApplyReport} */ (e.report).plan.steps;
      writes += steps.length;
      if (!steps.length) body.push(h("tr", { "data-user": e.user }, h("td", {}, e.user), h("td", {}, "0"), h("td", { class: "muted" }, "already as desired: nothing to write")));
      steps.forEach((s, i) => body.push(h("tr", { "data-user": e.user, "data-op": s.op }, h("td", {}, i ? "" : e.user), h("td", {}, String(i + 1)), h("td", {}, stepWords(s)))));
    }
    out.push(h("p", { id: "bulk-plan-summary" }, `Plan: ${writes} writes for ${entries.length - failed} users${failed ? `; ${failed} users cannot be planned` : ""}. Nothing has been written yet.`),
      h("table", { class: "data", id: "bulk-plan-table" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "user"), h("th", { scope: "col" }, "step"), h("th", { scope: "col" }, "write"))), h("tbody", {}, ...body)));
    plannedText = text;
    $.bulkOut.replaceChildren(...out);
    bulkBusy(false);
    $.bulkApply.disabled = writes === 0;
  } catch (e) {
    bulkBusy(false);
    $.bulkOut.replaceChildren(h("div", { class: "result r-error", role: "alert", "data-status": "error" }, h("h3", {}, "The desired state was refused; nothing was written"), h("p", {}, errorText(e))));
  }
}

/**
 * The part of a user's snapshot that a plan's steps touch (their conversations, conversation
 * groups and friend groups): the before / after of a bulk apply's audit entry, small enough to read.
 * @param {Snapshot | undefined} snap @param {Step[]} steps
 */
function touched(snap, steps) {
  if (!snap) return null;
  const convs = new Set();
  const groups = new Set();
  const fgroups = new Set();
  for (const st of steps) {
    if (st.op === "createGroup" || st.op === "deleteGroup") groups.add(st.name);
    if (st.op === "addToGroup" || st.op === "removeFromGroup") groups.add(st.group);
    if ("conversations" in st) for (const c of st.conversations) convs.add(keyOf(c));
    if (st.op === "mark" || st.op === "customMark") for (const it of st.items) convs.add(keyOf(it.conversation));
    if (st.op === "createFriendGroups" || st.op === "deleteFriendGroups") for (const n of st.names) fgroups.add(n);
  }
  const conversations = (snap.conversations ?? []).filter((c) => convs.has(keyOf(c.conversation)))
    .map((c) => ({ conversation: labelOf(c.conversation), marks: c.marks ?? "", customMark: c.customMark ?? "", groups: c.groups ?? [] }));
  const out = /** @type {Record<string, unknown>} */ ({});
  if (conversations.length || convs.size) out.conversations = conversations;
  if (groups.size) out.conversationGroups = (snap.conversationGroups ?? []).filter((g) => groups.has(g));
  if (fgroups.size) out.friendGroups = (snap.friendGroups ?? []).filter((g) => fgroups.has(g.name));
  return out;
}

/** Applies the plan shown (`applyUsers` re-reads each user's live state and writes the difference). */
async function bulkApplyRun() {
  if (!tim || !plannedText) return;
  const text = plannedText;
  const total = text.split("\n").filter((l) => l.trim()).length;
  bulkBusy(true);
  bulkAbort = new AbortController();
  /** @type {HTMLElement[]} */
  const sections = [];
  let failed = 0;
  try {
    bulkProgress(0, total, 0);
    const client = tim;
    for await (const e of applyUsers({ client, desired: text, validateSnapshot: validate, concurrency: 4, keepBefore: true, signal: bulkAbort.signal,
      onProgress: (p) => bulkProgress(p.finished, total, p.failed) })) {
      const who = e.user ?? "?";
      if (e.error !== undefined) {
        failed++;
        sections.push(h("div", { class: "result r-error", "data-user": who, "data-status": "error" }, h("h3", {}, `${who}: failed`), h("p", {}, errorText(e.error))));
        void addAudit({ time: new Date().toISOString(), user: who, action: "bulk apply", before: null, after: null, status: "error", results: [errorFacts(e.error)] });
        continue;
      }
      const report = /** @type {ApplyReport} */ (e.report);
      if (!report.ok) failed++;
      const items = report.executed.flatMap((x) => stepItems(x, report.plan.steps[x.step]));
      const errs = report.executed.filter((x) => x.error).map((x) => h("p", {}, `step ${x.step + 1} (${x.op}): ${x.error?.kind} ${x.error?.message}`));
      sections.push(h("div", { class: `result r-${report.ok ? "ok" : "partial"}`, "data-user": who, "data-status": report.ok ? "ok" : "partial" },
        h("h3", {}, `${who}: ${report.executed.length} writes${report.ok ? ", all applied" : ", not all applied"}`), ...errs, items.length ? outcomeTable(items) : null));
      const before = touched(report.before, report.plan.steps);
      // What the writes left: read again (a partial apply leaves a state nobody asked for).
      const after = report.executed.length === 0 ? before
        : await client.exportUser(who, { signal: bulkAbort.signal }).then((s) => touched(s, report.plan.steps), (err) => ({ unread: errorFacts(err) }));
      void addAudit({ time: new Date().toISOString(), user: who, action: `bulk apply: ${report.plan.steps.map(stepWords).join("; ")}`, before,
        after, status: report.ok ? "ok" : "partial", results: report.executed });
    }
  } catch (e) {
    sections.push(h("div", { class: "result r-error", role: "alert" }, h("h3", {}, "The job stopped"), h("p", {}, errorText(e))));
  } finally {
    bulkBusy(false);
    plannedText = "";
  }
  $.bulkOut.replaceChildren(h("p", { id: "bulk-apply-summary" }, `Applied: ${total - failed} of ${total} users fully applied${failed ? `, ${failed} not` : ""}.`), ...sections);
  void renderAudit();
  if (user && tim) void lookup(user);
}

// ---------------------------------------------------------------- audit log

async function renderAudit() {
  let entries;
  try {
    entries = await allAudit();
  } catch {
    $.auditCount.textContent = "?";
    return;
  }
  $.auditCount.textContent = String(entries.length);
  const short = (/** @type {unknown} */ v) => (v === null || v === undefined ? "" : JSON.stringify(v));
  $.auditBody.replaceChildren(...entries.slice(-500).reverse().map((e) => h("tr", { "data-status": e.status },
    h("td", {}, e.time.replace("T", " ").slice(0, 19)), h("td", {}, e.user), h("td", {}, e.action),
    h("td", { class: "json" }, short(e.before)), h("td", { class: "json" }, short(e.after)),
    h("td", {}, `${e.status} · ${e.results.length} items`))));
}

// ---------------------------------------------------------------- mark names

function renderNames() {
  $.namesBody.replaceChildren(...[...markNames].sort((a, b) => a[0] - b[0]).map(([bit, name]) => {
    const del = h("button", { type: "button", class: "icon danger", "aria-label": `Remove the name of bit ${bit}` }, "Remove");
    del.addEventListener("click", () => { markNames.delete(bit); saveMarkNames(markNames); namesChanged(); });
    return h("tr", { "data-bit": String(bit) }, h("td", {}, String(bit)), h("td", {}, name), h("td", {}, del));
  }));
}

function namesChanged() {
  renderNames();
  renderFilterOptions();
  for (const row of rows.values()) renderTags(row);
  if (drawerKey) openDrawer(drawerKey, false);
}

// ---------------------------------------------------------------- screens

function showScreen() {
  const name = location.hash.slice(1) || "conversations";
  const known = [...document.querySelectorAll("[data-screen-panel]")].some((p) => p.getAttribute("data-screen-panel") === name);
  const current = known ? name : "conversations";
  for (const p of document.querySelectorAll("[data-screen-panel]")) if (p instanceof HTMLElement) p.hidden = p.dataset.screenPanel !== current;
  for (const a of document.querySelectorAll("nav.tabs a")) {
    if (a.getAttribute("data-screen") === current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.body.dataset.screen = current;
  if (current === "audit") void renderAudit();
}

// ---------------------------------------------------------------- wiring

$.connBase.value = EMULATOR;
$.connEndpoint.value = SIGN_ENDPOINT;
$.connApp.value = params.get("sdkappid") ?? "1400000000";
$.connId.value = IDENTIFIER;
syncSigRows();
for (const r of $.connForm.querySelectorAll('input[name="sigSource"]')) r.addEventListener("change", syncSigRows);
$.connForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  if (connect() && user) void lookup(user);
});
$.lookup.addEventListener("submit", (ev) => {
  ev.preventDefault();
  void lookup($.lookupUser.value.trim());
});
$.createForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  void createGroup($.createName.value, $.createWith.checked ? selectedConversations() : []);
});
$.fgForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const friends = $.fgFriends.value.split(/[\s,]+/).filter(Boolean);
  void createFriendGroup($.fgName.value.trim(), friends).then(() => { $.fgName.value = ""; $.fgFriends.value = ""; });
});
$.selClear.addEventListener("click", () => {
  for (const key of selected) {
    const row = rows.get(key);
    if (row) { row.box.checked = false; row.el.classList.remove("selected"); }
  }
  selected.clear();
  updateSelection();
});
const selectShown = () => { for (const r of shownRows()) toggle(r, true); updateSelection(); };
$.selMatching.addEventListener("click", selectShown);
for (const b of $.listHead.querySelectorAll("button[data-sort]")) {
  if (b instanceof HTMLButtonElement) b.addEventListener("click", () => sortBy(b.dataset.sort ?? ""));
}
$.selAll.addEventListener("change", () => {
  if ($.selAll.checked) selectShown();
  else { for (const r of shownRows()) toggle(r, false); updateSelection(); }
});
$.loadAll.addEventListener("click", () => void loadAll());
for (const f of [$.fType, $.fMark, $.fGroup, $.fShow]) f.addEventListener("change", applyFilters);
$.fText.addEventListener("input", applyFilters);
$.fReset.addEventListener("click", () => {
  $.fText.value = ""; $.fType.value = ""; $.fMark.value = ""; $.fGroup.value = ""; $.fShow.value = "";
  applyFilters();
});
$.tbAdd.addEventListener("click", () => void changeMembers("add"));
$.tbRemove.addEventListener("click", () => void changeMembers("remove"));
$.tbSet.addEventListener("click", () => void changeMarks("set"));
$.tbUnset.addEventListener("click", () => void changeMarks("clear"));
$.tbMark.addEventListener("change", () => { $.tbBit.hidden = $.tbMark.value !== "custom"; });
$.exportJsonl.addEventListener("click", () => void exportCurrent("jsonl"));
$.exportCsv.addEventListener("click", () => void exportCurrent("csv"));
$.bulkExportJsonl.addEventListener("click", () => void bulkDownload("jsonl"));
$.bulkExportCsv.addEventListener("click", () => void bulkDownload("csv"));
$.bulkLoad.addEventListener("click", () => void bulkExport().then((s) => {
  if (s?.length) { $.bulkDesired.value = s.map(toJsonLine).join(""); $.bulkApply.disabled = true; }
}));
$.bulkTemplate.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const g = $.tplGroup.value.trim();
  if (!g) return;
  $.bulkDesired.value = bulkUsers().map((u) => toJsonLine({ version: 1, user: u, conversationGroups: [g] })).join("");
  $.bulkApply.disabled = true;
});
$.bulkMarkTemplate.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const m = /^(c2c|group):(.+)$/.exec($.tplConv.value.trim());
  if (!m) { $.bulkStatus.textContent = "Name the conversation as c2c:ID or group:ID."; return; }
  /** @type {ConversationRef} */
  const conversation = m[1] === "c2c" ? { type: "c2c", userId: m[2] } : { type: "group", groupId: m[2] };
  /** @type {{ star?: boolean, unread?: boolean, fold?: boolean, hide?: boolean, custom: number[] }} */
  const want = { custom: [] };
  for (const w of $.tplMarks.value.split(/[\s,]+/).filter(Boolean)) {
    if (w === "star" || w === "unread" || w === "fold" || w === "hide") want[w] = true;
    else want.custom.push([...markNames].find(([, n]) => n === w)?.[0] ?? Number(w));
  }
  let marks;
  try {
    marks = encodeStandardMark(want); // the package refuses bits outside 32..63, naming the field
  } catch (e) {
    $.bulkStatus.textContent = `Marks refused: ${errorText(e)}`;
    return;
  }
  $.bulkDesired.value = bulkUsers().map((u) => toJsonLine({ version: 1, user: u, conversations: [{ conversation, marks }] })).join("");
  $.bulkApply.disabled = true;
});
$.bulkDesired.addEventListener("input", () => { $.bulkApply.disabled = true; plannedText = ""; });
$.bulkPlan.addEventListener("click", () => void bulkPlanRun());
$.bulkApply.addEventListener("click", () => void bulkApplyRun());
$.bulkCancel.addEventListener("click", () => bulkAbort?.abort());
$.auditExport.addEventListener("click", async () => {
  const entries = await allAudit();
  download("tim-console-audit.jsonl", entries.map((e) => JSON.stringify(e) + "\n").join(""), "application/x-ndjson");
});
$.auditClear.addEventListener("click", async () => { await clearAudit(); void renderAudit(); });
$.namesForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const bit = Number($.nameBit.value);
  const name = $.nameText.value.trim();
  if (!Number.isInteger(bit) || bit < 32 || bit > 63 || !name) return;
  markNames.set(bit, name);
  saveMarkNames(markNames);
  $.nameText.value = "";
  namesChanged();
});
addEventListener("storage", () => { markNames = loadMarkNames(); namesChanged(); });
addEventListener("hashchange", showScreen);
showScreen();
renderFilterOptions();
renderNames();
updateSelection();
// The audit count is not needed for the first paint: read IndexedDB when the page is idle.
(window.requestIdleCallback ?? ((/** @type {() => void} */ f) => setTimeout(f, 200)))(() => void renderAudit());

connect();
const initialUser = params.get("user");
if (initialUser) {
  $.lookupUser.value = initialUser;
  void lookup(initialUser);
}
document.body.dataset.ready = "1";
