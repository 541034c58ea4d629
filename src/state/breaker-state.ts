/**
 * Circuit-breaker STATE of an upstream as the stores keep it, and how to read its phase. The routing
 * policy decides what counts as a failure and which upstream to use; the store makes each change atomic.
 */

/**
 * Circuit-breaker state of one upstream. Phases, for the routing policy to read:
 * closed — `openUntil` null; open — `openUntil > now`; half-open — `openUntil <= now` (a probe may go);
 * a probe is in flight while `probeUntil > now`.
 */
export interface BreakerState {
  readonly consecutiveFailures: number;
  readonly openUntil: number | null;
  readonly probeUntil: number | null;
}

/** The policy's numbers for a failure: how many in a row open the circuit, and for how long. */
export interface BreakerFailureOptions {
  /** `HAIGPT_BREAKER_FAILURES`. */
  readonly threshold: number;
  /** `HAIGPT_BREAKER_COOLDOWN_MS`. */
  readonly openMs: number;
}

/** The state of an upstream that has never failed. */
export const CLOSED_BREAKER: BreakerState = Object.freeze({ consecutiveFailures: 0, openUntil: null, probeUntil: null });

/**
 * The phase a state is in at `now`: `closed` (use it), `open` (skip it until `openUntil`), `half-open`
 * (one caller may probe it: call `tryBreakerProbe`), `probing` (another caller's probe is in flight; skip).
 */
export type BreakerPhase = "closed" | "open" | "half-open" | "probing";

export function breakerPhase(state: BreakerState, now: number): BreakerPhase {
  if (state.openUntil === null) return "closed";
  if (state.openUntil > now) return "open";
  return state.probeUntil !== null && state.probeUntil > now ? "probing" : "half-open";
}
