// @ts-check
// tim-contacts admin console. Every read and write goes through the package; this file only
// wires the DOM to it: marks come from the SDK's decoded `marks`, errors from TimError fields.
import { TimClient, isTimError, decodeUserSig } from "tim-contacts";
import { explain, codeWords } from "./errors.js";

/** @typedef {import("tim-contacts").ConversationRef} ConversationRef */
/** @typedef {import("tim-contacts").Marks} Marks */
/** @typedef {import("tim-contacts").ContactGroup} ContactGroup */
/** @typedef {import("tim-contacts").MarkName} MarkName */
/** @typedef {import("tim-contacts").ConversationPages} ConversationPages */
/** @typedef {import("tim-contacts").ConversationOutcome} ConversationOutcome */
/** @typedef {import("tim-contacts").GroupChangeOutcome} GroupChangeOutcome */

/**
 * What a row shows: a getList item, refreshed in place from searchContactGroup after writes.
 * @typedef {object} RowData
 * @property {ConversationRef} conversation
 * @property {number} msgTime
 * @property {boolean} pinned
 * @property {Marks} [marks]
 * @property {string} [customMark]
 * @property {number[]} groupIds
 */
/** @typedef {{ data: RowData, el: HTMLElement, box: HTMLInputElement }} Row */

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

const $ = {
  connStatus: byId("conn-status", HTMLElement),
  connPanel: byId("conn-panel", HTMLDetailsElement),
  connForm: byId("conn-form", HTMLFormElement),
  connBase: byId("conn-base", HTMLInputElement),
  connApp: byId("conn-app", HTMLInputElement),
  connId: byId("conn-id", HTMLInputElement),
  connEndpoint: byId("conn-endpoint", HTMLInputElement),
  connEndpointRow: byId("conn-endpoint-row", HTMLElement),
  connSig: byId("conn-sig", HTMLTextAreaElement),
  connSigRow: byId("conn-sig-row", HTMLElement),
  lookup: byId("lookup", HTMLFormElement),
  lookupUser: byId("lookup-user", HTMLInputElement),
  lookupStatus: byId("lookup-status", HTMLElement),
  groups: byId("groups", HTMLUListElement),
  groupsSummary: byId("groups-summary", HTMLElement),
  groupsNote: byId("groups-note", HTMLElement),
  createForm: byId("create-group", HTMLFormElement),
  createName: byId("create-name", HTMLInputElement),
  createWith: byId("create-with", HTMLInputElement),
  friendGroups: byId("friend-groups", HTMLUListElement),
  friendsSummary: byId("friends-summary", HTMLElement),
  convSummary: byId("conv-summary", HTMLElement),
  selCount: byId("sel-count", HTMLElement),
  selClear: byId("sel-clear", HTMLButtonElement),
  tbGroup: byId("tb-group", HTMLSelectElement),
  tbAdd: byId("tb-add", HTMLButtonElement),
  tbRemove: byId("tb-remove", HTMLButtonElement),
  tbMark: byId("tb-mark", HTMLSelectElement),
  tbBit: byId("tb-bit", HTMLInputElement),
  tbSet: byId("tb-set", HTMLButtonElement),
  tbUnset: byId("tb-unset", HTMLButtonElement),
  list: byId("list", HTMLElement),
  sentinel: byId("sentinel", HTMLElement),
  results: byId("results", HTMLElement),
};

// ---------------------------------------------------------------- state

const params = new URLSearchParams(location.search);
const EMULATOR = (params.get("emulator") ?? "http://127.0.0.1:8080").replace(/\/+$/, "");

/** @type {TimClient | null} */
let tim = null;
/** The user being shown (`fromAccount`). */
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
/** Loaded rows by conversation key. @type {Map<string, Row>} */
const rows = new Map();
/** Selected conversation keys. @type {Set<string>} */
const selected = new Set();
/** The user's conversation groups, by id. @type {Map<number, ContactGroup>} */
let groupsById = new Map();
let busy = false;

/**
 * A conversation's identity in the DOM (for rows and selection).
 * @param {ConversationRef} c
 */
function keyOf(c) {
  return c.type === "c2c" ? `c2c:${c.userId}` : `group:${c.groupId}`;
}
/** @param {ConversationRef} c */
function labelOf(c) {
  return c.type === "c2c" ? c.userId : c.groupId;
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
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identifier }),
    });
    if (!res.ok) throw new Error(`the signing endpoint answered HTTP ${res.status}`);
    const body = await res.json();
    if (typeof body?.userSig !== "string") throw new Error("the signing endpoint's answer has no userSig string");
    const { expiresAt } = decodeUserSig(body.userSig); // read for the status pill, not kept
    setConnStatus("ok", `Connected to ${tim?.baseUrl ?? ""} as ${identifier} · UserSig from endpoint, expires ${fmtTime(expiresAt)}`);
    return body.userSig;
  };
}

/** @param {"idle" | "ok" | "warn" | "error"} state @param {string} text */
function setConnStatus(state, text) {
  $.connStatus.dataset.state = state;
  $.connStatus.textContent = text;
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
    tim = new TimClient({ sdkAppId, identifier, userSig, baseUrl });
  } catch (e) {
    showError("Connect", e);
    setConnStatus("error", "Not connected: the connection settings were refused");
    $.connPanel.open = true;
    return false;
  }
  setConnStatus(note.includes("EXPIRED") ? "warn" : "ok", `Connected to ${tim.baseUrl} as ${identifier}${note}`);
  return true;
}

// ---------------------------------------------------------------- lookup

/** @param {string} userId */
async function lookup(userId) {
  if (!tim && !connect()) return;
  const client = /** @type {TimClient} */ (tim);
  const gen = ++generation;
  user = userId;
  resetList();
  $.lookupStatus.textContent = `Loading ${userId}…`;
  const url = new URL(location.href);
  url.searchParams.set("user", userId);
  history.replaceState(null, "", url);
  try {
    await loadGroups(gen, client);
  } catch (e) {
    if (gen !== generation) return;
    showError(`Look up user “${userId}”`, e);
    $.lookupStatus.textContent = `Could not load ${userId || "(empty user ID)"}.`;
    user = "";
    setSentinel("error", "Not loaded.", () => void lookup(userId));
    return;
  }
  if (gen !== generation) return;
  $.lookupStatus.textContent = `Showing ${userId}`;
  void loadFriendGroups(gen, client);
  void loadNextPage();
}

function resetList() {
  for (const { el } of rows.values()) el.remove();
  // Duplicate rows are not in the map: drop any leftover row elements too.
  for (const el of $.list.querySelectorAll(".row")) el.remove();
  rows.clear();
  selected.clear();
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
  groupsById = new Map();
  $.list.scrollTop = 0;
  updateSelection();
  updateSummary();
}

// ---------------------------------------------------------------- conversation groups

/**
 * Reads every `getContactGroup` page (`listContactGroupItems`): the groups, and how many
 * conversations each holds.
 * @param {number} gen
 * @param {TimClient} client
 */
async function loadGroups(gen, client) {
  /** @type {Map<number, number>} */
  const counts = new Map();
  /** @type {ContactGroup[]} */
  let groups = [];
  let withData = 0;
  for await (const page of client.listContactGroupItems(user, { signal: lookupAbort.signal }).pages()) {
    if (gen !== generation) return;
    groups = page.groups;
    withData += page.items.length;
    for (const item of page.items) for (const id of item.groupIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  groupsById = new Map(groups.map((g) => [g.id, g]));
  renderGroups(groups, counts, withData);
  for (const row of rows.values()) renderGroupChips(row);
  // A row naming a group that no longer exists (deleted elsewhere) is stale: re-read it.
  const stale = [...rows.values()].filter((row) => row.data.groupIds.some((id) => !groupsById.has(id)));
  if (stale.length) await refreshRows(client, stale.map((row) => row.data.conversation));
}

/**
 * @param {ContactGroup[]} groups
 * @param {Map<number, number>} counts
 * @param {number} withData
 */
function renderGroups(groups, counts, withData) {
  $.groupsSummary.textContent = String(groups.length);
  $.groupsNote.textContent = `${withData} conversations carry marks or groups`;
  const items = groups.map((g) => {
    const rename = h("button", { type: "button", class: "icon rename", title: `Rename ${g.name}` }, "Rename");
    const del = h("button", { type: "button", class: "icon danger delete", title: `Delete ${g.name}` }, "Delete");
    const n = counts.get(g.id) ?? 0;
    const li = h("li", { "data-group": g.name, "data-group-id": String(g.id) },
      h("span", { class: "gname" }, g.name),
      h("span", { class: "count", title: `${n} conversations` }, String(n)),
      h("span", { class: "actions" }, rename, del));
    rename.addEventListener("click", () => startRename(li, g.name));
    del.addEventListener("click", () => {
      if (del.dataset.armed) return void deleteGroup(g.name);
      del.dataset.armed = "1";
      del.textContent = "Confirm";
      setTimeout(() => { delete del.dataset.armed; del.textContent = "Delete"; }, 4000);
    });
    return li;
  });
  $.groups.replaceChildren(...(items.length ? items : [h("li", { class: "empty muted" }, "No conversation groups.")]));
  const current = $.tbGroup.value;
  $.tbGroup.replaceChildren(...groups.map((g) => h("option", { value: g.name }, g.name)));
  if (groups.some((g) => g.name === current)) $.tbGroup.value = current;
  updateSelection();
}

/** @param {HTMLLIElement} li @param {string} name */
function startRename(li, name) {
  const input = h("input", { class: "rename-input", value: name, "aria-label": `New name for ${name}`, spellcheck: "false" });
  const form = h("form", { class: "rename-form" }, input,
    h("button", { type: "submit" }, "Save"),
    h("button", { type: "button", class: "link cancel" }, "Cancel"));
  const saved = [...li.childNodes];
  form.querySelector(".cancel")?.addEventListener("click", () => li.replaceChildren(...saved));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (input.value === name) return void li.replaceChildren(...saved);
    void renameGroup(name, input.value);
  });
  li.replaceChildren(form);
  input.focus();
  input.select();
}

/**
 * Runs one write: blocks double submits, reports errors, reloads groups afterwards.
 * @param {string} what
 * @param {(client: TimClient) => Promise<void>} fn
 */
async function write(what, fn) {
  if (!tim || !user) return showResult(`${what}: load a user first`, "error", ["Look up a user, then act on their groups and conversations."]);
  if (busy) return;
  busy = true;
  document.body.classList.add("busy");
  updateSelection();
  const client = tim;
  const gen = generation;
  try {
    await fn(client);
  } catch (e) {
    showError(what, e);
  } finally {
    busy = false;
    document.body.classList.remove("busy");
    updateSelection();
  }
  if (gen !== generation) return;
  try {
    await loadGroups(gen, client);
  } catch (e) {
    if (gen === generation) showError("Reload the conversation groups", e);
  }
}

/** @param {string} oldName @param {string} newName */
function renameGroup(oldName, newName) {
  return write(`Rename group “${oldName}”`, async (client) => {
    const r = await client.updateContactGroup({ fromAccount: user, groupName: oldName, newName });
    showResult(`Renamed “${r.oldGroupName}” to “${r.groupName}”`, "ok", [`group id ${r.groupId}`]);
  });
}

/** @param {string} name */
function deleteGroup(name) {
  return write(`Delete group “${name}”`, async (client) => {
    const r = await client.delContactGroup({ fromAccount: user, groupName: name });
    const ids = new Set(r.deleted.map((g) => g.id));
    showResult(`Deleted ${r.deleted.map((g) => `“${g.name}”`).join(", ")}`, "ok", []);
    const affected = [...rows.values()].filter((row) => row.data.groupIds.some((id) => ids.has(id)));
    await refreshRows(client, affected.map((row) => row.data.conversation));
  });
}

/** @param {string} name @param {ConversationRef[]} conversations */
function createGroup(name, conversations) {
  return write(`Create group “${name}”`, async (client) => {
    const r = await client.createContactGroup({ fromAccount: user, groupName: name, conversations });
    showOutcomes(`Created “${r.group.name}” (id ${r.group.id})${conversations.length ? ` with ${conversations.length} conversations` : ""}`, r.results);
    $.createName.value = "";
    await refreshRows(client, conversations);
  });
}

/** @param {"add" | "remove"} change */
function changeMembers(change) {
  const name = $.tbGroup.value;
  const conversations = selectedConversations();
  return write(`${change === "add" ? "Add to" : "Remove from"} group “${name}”`, async (client) => {
    const r = await client.updateContactGroup({ fromAccount: user, groupName: name, [change]: conversations });
    showOutcomes(`${change === "add" ? "Added to" : "Removed from"} “${r.groupName}”`, r.results);
    await refreshRows(client, conversations);
  });
}

/** @param {"set" | "clear"} op */
function changeMarks(op) {
  const choice = $.tbMark.value;
  /** @type {MarkName} */
  const mark = choice === "custom" ? Number($.tbBit.value) : /** @type {MarkName} */ (choice);
  const conversations = selectedConversations();
  const label = typeof mark === "number" ? `custom bit ${mark}` : mark;
  return write(`${op === "set" ? "Set" : "Clear"} mark ${label}`, async (client) => {
    const items = conversations.map((conversation) => ({ conversation, [op]: [mark] }));
    const r = await client.markContact({ fromAccount: user, items });
    showOutcomes(`${op === "set" ? "Set" : "Cleared"} mark ${label}`, r.results);
    await refreshRows(client, conversations);
  });
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
    renderBadges(row);
    renderGroupChips(row);
  }
}

// ---------------------------------------------------------------- friend groups

/** @param {number} gen @param {TimClient} client */
async function loadFriendGroups(gen, client) {
  $.friendGroups.replaceChildren(h("li", { class: "empty muted" }, "Loading…"));
  try {
    const r = await client.snsGroupGet({ fromAccount: user, needFriends: true });
    if (gen !== generation) return;
    $.friendsSummary.textContent = String(r.groups.length);
    const items = r.groups.map((g) => h("li", { "data-friend-group": g.name },
      h("details", {},
        h("summary", {}, h("span", { class: "gname" }, g.name), h("span", { class: "count" }, String(g.friendCount))),
        h("p", { class: "friends" }, (g.friends ?? []).join(", ") || "no friends"))));
    $.friendGroups.replaceChildren(...(items.length ? items : [h("li", { class: "empty muted" }, "No friend groups.")]));
  } catch (e) {
    if (gen !== generation) return;
    $.friendGroups.replaceChildren(h("li", { class: "empty muted" }, "Could not load."));
    showError("Load friend groups", e);
  }
}

// ---------------------------------------------------------------- conversation list (paged)

const observer = new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting)) void loadNextPage();
}, { root: $.list, rootMargin: "0px 0px 300px 0px" });
observer.observe($.sentinel);

/** Re-checks whether the list's end is still in view (e.g. a short page did not fill it). */
function recheckSentinel() {
  observer.unobserve($.sentinel);
  observer.observe($.sentinel);
}

/** The next page of the package's `listConversations` (it follows and checks the cursors). */
async function loadNextPage() {
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
  } catch (e) {
    if (gen !== generation) return;
    loadFailed = true;
    resume = true;
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

/** @param {RowData[]} items */
function appendRows(items) {
  const frag = document.createDocumentFragment();
  for (const data of items) {
    const key = keyOf(data.conversation);
    const row = makeRow(data, key);
    if (rows.has(key)) {
      duplicates++;
      row.el.dataset.duplicate = "";
    } else {
      rows.set(key, row);
    }
    if (data.pinned) pinnedCount++;
    frag.append(row.el);
  }
  $.list.insertBefore(frag, $.sentinel);
}

/** @param {RowData} data @param {string} key @returns {Row} */
function makeRow(data, key) {
  const c = data.conversation;
  const box = h("input", { type: "checkbox", "aria-label": `Select ${labelOf(c)}` });
  const el = h("div", { class: "row", role: "listitem", "data-key": key, "data-pinned": data.pinned },
    h("label", { class: "pick" }, box),
    h("span", { class: `kind kind-${c.type}` }, c.type === "c2c" ? "C2C" : "GROUP"),
    h("span", { class: "who", title: labelOf(c) }, h("span", { class: "id" }, labelOf(c))),
    h("span", { class: "tags" },
      data.pinned ? h("span", { class: "pin", title: "pinned (TopFlag)" }, "pinned") : null,
      h("span", { class: "badges" }),
      h("span", { class: "chips" })),
    h("time", { class: "time" }, data.msgTime ? fmtTime(data.msgTime) : "no messages"));
  const row = { data, el, box };
  box.addEventListener("change", () => {
    if (box.checked) selected.add(key);
    else selected.delete(key);
    el.classList.toggle("selected", box.checked);
    updateSelection();
  });
  renderBadges(row);
  renderGroupChips(row);
  return row;
}

/** Mark badges from the SDK's decoded marks. @param {Row} row */
function renderBadges(row) {
  const m = row.data.marks;
  /** @type {HTMLElement[]} */
  const out = [];
  if (m?.star) out.push(h("span", { class: "badge b-star", "data-mark": "star" }, "★ star"));
  if (m?.unread) out.push(h("span", { class: "badge b-unread", "data-mark": "unread" }, "● unread"));
  if (m?.fold) out.push(h("span", { class: "badge b-fold", "data-mark": "fold" }, "fold"));
  if (m?.hide) out.push(h("span", { class: "badge b-hide", "data-mark": "hide" }, "hidden"));
  for (const bit of m?.custom ?? []) out.push(h("span", { class: "badge b-custom", "data-mark": String(bit), title: `custom mark bit ${bit}` }, `bit ${bit}`));
  if (row.data.customMark) out.push(h("span", { class: "badge b-text", title: "custom mark" }, `“${row.data.customMark}”`));
  row.el.querySelector(".badges")?.replaceChildren(...out);
}

/** Group names (from getContactGroup's group list) for the row's group ids. @param {Row} row */
function renderGroupChips(row) {
  const chips = row.data.groupIds.map((id) => {
    const g = groupsById.get(id);
    return h("span", { class: "chip", "data-group-id": String(id) }, g ? g.name : `#${id}`);
  });
  row.el.querySelector(".chips")?.replaceChildren(...chips);
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
    const button = h("button", { type: "button", class: "link" }, "Retry");
    button.addEventListener("click", retry);
    parts.push(button);
  }
  $.sentinel.replaceChildren(...parts);
}

function updateSummary() {
  const n = rows.size + duplicates;
  const dup = duplicates ? ` · ${duplicates} duplicates received` : "";
  $.convSummary.textContent = user ? `${n} loaded · ${pinnedCount} pinned${dup}${complete ? " · all loaded" : ""}` : "";
  $.convSummary.dataset.loaded = String(n);
  $.convSummary.dataset.complete = String(complete);
  if (!user) return;
  if (loading) return;
  if (loadFailed) setSentinel("error", "Loading stopped.", () => { loadFailed = false; void loadNextPage(); });
  else if (complete) setSentinel("done", n ? `All ${n} conversations loaded.` : "No conversations.");
  else setSentinel("idle", "Scroll for more…");
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
}

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
 * Per-item outcomes (`results[i].ok / code / info`), in request order.
 * @param {string} title
 * @param {(ConversationOutcome | GroupChangeOutcome)[]} results
 */
function showOutcomes(title, results) {
  const failed = results.filter((r) => !r.ok).length;
  const status = failed === 0 ? "ok" : failed === results.length ? "error" : "partial";
  const table = results.length ? h("table", { class: "outcomes" },
    h("thead", {}, h("tr", {}, h("th", {}, "conversation"), h("th", {}, "result"), h("th", {}, "code"), h("th", {}, "info"))),
    h("tbody", {}, ...results.map((r) => h("tr", { class: r.ok ? "ok" : "fail", "data-key": keyOf(r.conversation) },
      h("td", {}, labelOf(r.conversation)),
      h("td", {}, r.ok ? "✓ applied" : "✗ refused"),
      h("td", {}, String(r.code)),
      h("td", { title: r.ok ? "" : codeWords(r.code) }, r.info || (r.ok ? "" : codeWords(r.code))))))) : undefined;
  const summary = results.length ? `${results.length - failed} of ${results.length} applied${failed ? `, ${failed} refused` : ""}` : "";
  showResult(title, status, summary ? [summary] : [], table);
}

/** @param {string} what @param {unknown} e */
function showError(what, e) {
  const x = explain(e, isTimError);
  if (isTimError(e) && (e.kind === "signing" || (e.code !== undefined && e.code >= 70000 && e.code < 80000))) {
    setConnStatus("error", `${tim?.baseUrl ?? ""}: ${x.title}`);
  }
  pushCard(h("article", { class: "result r-error", "data-status": "error", role: "alert",
    "data-kind": isTimError(e) ? e.kind : "other",
    "data-code": isTimError(e) && e.code !== undefined ? String(e.code) : undefined,
    "data-field": isTimError(e) ? e.field : undefined },
  h("h3", {}, `${what} failed`),
  h("p", { class: "err-title" }, x.title),
  h("p", { class: "advice" }, h("strong", {}, "What to do: "), x.advice),
  h("dl", { class: "facts" }, ...x.facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))));
}

// ---------------------------------------------------------------- wiring

$.connBase.value = EMULATOR;
$.connEndpoint.value = `${EMULATOR}/__control/usersig`;
$.connApp.value = params.get("sdkappid") ?? "1400000000";
$.connId.value = params.get("identifier") ?? "administrator";
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
$.selClear.addEventListener("click", () => {
  for (const key of selected) {
    const row = rows.get(key);
    if (row) { row.box.checked = false; row.el.classList.remove("selected"); }
  }
  selected.clear();
  updateSelection();
});
$.tbAdd.addEventListener("click", () => void changeMembers("add"));
$.tbRemove.addEventListener("click", () => void changeMembers("remove"));
$.tbSet.addEventListener("click", () => void changeMarks("set"));
$.tbUnset.addEventListener("click", () => void changeMarks("clear"));
$.tbMark.addEventListener("change", () => { $.tbBit.hidden = $.tbMark.value !== "custom"; });
updateSelection();

connect();
const initialUser = params.get("user");
if (initialUser) {
  $.lookupUser.value = initialUser;
  void lookup(initialUser);
}
document.body.dataset.ready = "1";
