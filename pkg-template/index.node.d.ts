// Types of the Node entry: the generated API.
export * from "./tim_contacts.js";
