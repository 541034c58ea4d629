// Serves a simulator on a local port through the same runtime adapter haigpt itself uses (Bun or Deno).

import { runtime, type Listener } from "../runtime.ts";

/** Anything with a Web-standard fetch handler (an AzureSimulator). */
export interface FetchHandler {
  fetch(request: Request): Promise<Response>;
}

/** Where to listen; port 0 picks a free port. */
export interface ServeOptions {
  port?: number;
  hostname?: string;
}

/** Starts listening; the port is bound when this resolves. */
export async function serveSimulator(sim: FetchHandler, options: ServeOptions = {}): Promise<Listener> {
  return runtime.serve((request) => sim.fetch(request), { port: options.port ?? 0, hostname: options.hostname ?? "127.0.0.1" });
}
