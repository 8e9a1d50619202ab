// Node (NodeNext resolution knows the package is ESM): a default import is an error, as it is
// at runtime. (Bundler resolution allows a synthetic default, typed as the module namespace,
// so `init()` is an error there instead: see dom.ts.)
// @ts-expect-error the package has no default export
import init from "tim-contacts";

export const unused = init;
