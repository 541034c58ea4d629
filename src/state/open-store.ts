/**
 * Chooses and opens the state store from the settings: Redis (with the local fallback) when `redisUrl`
 * is set, else the SQLite file under `HAIGPT_DATA_DIR`. Created once per process in server.ts, so the
 * state outlives config reloads.
 */
import { createDegradingStore } from "./degrading-store.ts";
import { createKvStateStore } from "./kv-state-store.ts";
import { createMemoryKv } from "./memory-kv.ts";
import { describeRedisUrl } from "../config/redis-url.ts";
import { openSqliteKv } from "./sqlite-kv.ts";
import type { Clock, StateStore, StoreStatus } from "./state-store.ts";

/** The settings that pick the store (AppConfig's `redisUrl` and `dataDir`). */
export interface StoreSettings {
  readonly redisUrl: string | null;
  readonly dataDir: string;
}

/** What the server needs: the store, its status for `/readyz` and metrics, and a line for start-up. */
export interface OpenedStore {
  readonly store: StateStore;
  status(): StoreStatus;
  /** e.g. `redis redis://127.0.0.1:6379` or `sqlite ./data/haigpt-state.sqlite`; never a password. */
  readonly description: string;
}

export interface OpenStoreDeps {
  readonly now: Clock;
  /** Told once when Redis becomes unreachable and once when it is back. */
  readonly onDegradationChange?: (status: StoreStatus) => void;
}

/** A store in process memory: for tests and as the fallback while Redis is away. */
export function createMemoryStore(now: Clock): StateStore {
  return createKvStateStore("memory", createMemoryKv(), now);
}

/** The SQLite store in `<dataDir>/haigpt-state.sqlite`. */
export async function openSqliteStore(dataDir: string, now: Clock): Promise<StateStore> {
  return createKvStateStore("sqlite", await openSqliteKv(dataDir, now), now);
}

/** Opens the configured store. */
export async function openStateStore(settings: StoreSettings, deps: OpenStoreDeps): Promise<OpenedStore> {
  if (settings.redisUrl) {
    // ioredis is loaded only when Redis is configured (~5 MB of memory otherwise spent for nothing).
    const { createRedisStore } = await import("./redis-store.ts");
    const remote = await createRedisStore({ url: settings.redisUrl, now: deps.now });
    const store = createDegradingStore({
      remote,
      local: createMemoryStore(deps.now),
      now: deps.now,
      onChange: ({ status }) => deps.onDegradationChange?.(status),
    });
    return { store, status: store.status, description: `redis ${describeRedisUrl(settings.redisUrl)}` };
  }
  const store = await openSqliteStore(settings.dataDir, deps.now);
  const status: StoreStatus = { kind: "sqlite", serving: "sqlite", degraded: false, degradedSince: null, reason: null };
  return { store, status: () => status, description: `sqlite ${settings.dataDir}` };
}

/** A store in process memory, opened like the others: for tests and in-process servers (the demo). */
export function openMemoryState(now: Clock): OpenedStore {
  const status: StoreStatus = { kind: "memory", serving: "memory", degraded: false, degradedSince: null, reason: null };
  return { store: createMemoryStore(now), status: () => status, description: "memory (kept in this process only)" };
}
