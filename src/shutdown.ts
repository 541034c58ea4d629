/** Graceful stop on SIGTERM/SIGINT: no new requests, those in progress (streams included) may finish. */
import type { Logger } from "./log.ts";
import { runtime, type Listener } from "./runtime.ts";

/** Installs the handlers; a second signal, or the grace period running out, stops at once. */
export function stopGracefullyOnSignals(listener: Listener, graceMs: number, log: Logger): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return runtime.exit(1);
    stopping = true;
    log.info("stopping: no new requests, waiting for those in progress", { signal, graceMs });
    const deadline = setTimeout(() => {
      log.warn("stopped with requests still in progress", { graceMs });
      runtime.exit(0);
    }, graceMs);
    listener.drain().then(() => {
      clearTimeout(deadline);
      log.info("stopped");
      runtime.exit(0);
    });
  };
  runtime.onSignal("SIGTERM", () => stop("SIGTERM"));
  runtime.onSignal("SIGINT", () => stop("SIGINT"));
}
