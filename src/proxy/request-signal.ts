/**
 * One abort wiring per request: the client leaving or the server's shutdown, with the signal's reason
 * saying which ("client_gone" or "shutdown"). The shutdown signal lives as long as the server, so the
 * wiring must be undone when the request is over, or every request would leave a listener on it.
 */

export interface RequestSignal {
  readonly signal: AbortSignal;
  /** Detaches from the client's and the server's signals (idempotent); call it once the request is over. */
  readonly release: () => void;
  /**
   * Calls `onAbort` once when the signal aborts, until the returned function is called. One request runs
   * one upstream attempt at a time, so the linked signal keeps one such watcher instead of a listener
   * added and removed per attempt.
   */
  readonly watch: (onAbort: () => void) => () => void;
}

const nothing = () => {};

/** A watcher through the signal's own listeners (a signal not linked here). */
function listenTo(signal: AbortSignal): RequestSignal["watch"] {
  return (onAbort) => {
    signal.addEventListener("abort", onAbort, { once: true });
    return () => signal.removeEventListener("abort", onAbort);
  };
}

/**
 * The requests waiting on a shutdown signal: one listener on the signal for all of them, each request
 * joining and leaving a Set (~0.04 µs) instead of adding and removing a listener of its own (~0.3 µs,
 * a native call each way). Kept per signal in a WeakMap, so it goes with the signal (one per server).
 */
const shutdownWaiters = new WeakMap<AbortSignal, Set<() => void>>();

function waitersOf(shutdown: AbortSignal): Set<() => void> {
  let waiters = shutdownWaiters.get(shutdown);
  if (!waiters) {
    const all = new Set<() => void>();
    shutdown.addEventListener("abort", () => {
      for (const onShutdown of [...all]) onShutdown();
    }, { once: true });
    shutdownWaiters.set(shutdown, (waiters = all));
  }
  return waiters;
}

/** Links the client's signal and the server's shutdown signal into one. */
export function linkRequestSignal(client: AbortSignal, shutdown: AbortSignal | undefined): RequestSignal {
  if (!shutdown) return { signal: client, release: nothing, watch: listenTo(client) };
  const controller = new AbortController();
  if (client.aborted) controller.abort("client_gone");
  else if (shutdown.aborted) controller.abort("shutdown");
  if (controller.signal.aborted) return { signal: controller.signal, release: nothing, watch: () => nothing };
  let watcher: (() => void) | null = null;
  const abort = (reason: "client_gone" | "shutdown") => {
    release();
    controller.abort(reason);
    const current = watcher;
    watcher = null;
    current?.();
  };
  const onClient = () => abort("client_gone");
  const onShutdown = () => abort("shutdown");
  const waiters = waitersOf(shutdown);
  const release = () => {
    client.removeEventListener("abort", onClient);
    waiters.delete(onShutdown);
  };
  client.addEventListener("abort", onClient, { once: true });
  waiters.add(onShutdown);
  const watch = (onAbort: () => void) => {
    watcher = onAbort;
    return () => {
      if (watcher === onAbort) watcher = null;
    };
  };
  return { signal: controller.signal, release, watch };
}
