/**
 * The shared health of one upstream as routing reads it — its 429 cooldown (the store's
 * `readCooldowns`) and its circuit (the store's `readBreakers`) — and the usability check over it.
 */
import { breakerPhase, CLOSED_BREAKER, type BreakerState } from "../state/breaker-state.ts";
import { isCoolingDown } from "./cooldown.ts";

/** Health of one upstream shared by every request (and, through a store, every replica). */
export interface UpstreamState {
  /** Epoch ms until which the upstream rests after a 429; 0 when it is not cooling down. */
  readonly coolingUntil: number;
  readonly breaker: BreakerState;
}

/** Upstream name → state; an upstream missing from it is healthy. */
export type UpstreamStates = Readonly<Record<string, UpstreamState>>;

export const HEALTHY: UpstreamState = Object.freeze({ coolingUntil: 0, breaker: CLOSED_BREAKER });

/** The state of `name`, healthy when none is recorded. */
export function stateOf(states: UpstreamStates, name: string): UpstreamState {
  return states[name] ?? HEALTHY;
}

/** The states of `names` from the store's two reads. */
export function joinStates(
  names: readonly string[],
  cooldowns: Readonly<Record<string, number>>,
  breakers: Readonly<Record<string, BreakerState>>,
): UpstreamStates {
  const states: Record<string, UpstreamState> = {};
  for (const name of names) {
    const coolingUntil = cooldowns[name] ?? 0;
    const breaker = breakers[name] ?? CLOSED_BREAKER;
    if (coolingUntil !== 0 || breaker.openUntil !== null || breaker.consecutiveFailures !== 0) states[name] = { coolingUntil, breaker };
  }
  return states;
}

/** Why an upstream cannot take a request now, and when it can (epoch ms; null while a probe is out). */
export type Unusable =
  | { readonly reason: "cooling_down"; readonly until: number }
  | { readonly reason: "circuit_open"; readonly until: number }
  | { readonly reason: "probe_in_flight"; readonly until: null };

/**
 * Null when the upstream may take a request at `now` (a half-open circuit may: the request then
 * claims the probe, and only one caller gets it); else why not.
 */
export function whyUnusable(state: UpstreamState, now: number): Unusable | null {
  if (isCoolingDown(state.coolingUntil, now)) return { reason: "cooling_down", until: state.coolingUntil };
  const phase = breakerPhase(state.breaker, now);
  if (phase === "open") return { reason: "circuit_open", until: state.breaker.openUntil! };
  if (phase === "probing") return { reason: "probe_in_flight", until: null };
  return null;
}
