// What a user would otherwise write: a minimal hand-written fetch wrapper for the two read
// commands the overhead benchmark uses. It builds the URL and body, calls fetch, JSON.parse,
// checks the envelope and maps the wire fields to the SDK's camelCase shapes (StandardMark
// decoded with the pure-JS codec). No validation beyond that, no retry, no rate limit, no
// timeout, a fixed UserSig.
import { decodeStandardMark } from "./marks.mjs";

export class MinimalClient {
  // timeoutMs (default 0 = none): abort the fetch after that long, as a wrapper with timeouts
  // would (an AbortController and a timer per call); only for the like-with-like row.
  constructor({ sdkAppId, identifier, userSig, baseUrl, fetch = globalThis.fetch, timeoutMs = 0 }) {
    this.timeoutMs = timeoutMs;
    this.prefix = `?sdkappid=${sdkAppId}&identifier=${encodeURIComponent(identifier)}&usersig=${encodeURIComponent(userSig)}`;
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.fetch = fetch;
  }

  async call(endpoint, body) {
    const random = (Math.random() * 0xffffffff) >>> 0;
    const url = `${this.baseUrl}/${endpoint}${this.prefix}&random=${random}&contenttype=json`;
    const init = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    let text;
    if (this.timeoutMs > 0) {
      // The timeout covers the body too, as the SDK's does.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      init.signal = controller.signal;
      try {
        const res = await this.fetch(url, init);
        if (res.status !== 200) throw new Error(`${endpoint}: HTTP ${res.status}`);
        text = await res.text();
      } finally {
        clearTimeout(timer);
      }
    } else {
      const res = await this.fetch(url, init);
      if (res.status !== 200) throw new Error(`${endpoint}: HTTP ${res.status}`);
      text = await res.text();
    }
    const json = JSON.parse(text);
    if (json.ActionStatus !== "OK" || json.ErrorCode !== 0) {
      throw Object.assign(new Error(json.ErrorInfo), { code: json.ErrorCode });
    }
    return json;
  }

  async getContactGroup({ fromAccount, startIndex = 0 }) {
    const j = await this.call("v4/recentcontact/get_contact_group", { From_Account: fromAccount, StartIndex: startIndex });
    const page = {
      items: (j.ContactItem ?? []).map((it) => {
        const out = {
          conversation: conversationOf(it),
          standardMark: it.StandardMark ?? "",
          marks: decodeStandardMark(it.StandardMark ?? ""),
        };
        if (it.CustomMark) out.customMark = it.CustomMark;
        out.groupIds = it.ContactGroupId ?? [];
        if (it.Timestamp !== undefined) out.timestamp = it.Timestamp;
        return out;
      }),
      groups: (j.GroupItem ?? []).map((g) => ({ name: g.GroupName, id: g.GroupId })),
      complete: j.CompleteFlag === 1,
    };
    if (j.NextStartIndex !== undefined) page.nextStartIndex = j.NextStartIndex;
    return page;
  }

  async getList({ fromAccount, cursor = {} }) {
    const j = await this.call("v4/recentcontact/get_list", {
      From_Account: fromAccount,
      TimeStamp: cursor.timeStamp ?? 0,
      StartIndex: cursor.startIndex ?? 0,
      TopTimeStamp: cursor.topTimeStamp ?? 0,
      TopStartIndex: cursor.topStartIndex ?? 0,
      AssistFlags: 63,
    });
    return {
      items: (j.SessionItem ?? []).map((it) => {
        const out = { conversation: conversationOf(it), msgTime: it.MsgTime, pinned: it.TopFlag === 1 };
        // The SDK's Conversation always has `marks` (no marks = all false).
        if (it.StandardMark !== undefined) out.standardMark = it.StandardMark;
        out.marks = decodeStandardMark(it.StandardMark ?? "");
        if (it.CustomMark) out.customMark = it.CustomMark;
        out.groupIds = it.ContactGroupId ?? [];
        return out;
      }),
      complete: j.CompleteFlag === 1,
      nextCursor: {
        timeStamp: j.TimeStamp,
        startIndex: j.StartIndex,
        topTimeStamp: j.TopTimeStamp,
        topStartIndex: j.TopStartIndex,
      },
    };
  }
}

function conversationOf(it) {
  return it.Type === 1
    ? { type: "c2c", userId: it.To_Account }
    : { type: "group", groupId: it.ToGroupId ?? it.ToGroupid ?? it.GroupId };
}
