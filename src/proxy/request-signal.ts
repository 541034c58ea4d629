/**
 * One abort wiring per request: the client leaving or the server's shutdown, with the signal's reason
 * saying which ("client_gone" or "shutdown"). The shutdown signal lives as long as the server, so the
 * wiring must be undone when the request is over, or every request would leave a listener on it.
 */

export interface RequestSignal {
  readonly signal: AbortSignal;
  /** Detaches from the client's and the server's signals (idempotent); call it once the request is over. */
  readonly release: () => void;
}

const nothing = () => {};

/** Links the client's signal and the server's shutdown signal into one. */
export function linkRequestSignal(client: AbortSignal, shutdown: AbortSignal | undefined): RequestSignal {
  if (!shutdown) return { signal: client, release: nothing };
  const controller = new AbortController();
  if (client.aborted) controller.abort("client_gone");
  else if (shutdown.aborted) controller.abort("shutdown");
  if (controller.signal.aborted) return { signal: controller.signal, release: nothing };
  const onClient = () => {
    release();
    controller.abort("client_gone");
  };
  const onShutdown = () => {
    release();
    controller.abort("shutdown");
  };
  const release = () => {
    client.removeEventListener("abort", onClient);
    shutdown.removeEventListener("abort", onShutdown);
  };
  client.addEventListener("abort", onClient, { once: true });
  shutdown.addEventListener("abort", onShutdown, { once: true });
  return { signal: controller.signal, release };
}
