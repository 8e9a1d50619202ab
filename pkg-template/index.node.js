// Node entry: read the .wasm next to this file and instantiate it synchronously,
// so `import { TimClient } from "tim-contacts"` is ready with no await.
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { initSync } from "./tim_contacts.js";

// Node 18 has no global `crypto`; the client draws each request's `random` from it.
if (typeof globalThis.crypto === "undefined") {
  Object.defineProperty(globalThis, "crypto", { value: webcrypto, configurable: true, writable: true });
}

const bytes = readFileSync(new URL("./tim_contacts_bg.wasm", import.meta.url));
initSync({ module: new WebAssembly.Module(bytes) });

export * from "./tim_contacts.js";
