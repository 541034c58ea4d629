/**
 * The circuit breaker's POLICY: what an attempt's ending tells it. Its state and atomic transitions
 * (count a failure, open, claim the one half-open probe, close) are the state store's
 * (src/state/breaker-state.ts, `recordBreakerFailure`/`tryBreakerProbe`/`recordBreakerSuccess`), so
 * every replica sees one circuit. Throttling is not a failure here: 429s are the cooldown's job.
 */
import type { BreakerFailureOptions } from "../state/breaker-state.ts";

export interface BreakerSettings {
  /** Consecutive failures that open the circuit (`HAIGPT_BREAKER_FAILURES`). */
  readonly failures: number;
  /** How long an open circuit stays open (`HAIGPT_BREAKER_COOLDOWN_MS`). */
  readonly cooldownMs: number;
}

/** The store's terms for the same numbers. */
export function failureOptions(settings: BreakerSettings): BreakerFailureOptions {
  return { threshold: settings.failures, openMs: settings.cooldownMs };
}

/** What an attempt tells the breaker: the upstream worked, failed, or said nothing about its health. */
export type BreakerOutcome = "success" | "failure" | "neutral";

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
