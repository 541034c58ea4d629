/**
 * Redis with a local fallback: while Redis answers, every operation goes there; when an operation fails
 * or times out, or a ping finds it away, the store switches to local memory (limits then hold per
 * replica), says so once, and switches back when a ping answers. Redis is pinged at start and every
 * `probeIntervalMs`, one ping at a time, so an outage and the return are seen with no traffic too.
 * No operation throws or hangs because of Redis.
 */
import type { RemoteStateStore } from "./redis-store.ts";
import type { Clock, StateStore, StoreStatus } from "./state-store.ts";

/** A change between serving from Redis and serving locally, for one log line and the metrics. */
export interface DegradationEvent {
  readonly status: StoreStatus;
}

export interface DegradingStoreOptions {
  readonly remote: RemoteStateStore;
  readonly local: StateStore;
  readonly now: Clock;
  /** Longest a remote operation may take before the local store answers instead (default 1000 ms). */
  readonly timeoutMs?: number;
  /** How often Redis is pinged, while serving and while degraded (default 1000 ms). */
  readonly probeIntervalMs?: number;
  /** Called once when serving moves to local memory and once when it moves back. */
  readonly onChange?: (event: DegradationEvent) => void;
}

/** The wrapped store, plus its status for `/readyz`'s body and metrics. */
export interface DegradingStore extends StateStore {
  status(): StoreStatus;
}

type Operation = Exclude<keyof StateStore, "kind" | "close">;
type Replayed = "recordUsage" | "releaseSlot" | "settleWindow";
const REPLAYED: ReadonlySet<Operation> = new Set<Replayed>(["recordUsage", "releaseSlot", "settleWindow"]);

function invoke(store: StateStore, name: Operation, args: unknown[]): Promise<unknown> {
  return (store[name] as (...a: unknown[]) => Promise<unknown>)(...args);
}

/** Wraps `remote` so that it degrades to `local` instead of failing. */
export function createDegradingStore(options: DegradingStoreOptions): DegradingStore {
  const { remote, local, now, timeoutMs = 1_000, probeIntervalMs = 1_000 } = options;
  let degradedSince: number | null = null;
  let reason: string | null = null;
  let probing = false;
  let closed = false;
  // Changes Redis must still hear of when it is back: usage (so totals and budgets add up), and
  // releases and settlements of what was taken in Redis before it went away (so no slot stays held).
  const pending: Array<{ name: Replayed; args: unknown[] }> = [];

  const status = (): StoreStatus => ({
    kind: "redis",
    serving: degradedSince === null ? "redis" : "memory",
    degraded: degradedSince !== null,
    degradedSince,
    reason,
  });

  const degrade = (error: unknown) => {
    // A ping cut short by close() is no outage.
    if (degradedSince !== null || closed) return;
    degradedSince = now();
    reason = describe(error);
    options.onChange?.({ status: status() });
  };

  /** One ping (never two at once): a failure while serving degrades; an answer while degraded recovers. */
  const check = async () => {
    if (probing || closed) return;
    probing = true;
    await (degradedSince === null ? bounded(remote.ping(), timeoutMs).catch(degrade) : recover()).finally(() => (probing = false));
  };

  const recover = async () => {
    try {
      await bounded(remote.ping(), timeoutMs);
      while (pending.length > 0) {
        const { name, args } = pending[0]!;
        await bounded(invoke(remote, name, args), timeoutMs);
        pending.shift();
      }
      degradedSince = null;
      reason = null;
      options.onChange?.({ status: status() });
    } catch {
      // Still away; the next ping tries again. Changes not yet replayed stay pending.
    }
  };

  const timer = setInterval(() => void check(), probeIntervalMs);
  (timer as { unref?: () => void }).unref?.();
  void check();

  const call = <K extends Operation>(name: K) =>
    (async (...args: unknown[]) => {
      if (degradedSince === null) {
        try {
          const answer = await bounded(invoke(remote, name, args), timeoutMs);
          // What was taken locally during an outage is given back locally too.
          if (name === "releaseSlot" || name === "settleWindow") await invoke(local, name, args);
          return answer;
        } catch (error) {
          degrade(error);
        }
      }
      if (REPLAYED.has(name)) pending.push({ name: name as Replayed, args });
      return invoke(local, name, args);
    }) as StateStore[K];

  return {
    kind: "redis",
    status,
    hitWindow: call("hitWindow"),
    settleWindow: call("settleWindow"),
    acquireSlot: call("acquireSlot"),
    renewSlot: call("renewSlot"),
    releaseSlot: call("releaseSlot"),
    recordUsage: call("recordUsage"),
    readMonthTokens: call("readMonthTokens"),
    readUsage: call("readUsage"),
    setCooldown: call("setCooldown"),
    readCooldowns: call("readCooldowns"),
    recordBreakerFailure: call("recordBreakerFailure"),
    recordBreakerSuccess: call("recordBreakerSuccess"),
    tryBreakerProbe: call("tryBreakerProbe"),
    readBreakers: call("readBreakers"),
    async close() {
      closed = true;
      clearInterval(timer);
      await Promise.allSettled([remote.close(), local.close()]);
    },
  };
}

/** Rejects when `promise` has not settled within `ms`: the wrapper's own guard besides the client's timeout. */
function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The error's message only: ioredis messages name host and port, never the password. */
function describe(error: unknown): string {
  return `Redis unavailable (${error instanceof Error ? error.message : String(error)})`;
}
