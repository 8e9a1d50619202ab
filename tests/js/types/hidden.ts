// The package exports its API and nothing of wasm-bindgen's glue: the entries run the init
// themselves (`init` / `initSync`), and `start` is the panic-hook installer they run too.
import * as pkg from "tim-contacts";
// @ts-expect-error the type of the init's result is not exported either
import type { InitOutput } from "tim-contacts";
// @ts-expect-error nor the init's input types
import type { InitInput, SyncInitInput } from "tim-contacts";

export function hidden(): unknown[] {
  return [
    // @ts-expect-error no default export (wasm-bindgen's `init`)
    pkg.default,
    // @ts-expect-error no initSync
    pkg.initSync,
    // @ts-expect-error no start
    pkg.start,
  ];
}
export type Unused = [InitOutput, InitInput, SyncInitInput];
