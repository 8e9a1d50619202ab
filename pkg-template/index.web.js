// Browser and bundler entry: fetch and instantiate the .wasm next to this file
// (top-level await), then re-export the API. The size build, without SecretKey
// minting (genUserSig / verifyUserSig throw); Deno gets index.deno.js.
import init from "./tim_contacts.js";

await init({ module_or_path: new URL("./tim_contacts_bg.wasm", import.meta.url) });

// The API by name, not `export *`: the glue module also exports its init API (`initSync`,
// the default `init`) and `start`, which are not the package's. index.d.ts declares exactly
// these names; scripts/build fails when the two lists (or index.node.js's) differ.
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
} from "./tim_contacts.js";
