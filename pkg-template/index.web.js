// Browser, Deno and bundler entry: fetch and instantiate the .wasm next to this
// file (top-level await), then re-export the API.
import init from "./tim_contacts.js";

await init({ module_or_path: new URL("./tim_contacts_bg.wasm", import.meta.url) });

export * from "./tim_contacts.js";
