// @ts-check
// Turns snapshots (the package's exportUser / exportUsers, format v1) into files to download:
// JSON Lines (the package's own line format, `toJsonLine`) and CSV (one row per conversation).

/** @typedef {import("tim-contacts").Snapshot} Snapshot */

/** RFC 4180 field. @param {unknown} v */
function csvField(v) {
  const s = v === undefined || v === null ? "" : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const CSV_HEADER = ["user", "type", "conversation", "marks", "customMark", "groups"];

/**
 * CSV rows of snapshots: one per conversation (marks as the StandardMark bit string, groups joined by "|").
 * @param {Iterable<Snapshot>} snapshots
 */
export function toCsv(snapshots) {
  const lines = [CSV_HEADER.join(",")];
  for (const s of snapshots) {
    for (const c of s.conversations ?? []) {
      const ref = c.conversation;
      lines.push([s.user, ref.type, ref.type === "c2c" ? ref.userId : ref.groupId, c.marks ?? "", c.customMark ?? "",
        (c.groups ?? []).join("|")].map(csvField).join(","));
    }
  }
  return lines.join("\r\n") + "\r\n";
}

/**
 * Offers a text as a download.
 * @param {string} name
 * @param {string} text
 * @param {string} type
 */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
