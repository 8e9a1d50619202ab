// Deno: `deno check` of the API test (scripts/ci/typecheck), with Deno's own libs and fetch,
// resolving "tim-contacts" through node_modules as a Deno project with a package.json does.
export * from "./api.ts";
export * from "./hidden.ts";
import { TimClient } from "tim-contacts";

export function denoUses(): void {
  using client = new TimClient({ sdkAppId: 1, identifier: "admin", userSig: () => "s", fetch: fetch });
  void client.baseUrl;
}
