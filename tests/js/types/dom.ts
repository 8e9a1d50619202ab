// DOM-only uses: a fetch written against the DOM's own types fits the `fetch` option.
import { TimClient } from "tim-contacts";

export function domUses(): void {
  const logged = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    console.log(String(input), init?.method);
    return fetch(input, init);
  };
  new TimClient({ sdkAppId: 1, identifier: "admin", userSig: () => "s", fetch: logged });
  new TimClient({ sdkAppId: 1, identifier: "admin", userSig: () => "s", fetch: async () => new Response("{}") });
}

// Under Bundler resolution a default import is the module namespace (not wasm-bindgen's init).
import init from "tim-contacts";
export function notInit(): void {
  // @ts-expect-error not callable: the package has no init function to call
  void init({ module_or_path: "x.wasm" });
}
