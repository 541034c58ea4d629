/**
 * The circuit breaker of one upstream, as pure transitions over a plain JSON state: consecutive
 * failures open it for a cooldown, then exactly one request probes it (half-open) and its outcome
 * closes or reopens it. Throttling is not a failure here: 429s are the cooldown's job.
 */

/** Plain JSON, so a shared store can hold it. Times are epoch milliseconds. */
export type BreakerState =
  | { readonly phase: "closed"; readonly failures: number }
  | { readonly phase: "open"; readonly until: number }
  /** A probe was let through at `probeSince`; no other request goes until it reports. */
  | { readonly phase: "half-open"; readonly probeSince: number };

export interface BreakerSettings {
  /** Consecutive failures that open the circuit (`HAIGPT_BREAKER_FAILURES`). */
  readonly failures: number;
  /** How long an open circuit stays open (`HAIGPT_BREAKER_COOLDOWN_MS`). */
  readonly cooldownMs: number;
}

/** What an attempt tells the breaker: the upstream worked, failed, or said nothing about its health. */
export type BreakerOutcome = "success" | "failure" | "neutral";

export const CLOSED: BreakerState = Object.freeze({ phase: "closed", failures: 0 });

/** What an attempt's ending means for the breaker. */
export type AttemptEnding =
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "timeout" }
  | { readonly kind: "connection" }
  | { readonly kind: "client-gone" };

/**
 * 5xx, Azure's 408, a redirect (Azure never sends one; haigpt does not follow it), timeouts and
 * connection failures are failures; a 429 (the cooldown's job), a 4xx the client caused and a client
 * that went away say nothing about the upstream's health.
 */
export function judgeEnding(ending: AttemptEnding): BreakerOutcome {
  if (ending.kind === "timeout" || ending.kind === "connection") return "failure";
  if (ending.kind === "client-gone") return "neutral";
  const { status } = ending;
  if (status >= 500 || status === 408 || (status >= 300 && status < 400)) return "failure";
  if (status >= 400) return "neutral";
  return "success";
}

/**
 * Whether a request may be sent now. An open circuit whose time is up, or a probe that never reported
 * within a cooldown (its request vanished), lets one probe through.
 */
export function breakerAllows(state: BreakerState, now: number, settings: BreakerSettings): boolean {
  if (state.phase === "closed") return true;
  if (state.phase === "open") return now >= state.until;
  return now - state.probeSince >= settings.cooldownMs;
}

/**
 * The state once a request is sent. Taking the probe moves the circuit to half-open, so concurrent
 * requests see it taken; a closed circuit is unchanged. Call only when {@link breakerAllows}.
 */
export function admitRequest(state: BreakerState, now: number): BreakerState {
  return state.phase === "closed" ? state : { phase: "half-open", probeSince: now };
}

/** Whether the request admitted from `before` is the probe (its outcome decides the circuit). */
export function isProbe(before: BreakerState): boolean {
  return before.phase !== "closed";
}

/**
 * The state after an attempt ended. A probe's success closes the circuit and its failure reopens it;
 * a neutral probe hands the probe to the next request. Outcomes of requests sent before the circuit
 * opened do not change an open or half-open circuit.
 */
export function recordOutcome(
  state: BreakerState,
  outcome: BreakerOutcome,
  now: number,
  settings: BreakerSettings,
  probe = false,
): BreakerState {
  if (state.phase === "closed") {
    if (outcome === "success") return state.failures === 0 ? state : CLOSED;
    if (outcome === "neutral") return state;
    const failures = state.failures + 1;
    return failures >= settings.failures ? { phase: "open", until: now + settings.cooldownMs } : { phase: "closed", failures };
  }
  if (state.phase === "open" || !probe) return state;
  if (outcome === "success") return CLOSED;
  if (outcome === "failure") return { phase: "open", until: now + settings.cooldownMs };
  return { phase: "open", until: now };
}
