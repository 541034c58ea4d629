/**
 * Graceful stop on SIGTERM/SIGINT: stop taking connections, answer requests on open connections with 503
 * and `Connection: close`, let those in progress finish for the grace period, then end the open streams
 * (the shutdown signal) and exit 0. A second SIGINT exits at once.
 */
import type { Logger } from "./log.ts";
import { runtime } from "./runtime.ts";
import type { HaigptServer } from "./server.ts";

/** How long ended streams get to write their last event before the process exits. */
const FINAL_EVENT_MS = 2_000;

function timeout(ms: number): Promise<"timeout"> {
  return new Promise((resolve) => setTimeout(() => resolve("timeout"), ms));
}

/** Drains `server`: resolves once nothing is in flight, or the grace period and the streams' last events are over. */
export async function drainServer(server: HaigptServer, graceMs: number, log: Logger): Promise<void> {
  server.startDraining();
  // Not awaited: the runtime resolves it only when every connection has closed.
  void server.drain().catch(() => {});
  const outcome = await Promise.race([server.observer.whenIdle().then(() => "idle" as const), timeout(graceMs)]);
  if (outcome === "timeout") {
    log.warn("shutdown grace period over: ending the requests still in progress", { graceMs, inFlight: server.observer.inFlight() });
    server.endStreams();
    await Promise.race([server.observer.whenIdle(), timeout(FINAL_EVENT_MS)]);
  }
  // Deno's shutdown waits for connections still open; the process exits after this either way.
  await Promise.race([server.stop(), timeout(FINAL_EVENT_MS)]);
}

/**
 * Installs the handlers. While stopping, a second SIGINT (Ctrl-C again) exits at once; a second SIGTERM
 * does not: a process manager that signals the whole group or cgroup (systemd's default) reaches the
 * serving process both directly and through the relaunching parent (connection-limit.ts), and that
 * must not cut the streams the grace period is for.
 */
export function stopGracefullyOnSignals(server: HaigptServer, graceMs: number, log: Logger): void {
  let stopping = false;
  const stop = (signal: "SIGTERM" | "SIGINT") => {
    if (stopping) {
      if (signal === "SIGINT") return runtime.exit(1);
      log.info("already stopping: a repeated SIGTERM changes nothing", { signal });
      return;
    }
    stopping = true;
    log.info("stopping: no new requests, waiting for those in progress", { signal, graceMs, inFlight: server.observer.inFlight() });
    drainServer(server, graceMs, log).finally(async () => {
      log.info("stopped");
      await log.flush();
      runtime.exit(0);
    });
  };
  runtime.onSignal("SIGTERM", () => stop("SIGTERM"));
  runtime.onSignal("SIGINT", () => stop("SIGINT"));
}
