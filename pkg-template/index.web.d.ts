// Types of the browser entry: the public API (index.d.ts, made by scripts/lib/public-dts.mjs).
export * from "./index.js";
