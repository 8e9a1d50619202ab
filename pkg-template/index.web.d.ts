// Types of the browser/Deno entry: the generated API.
export * from "./tim_contacts.js";
