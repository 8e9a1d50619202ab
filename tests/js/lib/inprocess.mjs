// The in-process emulator for the shared suite (TIM_EMULATOR=inprocess for run-node.mjs and
// run-deno.mjs, ?emulator=inprocess for browser.html): the npm package tim-emulator
// (emulator/pkg/, ./scripts/build-emulator) with the demo seed, in this runtime, no process and
// no port. The suite's clients and its control calls use the global fetch, so requests to the
// emulator's URL are routed to `emu.fetch` (as a TimClient given `fetch: emu.fetch` would call
// it); every other URL (the refused ports some tests use) goes to the runtime's own fetch.
export const IN_PROCESS = "inprocess";

/** `seedText`: the demo seed's JSON. Resolves to { url, emu, stop() }. */
export async function startInProcessEmulator(seedText) {
  const { createEmulator } = await import("../../../emulator/pkg/index.js");
  const emu = createEmulator({ seed: seedText });
  const origin = new URL(emu.url).origin;
  const real = globalThis.fetch;
  const hrefOf = (input) => (typeof input === "string" ? input : input instanceof URL ? input.href : input?.url);
  globalThis.fetch = function fetch(input, init) {
    let target;
    try {
      target = new URL(hrefOf(input)).origin;
    } catch {
      target = undefined;
    }
    return target === origin ? emu.fetch(input, init) : real.call(globalThis, input, init);
  };
  return {
    url: emu.url,
    emu,
    stop() {
      globalThis.fetch = real;
      emu.close();
    },
  };
}

/** The seed file, relative to the repository root. */
export const SEED_PATH = "emulator/pkg/seeds/demo.json";
