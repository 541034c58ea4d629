/**
 * Where the next attempt goes, and when. Each key has a time before which it should not be called
 * (its Retry-After or backoff) and a flag for having content-filtered this request. The next attempt
 * goes to the unfiltered key that is ready soonest — so a throttled primary hands over to the
 * secondary at once instead of waiting — and content-filter switches do not use up retries.
 */
import type { Verdict } from "./classify-attempt.ts";

export type TargetId = "primary" | "secondary";

export interface TargetState {
  readonly id: TargetId;
  /** Epoch ms before which this key should not be called again. */
  readonly readyAt: number;
  /** This key's content filter refused this request. */
  readonly filtered: boolean;
}

export interface PolicyState {
  /** In order of preference: primary first. */
  readonly targets: readonly TargetState[];
  /** Retries used so far (content-filter switches excluded). */
  readonly retries: number;
}

export interface AttemptOutcome {
  readonly target: TargetId;
  readonly verdict: Verdict;
  /** For `retry`: how long this key should rest (Retry-After or backoff). */
  readonly delayMs: number;
}

export type NextStep =
  | { readonly kind: "stop" }
  | { readonly kind: "attempt"; readonly target: TargetId; readonly waitMs: number; readonly state: PolicyState };

/** The starting state for the keys that serve the requested model, in order of preference. */
export function initialPolicyState(targets: readonly TargetId[]): PolicyState {
  return { targets: targets.map((id) => ({ id, readyAt: 0, filtered: false })), retries: 0 };
}

function pickReadiest(targets: readonly TargetState[]): TargetState | undefined {
  let best: TargetState | undefined;
  for (const target of targets) {
    if (!target.filtered && (best === undefined || target.readyAt < best.readyAt)) best = target;
  }
  return best;
}

/** Decides the step after an attempt; `maxRetries` bounds retries across all keys. */
export function decideNext(state: PolicyState, outcome: AttemptOutcome, now: number, maxRetries: number): NextStep {
  if (outcome.verdict === "ok" || outcome.verdict === "fail") return { kind: "stop" };
  const isRetry = outcome.verdict === "retry";
  if (isRetry && state.retries >= maxRetries) return { kind: "stop" };
  const targets = state.targets.map((target) => {
    if (target.id !== outcome.target) return target;
    return isRetry ? { ...target, readyAt: now + outcome.delayMs } : { ...target, filtered: true };
  });
  const next = pickReadiest(targets);
  if (!next) return { kind: "stop" };
  return {
    kind: "attempt",
    target: next.id,
    waitMs: Math.max(0, next.readyAt - now),
    state: { targets, retries: state.retries + (isRetry ? 1 : 0) },
  };
}
