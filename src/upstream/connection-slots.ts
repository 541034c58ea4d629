/**
 * haigpt's own count of upstream connections, kept at the runtime's limit (which haigpt sets, see
 * connection-limit.ts), so that a request beyond it waits here — where the wait is not counted as
 * Azure's time — instead of inside fetch, where it would be. A slot is given back by the release its
 * taker got: every attempt releases once it is done with (answer read, stream relayed, client gone,
 * timeout), so no slot outlives its connection.
 */

export interface ConnectionSlots {
  /**
   * Resolves once a slot is free and taken, with the function that gives it back (idempotent). Rejects
   * with `cancel`'s reason if that aborts first (the client left while waiting).
   */
  take(cancel: AbortSignal): Promise<() => void>;
  /** Slots in use now. */
  readonly inUse: number;
}

/** Slots for at most `limit` connections at once, handed out in arrival order. */
export function createConnectionSlots(limit: number): ConnectionSlots {
  let inUse = 0;
  const waiting = new Set<() => void>();
  const occupy = (): (() => void) => {
    inUse++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      inUse--;
      const next = waiting.values().next();
      if (!next.done) {
        waiting.delete(next.value);
        next.value();
      }
    };
  };
  return {
    take(cancel) {
      if (cancel.aborted) return Promise.reject(cancel.reason);
      if (inUse < limit && waiting.size === 0) return Promise.resolve(occupy());
      return new Promise((resolve, reject) => {
        const wake = () => {
          cancel.removeEventListener("abort", onCancel);
          resolve(occupy());
        };
        const onCancel = () => {
          waiting.delete(wake);
          reject(cancel.reason);
        };
        waiting.add(wake);
        cancel.addEventListener("abort", onCancel, { once: true });
      });
    },
    get inUse() {
      return inUse;
    },
  };
}
