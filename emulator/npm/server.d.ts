import type { EmulatorOptions } from "./index.js";
import type { Server } from "node:http";

export { EmulatorError } from "./index.js";

/** startServer's options: the in-process ones (without a custom clock's virtual time for the log) plus the host's. */
export interface ServerOptions extends EmulatorOptions {
  host?: string;
  /** 0 = a free port; default 8080. */
  port?: number;
  requestTimeoutMs?: number;
  idleTimeoutMs?: number;
  maxConnections?: number;
}

/** A running server. */
export interface RunningServer {
  /** http://host:port */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** The emulator behind node:http. */
export declare function startServer(options?: ServerOptions): Promise<RunningServer>;
