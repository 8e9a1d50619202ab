// Node entry: read the .wasm next to this file and instantiate it synchronously,
// so `import { TimClient } from "tim-contacts"` is ready with no await. Node
// gets the speed build of the same code (opt-level 3; browsers, Deno and
// bundlers get the size build through index.web.js): on a server the bytes
// matter little and the CPU per call more (bench/README.md).
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { initSync } from "./tim_contacts_node.js";

// Node 18 has no global `crypto`; the client draws each request's `random` from it.
if (typeof globalThis.crypto === "undefined") {
  Object.defineProperty(globalThis, "crypto", { value: webcrypto, configurable: true, writable: true });
}

const bytes = readFileSync(new URL("./tim_contacts_node_bg.wasm", import.meta.url));
initSync({ module: new WebAssembly.Module(bytes) });

// The API by name, not `export *`: the glue module also exports its init API (`initSync`,
// the default `init`) and `start`, which are not the package's. index.d.ts declares exactly
// these names; scripts/build fails when the two lists (or index.web.js's) differ.
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
