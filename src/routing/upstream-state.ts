/**
 * The shared health state of one upstream — its 429 cooldown and its circuit — as plain JSON that a
 * state store (memory, SQLite, Redis) can hold, plus the usability check routing runs over it.
 */
import { breakerAllows, CLOSED, type BreakerSettings, type BreakerState } from "./circuit-breaker.ts";
import { isCoolingDown } from "./cooldown.ts";

/** Health of one upstream shared by every request (and, through a store, every replica). */
export interface UpstreamState {
  /** Epoch ms until which the upstream rests after a 429; 0 when it is not cooling down. */
  readonly coolingUntil: number;
  readonly breaker: BreakerState;
}

/** Upstream name → state; an upstream missing from it is healthy. */
export type UpstreamStates = Readonly<Record<string, UpstreamState>>;

export const HEALTHY: UpstreamState = Object.freeze({ coolingUntil: 0, breaker: CLOSED });

/** The state of `name`, healthy when none is recorded. */
export function stateOf(states: UpstreamStates, name: string): UpstreamState {
  return states[name] ?? HEALTHY;
}

/** Why an upstream cannot take a request now, and when it can (epoch ms; null while a probe is out). */
export type Unusable =
  | { readonly reason: "cooling_down"; readonly until: number }
  | { readonly reason: "circuit_open"; readonly until: number }
  | { readonly reason: "probe_in_flight"; readonly until: null };

/** Null when the upstream may take a request at `now`; else why not. */
export function whyUnusable(state: UpstreamState, now: number, breaker: BreakerSettings): Unusable | null {
  if (isCoolingDown(state.coolingUntil, now)) return { reason: "cooling_down", until: state.coolingUntil };
  if (breakerAllows(state.breaker, now, breaker)) return null;
  if (state.breaker.phase === "open") return { reason: "circuit_open", until: state.breaker.until };
  return { reason: "probe_in_flight", until: null };
}
