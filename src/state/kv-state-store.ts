/**
 * A StateStore over a small synchronous key-value backend with expiring entries and atomic
 * read-modify-write (a Map in memory, a table in SQLite); the transitions are the pure ones in transitions.ts
 * and window-transitions.ts.
 */
import { monthOf } from "./calendar-month.ts";
import type { Clock, StateStore, StoreKind, UsageReport, UsageTotals } from "./state-store.ts";
import { kvUpstreamState } from "./kv-upstream-state.ts";
import { createUsageBatch } from "./usage-batch.ts";
import * as step from "./transitions.ts";
import * as windows from "./window-transitions.ts";

/** What one update leaves behind: a new value (undefined deletes), its expiry, and the caller's answer. */
export interface KvChange<R> {
  readonly value: unknown;
  /** Epoch ms after which the value is gone; null keeps it. */
  readonly expiresAt: number | null;
  readonly result: R;
}

/** The backend: each `update` runs its function atomically against the key's live value. */
export interface KvBackend {
  update<R>(key: string, now: number, change: (current: unknown) => KvChange<R>): R;
  get(key: string, now: number): unknown;
  /** The live values of `keys`, in their order (undefined where none): one read instead of one per key where the backend can. */
  getMany?(keys: readonly string[], now: number): unknown[];
  /** Live entries whose key starts with `prefix`. */
  list(prefix: string, now: number): Array<[string, unknown]>;
  /** Runs `run` (its updates) as one atomic write where the backend has transactions (SQLite: one commit). */
  transaction?(run: () => void): void;
  close(): void;
}

/** Builds the store; `kind` says which backend it is for status and logs. */
export function createKvStateStore(kind: StoreKind, kv: KvBackend, now: Clock): StateStore {
  const windowKey = (key: string) => `window:${key}`;
  const slotKey = (key: string) => `slots:${key}`;
  // A window stored before folding existed has no `folded`; its excess entries fold at its next hit.
  const asWindow = (value: unknown): StoredWindow => {
    const stored = (value ?? { windowMs: 0, entries: [] }) as Omit<StoredWindow, "folded"> & Partial<StoredWindow>;
    return stored.folded ? (stored as StoredWindow) : { ...stored, folded: [] };
  };
  const asLeases = (value: unknown) => (value ?? {}) as Record<string, number>;
  const usage = createUsageBatch(kv, now);

  return {
    kind,
    ...kvUpstreamState(kv, now),
    async hitWindow(key, request) {
      const at = now();
      return kv.update(windowKey(key), at, (current) => {
        const { log, result } = windows.hitWindow(asWindow(current), request, at);
        return { value: windowValue(request.windowMs, log), expiresAt: at + result.resetMs, result };
      });
    },
    async settleWindow(key, entry, actualCost) {
      const at = now();
      kv.update(windowKey(key), at, (current) => {
        const stored = asWindow(current);
        const log = windows.settleWindow(stored, entry, actualCost, stored.windowMs, at);
        const value = windowValue(stored.windowMs, log);
        const newest = Math.max(log.entries.at(-1)?.at ?? 0, log.folded.at(-1)?.at ?? 0);
        return { value, expiresAt: value ? newest + stored.windowMs : null, result: undefined };
      });
    },
    async acquireSlot(key, request) {
      const at = now();
      return kv.update(slotKey(key), at, (current) => {
        const { leases, acquired } = step.acquireSlot(asLeases(current), request, at);
        const count = Object.keys(leases).length;
        return leaseChange(leases, { acquired, limit: request.limit, count });
      });
    },
    async renewSlot(key, leaseId, ttlMs) {
      const at = now();
      return kv.update(slotKey(key), at, (current) => {
        const leases = step.liveLeases(asLeases(current), at);
        const live = leaseId in leases;
        if (live) leases[leaseId] = at + ttlMs;
        return leaseChange(leases, live);
      });
    },
    async releaseSlot(key, leaseId) {
      const at = now();
      kv.update(slotKey(key), at, (current) => {
        const leases = step.liveLeases(asLeases(current), at);
        delete leases[leaseId];
        return leaseChange(leases, undefined);
      });
    },
    recordUsage: (record) => usage.record(record),
    async readMonthTokens(userId) {
      usage.flush();
      const at = now();
      return (kv.get(`month:${userId}:${monthOf(at)}`, at) ?? 0) as number;
    },
    async readUsage() {
      usage.flush();
      const report: UsageReport = { users: {} };
      for (const [key, value] of kv.list("usage:", now())) {
        report.users[key.slice("usage:".length)] = value as Record<string, UsageTotals>;
      }
      return report;
    },
    async close() {
      usage.flush();
      kv.close();
    },
  };
}

/** Leases are kept until the last of them lapses; none left deletes the key. */
function leaseChange<R>(leases: Record<string, number>, result: R): KvChange<R> {
  const expiries = Object.values(leases);
  return expiries.length ? { value: leases, expiresAt: Math.max(...expiries), result } : { value: undefined, expiresAt: null, result };
}

/** A window as stored: its length (so a settle knows when entries leave), its folded and exact entries. */
interface StoredWindow extends windows.WindowLog {
  readonly windowMs: number;
}

/** The value to store; undefined deletes an empty window. */
function windowValue(windowMs: number, log: windows.WindowLog): StoredWindow | undefined {
  return log.folded.length || log.entries.length ? { windowMs, folded: log.folded, entries: log.entries } : undefined;
}

