// Walks one user's conversations, conversation groups, marks and friend groups
// through the SDK against a running emulator, and prints them readably.
//
//   EMULATOR_URL=http://127.0.0.1:8080 node examples/walk.mjs [user]
//
// The UserSig comes from the emulator's /__control/usersig, a stand-in for the
// signing endpoint of your own backend: this script never sees a SecretKey.
import { TimClient, isTimError } from "../pkg/index.node.js";

const baseUrl = process.env.EMULATOR_URL ?? "http://127.0.0.1:8080";
const user = process.argv[2] ?? "alice";

async function userSigFromBackend(identifier) {
  const res = await fetch(`${baseUrl}/__control/usersig`, {
    method: "POST",
    body: JSON.stringify({ identifier, expire: 3600 }),
  });
  if (!res.ok) throw new Error(`signing endpoint answered ${res.status}`);
  return (await res.json()).userSig;
}

const tim = new TimClient({ sdkAppId: 1400000000, identifier: "administrator", userSig: userSigFromBackend, baseUrl });

const badges = (marks) => {
  if (!marks) return "";
  const b = [];
  if (marks.star) b.push("★ star");
  if (marks.unread) b.push("● unread");
  if (marks.fold) b.push("▾ fold");
  if (marks.hide) b.push("◌ hide");
  for (const bit of marks.custom) b.push(`#${bit}`);
  return b.join(" ");
};
const who = (c) => (c.type === "c2c" ? `user ${c.userId}` : `group ${c.groupId}`);
const when = (s) => (s ? new Date(s * 1000).toISOString().slice(0, 16).replace("T", " ") : "-");
const line = (title) => console.log(`\n== ${title} ${"=".repeat(Math.max(0, 70 - title.length))}`);

// 1. Every conversation, page by page (pinned first).
line(`Conversations of ${user}`);
let cursor;
let pages = 0;
const all = [];
for (;;) {
  const page = await tim.getList({ fromAccount: user, cursor });
  pages++;
  all.push(...page.items);
  if (page.complete) break;
  cursor = page.nextCursor;
}
const pinned = all.filter((c) => c.pinned).length;
const marked = all.filter((c) => c.marks && c.marks.value !== 0n).length;
console.log(`${all.length} conversations in ${pages} page(s): ${pinned} pinned, ${marked} marked`);
for (const c of all.slice(0, 12)) {
  const groups = c.groupIds.length ? ` groups ${c.groupIds.join(",")}` : "";
  console.log(`  ${c.pinned ? "📌" : "  "} ${who(c.conversation).padEnd(28)} ${when(c.msgTime)}  ${badges(c.marks)}${groups}`);
}
if (all.length > 12) console.log(`  … and ${all.length - 12} more`);

// 2. Conversation groups and every marked or grouped conversation.
line("Conversation groups and marks");
let startIndex = 0;
let groups = [];
const data = [];
for (;;) {
  const page = await tim.getContactGroup({ fromAccount: user, startIndex });
  groups = page.groups;
  data.push(...page.items);
  if (page.complete) break;
  startIndex = page.nextStartIndex;
}
for (const g of groups) {
  const n = data.filter((d) => d.groupIds.includes(g.id)).length;
  console.log(`  [${g.id}] ${g.name.padEnd(20)} ${n} conversation(s)`);
}
const counts = { star: 0, unread: 0, fold: 0, hide: 0, custom: 0 };
for (const d of data) {
  for (const k of ["star", "unread", "fold", "hide"]) if (d.marks[k]) counts[k]++;
  if (d.marks.custom.length) counts.custom++;
}
console.log(`  ${data.length} conversations carry data: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ")}`);
for (const d of data.filter((d) => d.customMark).slice(0, 3)) {
  console.log(`  ${who(d.conversation)}: StandardMark "${d.standardMark}" = ${badges(d.marks)}; custom mark "${d.customMark}"`);
}

// 3. Friend groups.
line("Friend groups");
const sns = await tim.snsGroupGet({ fromAccount: user, needFriends: true });
for (const g of sns.groups) console.log(`  ${g.name.padEnd(20)} ${g.friendCount} friend(s): ${(g.friends ?? []).slice(0, 5).join(", ")}`);
console.log(`  sequence ${sns.currentSequence}`);

// 4. A round trip of writes, with per-item results.
line("Create, fill, mark, rename and delete a group");
const two = all.slice(0, 2).map((c) => c.conversation);
const created = await tim.createContactGroup({ fromAccount: user, groupName: "Demo walk", conversations: two });
console.log(`  created [${created.group.id}] ${created.group.name}: ${created.results.map((r) => `${who(r.conversation)} ${r.ok ? "ok" : r.code}`).join("; ")}`);
const marks = await tim.markContact({
  fromAccount: user,
  items: two.map((conversation, i) => ({ conversation, set: i ? ["unread", 40] : ["star"], customMark: "demo" })),
});
console.log(`  marked: ${marks.results.map((r) => `${who(r.conversation)} ${r.ok ? "ok" : `${r.code} ${r.info}`}`).join("; ")}`);
const back = await tim.searchContactGroup({ fromAccount: user, conversations: two });
for (const d of back.items) console.log(`  read back ${who(d.conversation)}: ${badges(d.marks)} custom "${d.customMark ?? ""}" groups ${d.groupIds.join(",")}`);
const renamed = await tim.updateContactGroup({ fromAccount: user, groupName: "Demo walk", newName: "Demo walk (renamed)" });
console.log(`  renamed "${renamed.oldGroupName}" -> "${renamed.groupName}"`);
const deleted = await tim.delContactGroup({ fromAccount: user, groupName: "Demo walk (renamed)" });
console.log(`  deleted ${deleted.deleted.map((g) => `[${g.id}] ${g.name}`).join(", ")}`);

// 5. A typed error, explained.
line("A typed error");
try {
  await tim.delContactGroup({ fromAccount: user, groupName: "Demo walk (renamed)" });
} catch (e) {
  if (!isTimError(e)) throw e;
  console.log(`  ${e.kind} error ${e.code} from ${e.endpoint}: ${e.message}`);
}
try {
  await tim.searchContactGroup({ fromAccount: user, conversations: [{ type: "c2c" }] });
} catch (e) {
  if (!isTimError(e)) throw e;
  console.log(`  ${e.kind}: field "${e.field}": ${e.message}`);
}
console.log("\nDone.");
