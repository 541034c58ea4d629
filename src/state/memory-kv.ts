/** The in-memory key-value backend: a Map whose entries lapse at their expiry; one process, one event loop. */
import type { KvBackend } from "./kv-state-store.ts";

interface Slot {
  value: unknown;
  expiresAt: number | null;
}

/** A Map-backed KvBackend; updates are synchronous, so each is atomic within the process. */
export function createMemoryKv(): KvBackend {
  const map = new Map<string, Slot>();
  const live = (key: string, now: number): Slot | undefined => {
    const slot = map.get(key);
    if (slot && slot.expiresAt !== null && slot.expiresAt <= now) {
      map.delete(key);
      return undefined;
    }
    return slot;
  };
  let updates = 0;
  const sweep = (now: number) => {
    for (const key of map.keys()) live(key, now);
  };
  return {
    update(key, now, change) {
      // Keys nobody reads again (a user who stopped) would stay forever; sweep them now and then.
      if (++updates % SWEEP_EVERY === 0) sweep(now);
      // No copy: the transitions build new values and the result replaces the old one at once.
      const { value, expiresAt, result } = change(live(key, now)?.value);
      if (value === undefined) map.delete(key);
      else map.set(key, { value, expiresAt });
      return result;
    },
    get: (key, now) => structuredClone(live(key, now)?.value),
    list(prefix, now) {
      const out: Array<[string, unknown]> = [];
      for (const key of map.keys()) {
        if (!key.startsWith(prefix)) continue;
        const slot = live(key, now);
        if (slot) out.push([key, structuredClone(slot.value)]);
      }
      return out;
    },
    close: () => map.clear(),
  };
}

const SWEEP_EVERY = 1_000;
