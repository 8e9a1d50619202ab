// A stand-in of the per-user engine (TimClient.exportUser / applyUser / verifyUser), in JS over the
// client's plain methods, installed on TimClient.prototype ONLY when the built package lacks them
// (the Rust engine had not landed yet when the bulk layer was written). Loaded by the test runner
// and into the CLI processes it spawns with `node --import`; prints a note when it is active.
import { pathToFileURL } from "node:url";
import path from "node:path";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");
const sdk = await import(pathToFileURL(path.join(REPO, "pkg/index.node.js")).href);
export const SHIM_ACTIVE = typeof sdk.TimClient.prototype.exportUser !== "function";

const key = (c) => (c.type === "c2c" ? `c2c:${c.userId}` : `group:${c.groupId}`);

async function exportUser(userId, o = {}) {
  const opt = { signal: o.signal };
  const convs = new Map();
  for await (const c of this.listConversations(userId, opt)) convs.set(key(c.conversation), { conversation: c.conversation, marks: "", groups: [] });
  const idToName = new Map();
  const pages = this.listContactGroupItems(userId, opt).pages();
  let groups = [];
  for await (const page of pages) {
    groups = page.groups;
    for (const g of page.groups) idToName.set(g.id, g.name);
    for (const it of page.items) {
      const e = convs.get(key(it.conversation)) ?? { conversation: it.conversation, marks: "", groups: [] };
      e.marks = it.standardMark.replace(/^0+/, "");
      if (it.customMark) e.customMark = it.customMark;
      e.groups = it.groupIds.map((id) => idToName.get(id)).filter(Boolean).sort();
      convs.set(key(it.conversation), e);
    }
  }
  const fg = await this.snsGroupGet({ fromAccount: userId, needFriends: true }, opt);
  const conversations = [...convs.values()].sort((a, b) => (key(a.conversation) < key(b.conversation) ? -1 : 1));
  return {
    version: 1,
    user: userId,
    conversations,
    conversationGroups: groups.map((g) => g.name).sort(),
    friendGroups: fg.groups.map((g) => ({ name: g.name, friends: [...(g.friends ?? [])].sort() })),
  };
}

function plan(desired, live, { prune = false } = {}) {
  const steps = [];
  const liveConv = new Map(live.conversations.map((c) => [key(c.conversation), c]));
  if (desired.conversationGroups) {
    for (const g of desired.conversationGroups) if (!live.conversationGroups.includes(g)) steps.push({ op: "createGroup", group: g });
    if (prune) for (const g of live.conversationGroups) if (!desired.conversationGroups.includes(g)) steps.push({ op: "deleteGroup", group: g });
  }
  for (const d of desired.conversations ?? []) {
    const l = liveConv.get(key(d.conversation)) ?? { marks: "", groups: [] };
    if (d.groups) {
      for (const g of d.groups) if (!l.groups.includes(g)) steps.push({ op: "addToGroup", group: g, conversation: d.conversation });
      for (const g of l.groups) if (!d.groups.includes(g)) steps.push({ op: "removeFromGroup", group: g, conversation: d.conversation });
    }
    if (d.marks !== undefined && d.marks.replace(/^0+/, "") !== l.marks) steps.push({ op: "mark", conversation: d.conversation, marks: d.marks });
    if (d.customMark !== undefined && d.customMark !== (l.customMark ?? "")) steps.push({ op: "customMark", conversation: d.conversation, customMark: d.customMark });
  }
  if (desired.friendGroups) {
    const liveFg = new Set(live.friendGroups.map((g) => g.name));
    const add = desired.friendGroups.filter((g) => !liveFg.has(g.name));
    if (add.length) steps.push({ op: "createFriendGroups", groups: add });
  }
  return { user: desired.user, steps, writes: steps.length };
}

async function applyUser(desired, o = {}) {
  const live = await this.exportUser(desired.user, o);
  const p = plan(desired, live, o);
  const executed = [];
  if (!o.dryRun) {
    const opt = { signal: o.signal };
    const u = desired.user;
    for (const [i, s] of p.steps.entries()) {
      try {
        let r;
        if (s.op === "createGroup") r = await this.createContactGroup({ fromAccount: u, groupName: s.group }, opt);
        else if (s.op === "deleteGroup") r = await this.delContactGroup({ fromAccount: u, groupName: s.group }, opt);
        else if (s.op === "addToGroup") r = await this.updateContactGroup({ fromAccount: u, groupName: s.group, add: [s.conversation] }, opt);
        else if (s.op === "removeFromGroup") r = await this.updateContactGroup({ fromAccount: u, groupName: s.group, remove: [s.conversation] }, opt);
        else if (s.op === "mark") r = await this.markContact({ fromAccount: u, items: [{ conversation: s.conversation, target: s.marks }] }, opt);
        else if (s.op === "customMark") r = await this.markContact({ fromAccount: u, items: [{ conversation: s.conversation, customMark: s.customMark }] }, opt);
        else if (s.op === "createFriendGroups") {
          for (const g of s.groups) r = await this.snsGroupAdd({ fromAccount: u, groupNames: [g.name], ...(g.friends.length ? { friends: g.friends } : {}) }, opt);
        }
        executed.push({ step: i, op: s.op, ok: true, results: r?.results ?? [] });
      } catch (error) {
        if (error?.kind === "aborted") throw error;
        executed.push({ step: i, op: s.op, ok: false, results: [], error });
      }
    }
  }
  return { user: desired.user, plan: p, executed, ok: executed.every((e) => e.ok) };
}

async function verifyUser(desired, o = {}) {
  const live = await this.exportUser(desired.user, o);
  const p = plan(desired, live, o);
  return { user: desired.user, matches: p.steps.length === 0, plan: p };
}

if (SHIM_ACTIVE) {
  Object.assign(sdk.TimClient.prototype, { exportUser, applyUser, verifyUser });
}
