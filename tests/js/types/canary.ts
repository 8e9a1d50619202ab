// A deliberate type error: scripts/ci/typecheck requires each checker to FAIL on this file
// (with this error), so a setup that checks nothing cannot pass unnoticed.
import type { TimEndpoint } from "tim-contacts";

export const wrong: TimEndpoint = "v4/not/a/command";
