/**
 * Graceful stop on SIGTERM/SIGINT: answer every new request with 503 and `Connection: close` (/readyz
 * 503, /healthz 200), let those in progress finish for the grace period, then end the open streams
 * (the shutdown signal), stop listening once their last events are written, and exit 0. A second
 * SIGINT exits at once.
 */
import type { Logger } from "./log.ts";
import { runtime } from "./runtime.ts";
import type { HaigptServer } from "./server.ts";

/** How long ended streams get to write their last events to the client before the process exits. */
const FINAL_EVENT_MS = 2_000;

function timeout(ms: number): Promise<"timeout"> {
  return new Promise((resolve) => setTimeout(() => resolve("timeout"), ms));
}

/**
 * Drains `server`. The listener stays open while requests are in flight, so a request on an open
 * keep-alive connection (or a new one) gets the 503 `server_shutting_down` with `Connection: close`
 * and /readyz says 503, instead of a connection closed without a word. Once nothing is in flight, or
 * the grace period is over and the open streams were ended (their error event and [DONE]), the
 * listener stops gracefully — the runtime waits until those last bytes are written — and only then,
 * or after FINAL_EVENT_MS, are the connections left closed.
 */
export async function drainServer(server: HaigptServer, graceMs: number, log: Logger): Promise<void> {
  server.startDraining();
  const outcome = await Promise.race([server.observer.whenIdle().then(() => "idle" as const), timeout(graceMs)]);
  if (outcome === "timeout") {
    log.warn("shutdown grace period over: ending the requests still in progress", { graceMs, inFlight: server.observer.inFlight() });
    server.endStreams();
    await Promise.race([server.observer.whenIdle(), timeout(FINAL_EVENT_MS)]);
  }
  // Resolves when every answer has been written out and the connections are closed.
  await Promise.race([server.drain().catch(() => {}), timeout(FINAL_EVENT_MS)]);
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
