/**
 * The state transitions of the local stores (memory, SQLite) as pure functions over plain data; the
 * Redis store does the same steps in Lua (redis-scripts.ts), and the contract suite holds both to them.
 */
import type { BreakerFailureOptions, BreakerState, UsageRecord, UsageTotals, WindowEntry, WindowRequest, WindowResult } from "./state-store.ts";

/** A window's entries, oldest first. */
export type WindowEntries = readonly WindowEntry[];

/** Entries still inside the window at `now` (an entry counts while `at > now - windowMs`). */
export function liveEntries(entries: WindowEntries, windowMs: number, now: number): WindowEntry[] {
  return entries.filter((entry) => entry.at > now - windowMs);
}

/** The sliding-window step: drop what has left, then admit `cost` if it fits. */
export function hitWindow(
  stored: WindowEntries,
  request: WindowRequest,
  now: number,
): { entries: WindowEntry[]; result: WindowResult } {
  const { limit, windowMs } = request;
  const cost = wholeUnits(request.cost);
  const entries = liveEntries(stored, windowMs, now);
  const usedBefore = entries.reduce((sum, entry) => sum + entry.cost, 0);
  const allowed = usedBefore + cost <= limit;
  let entry: WindowEntry | null = null;
  if (allowed && cost > 0) {
    entry = { id: request.id, at: now, cost };
    entries.push(entry);
  }
  const used = allowed ? usedBefore + cost : usedBefore;
  const last = entries.at(-1);
  const resetMs = last ? last.at + windowMs - now : 0;
  let retryAfterMs: number | null = allowed ? 0 : null;
  if (!allowed && cost <= limit) {
    // The oldest entries leave first: wait until enough of them have gone for `cost` to fit.
    let freed = 0;
    for (const old of entries) {
      freed += old.cost;
      if (usedBefore - freed + cost <= limit) {
        retryAfterMs = old.at + windowMs - now;
        break;
      }
    }
  }
  return {
    entries,
    result: { allowed, limit, used, remaining: Math.max(0, limit - used), resetMs, retryAfterMs, entry },
  };
}

/** Replaces the cost of `entry` if it is still stored; an entry settled to 0 is removed. */
export function settleWindow(stored: WindowEntries, entry: WindowEntry, actualCost: number): WindowEntry[] {
  const out: WindowEntry[] = [];
  for (const old of stored) {
    if (old.id !== entry.id) out.push(old);
    else if (wholeUnits(actualCost) > 0) out.push({ ...old, cost: wholeUnits(actualCost) });
  }
  return out;
}

/** Window units are whole and never negative: a fraction counts as a whole unit. */
export function wholeUnits(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.ceil(value)) : 0;
}

/** Leases: lease id → expiry (epoch ms). */
export type Leases = Readonly<Record<string, number>>;

/** Drops lapsed leases and takes one if fewer than `limit` remain. */
export function acquireSlot(
  stored: Leases,
  request: { limit: number; leaseId: string; ttlMs: number },
  now: number,
): { leases: Record<string, number>; acquired: boolean } {
  const leases = liveLeases(stored, now);
  const acquired = request.leaseId in leases || Object.keys(leases).length < request.limit;
  if (acquired) leases[request.leaseId] = now + request.ttlMs;
  return { leases, acquired };
}

export function liveLeases(stored: Leases, now: number): Record<string, number> {
  return Object.fromEntries(Object.entries(stored).filter(([, expires]) => expires > now));
}

/** A failure: count it; open at the threshold, or again at once when the circuit was half-open or open. */
export function breakerFailure(state: BreakerState, options: BreakerFailureOptions, now: number): BreakerState {
  const consecutiveFailures = state.consecutiveFailures + 1;
  const opens = consecutiveFailures >= options.threshold || state.openUntil !== null;
  return {
    consecutiveFailures,
    openUntil: opens ? now + options.openMs : null,
    probeUntil: null,
  };
}

/** Claims the half-open probe when the circuit's open time is over and no live probe holds it. */
export function breakerProbe(state: BreakerState, leaseMs: number, now: number): BreakerState | null {
  if (state.openUntil === null || state.openUntil > now) return null;
  if (state.probeUntil !== null && state.probeUntil > now) return null;
  return { ...state, probeUntil: now + leaseMs };
}

/** How long breaker state is kept after its last change: long enough to outlive any open period. */
export function breakerTtlMs(state: BreakerState, now: number): number {
  return Math.max(state.openUntil ?? now, state.probeUntil ?? now) - now + BREAKER_IDLE_TTL_MS;
}

/** A closed circuit's failure count is forgotten after an hour without news. */
export const BREAKER_IDLE_TTL_MS = 3_600_000;

/** Totals of one user and model after one more usage record. */
export function addUsage(totals: UsageTotals | undefined, record: UsageRecord): UsageTotals {
  return {
    requests: (totals?.requests ?? 0) + record.requests,
    prompt_tokens: (totals?.prompt_tokens ?? 0) + record.promptTokens,
    completion_tokens: (totals?.completion_tokens ?? 0) + record.completionTokens,
    total_tokens: (totals?.total_tokens ?? 0) + record.totalTokens,
  };
}
