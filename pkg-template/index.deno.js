// Deno entry: Deno is a server runtime, so it gets the full build that Node loads
// (tim_contacts_node_bg.wasm, opt-level 3, with genUserSig / verifyUserSig), fetched and
// instantiated next to this file (top-level await). Browsers and bundlers get index.web.js,
// the size build, which leaves SecretKey minting out (issue 20).
import init from "./tim_contacts_node.js";

await init({ module_or_path: new URL("./tim_contacts_node_bg.wasm", import.meta.url) });

// The API by name, as in index.web.js and index.node.js (scripts/build compares the lists).
export {
  ContactGroupItemList,
  ContactGroupItemPages,
  FriendList,
  FriendPages,
  ConversationList,
  ConversationPages,
  RateLimiter,
  TimClient,
  decodeStandardMark,
  decodeStandardMarks,
  decodeUserSig,
  encodeStandardMark,
  encodeStandardMarks,
  genUserSig,
  isTimError,
  planSnapshot,
  validateSnapshot,
  verifyUserSig,
} from "./tim_contacts_node.js";
