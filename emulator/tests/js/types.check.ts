// The package's declarations (emulator/npm/index.d.ts, server.d.ts) against a use of every entry
// point, under strict settings (scripts/ci/emulator-npm runs tsc --noEmit on this file).
import { createEmulator, virtualClock, wallClock, generateSeed, generateSeedText, EmulatorError, IN_PROCESS_URL } from "../../pkg/index.js";
import type { Emulator, EmulatorOptions, RuntimeConfig } from "../../pkg/index.js";
import { startServer } from "../../pkg/server.js";

const clock = virtualClock(0);
const options: EmulatorOptions = { seed: generateSeed({ demo: true, seed: 7n }), clock, faults: { script: ["drop"] }, log: (line: string) => void line };
const emu: Emulator = createEmulator(options);
const answer: Promise<Response> = emu.fetch(`${emu.url}/__control/state`, { method: "GET" });
const now: number = clock.advance(5) + clock.set(10) + wallClock().now();
const text: string = emu.mintUserSig({ identifier: "x", expire: 60 }) + emu.userSig("y") + generateSeedText({ users: 1 });
const config: RuntimeConfig = emu.config({ rateLimit: 3, faults: { rate: 0.1, kinds: ["http502"] } });
const counts: Record<string, number> = emu.requests();
const url: string = IN_PROCESS_URL;
const err: Error = new EmulatorError("x");
void startServer({ port: 0, seed: { users: {} } }).then((s) => s.close());
void [answer, now, text, config, counts, url, err];
// @ts-expect-error an unknown option is a type error too
createEmulator({ rateLimt: 1 });
