/**
 * haigpt's own count of upstream connections, kept at the runtime's limit (which haigpt sets, see
 * connection-limit.ts), so that a request beyond it waits here — where the wait is not counted as
 * Azure's time — instead of inside fetch, where it would be. A slot is given back when its attempt's
 * abort signal fires: every attempt is aborted once it is done with (answer read, stream relayed,
 * client gone, timeout), so no slot outlives its connection.
 */

export interface ConnectionSlots {
  /**
   * Resolves once a slot is free and taken; the slot is given back when `held` aborts. Rejects with
   * `cancel`'s reason if that aborts first (the client left while waiting).
   */
  take(held: AbortSignal, cancel: AbortSignal): Promise<void>;
  /** Slots in use now. */
  readonly inUse: number;
}

/** Slots for at most `limit` connections at once, handed out in arrival order. */
export function createConnectionSlots(limit: number): ConnectionSlots {
  let inUse = 0;
  const waiting = new Set<() => void>();
  const occupy = (held: AbortSignal) => {
    inUse++;
    const giveBack = () => {
      inUse--;
      const next = waiting.values().next();
      if (!next.done) {
        waiting.delete(next.value);
        next.value();
      }
    };
    if (held.aborted) giveBack();
    else held.addEventListener("abort", giveBack, { once: true });
  };
  return {
    take(held, cancel) {
      if (cancel.aborted) return Promise.reject(cancel.reason);
      if (inUse < limit && waiting.size === 0) {
        occupy(held);
        return Promise.resolve();
      }
      return new Promise((resolve, reject) => {
        const wake = () => {
          cancel.removeEventListener("abort", onCancel);
          occupy(held);
          resolve();
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
