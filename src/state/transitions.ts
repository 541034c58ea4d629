/**
 * The state transitions of the local stores (memory, SQLite) as pure functions over plain data; the
 * Redis store does the same steps in Lua (redis-scripts.ts), and the contract suite holds both to them.
 * The sliding window's step is in window-transitions.ts.
 */
import type { BreakerFailureOptions, BreakerState, UsageRecord, UsageTotals } from "./state-store.ts";

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
