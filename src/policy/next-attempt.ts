/**
 * Where the next attempt goes, and when. Each key has a time before which it should not be called
 * (its Retry-After or backoff) and a flag for being out of this request. The next attempt goes to the
 * key still in that is ready soonest — so a throttled primary hands over to the secondary at once
 * instead of waiting — and switches (content filter, operator-side failures) do not use up retries.
 */
import type { Verdict } from "./classify-attempt.ts";

import type { TargetId } from "../upstream/model-map.ts";

export type { TargetId };

export interface TargetState {
  readonly id: TargetId;
  /** Epoch ms before which this key should not be called again. */
  readonly readyAt: number;
  /** This key is out of this request: its content filter refused it, Azure rejected the key or lacks
   *  the deployment, or it asked for a wait longer than haigpt may make. */
  readonly out: boolean;
}

export interface PolicyState {
  /** In order of preference: primary first. */
  readonly targets: readonly TargetState[];
  /** Retries used so far (switches to another key excluded). */
  readonly retries: number;
}

export interface AttemptOutcome {
  readonly target: TargetId;
  readonly verdict: Verdict;
  /** For `retry`: how long this key should rest (Retry-After or backoff). */
  readonly delayMs: number;
}

/** Bounds beyond the retry count; both optional so a policy without them behaves as before. */
export interface PolicyLimits {
  /** A key asking for a longer wait than this is taken out of the request instead of waited for. */
  readonly maxDelayMs?: number;
  /** Epoch ms by which the request must be done: a wait ending at or after it is not made. */
  readonly deadline?: number;
}

/** Why the attempts stopped: the answer is final, or the last failure stands for one of these reasons. */
export type StopReason = "final" | "retries_exhausted" | "no_key_left" | "deadline";

export type NextStep =
  | { readonly kind: "stop"; readonly reason: StopReason }
  | { readonly kind: "attempt"; readonly target: TargetId; readonly waitMs: number; readonly state: PolicyState };

/** The starting state for the keys that serve the requested model, in order of preference. */
export function initialPolicyState(targets: readonly TargetId[]): PolicyState {
  return { targets: targets.map((id) => ({ id, readyAt: 0, out: false })), retries: 0 };
}

function pickReadiest(targets: readonly TargetState[]): TargetState | undefined {
  let best: TargetState | undefined;
  for (const target of targets) {
    if (!target.out && (best === undefined || target.readyAt < best.readyAt)) best = target;
  }
  return best;
}

/** Decides the step after an attempt; `maxRetries` bounds retries across all keys. */
export function decideNext(state: PolicyState, outcome: AttemptOutcome, now: number, maxRetries: number, limits: PolicyLimits = {}): NextStep {
  if (outcome.verdict === "ok" || outcome.verdict === "fail") return { kind: "stop", reason: "final" };
  const tooLong = outcome.verdict === "retry" && limits.maxDelayMs !== undefined && outcome.delayMs > limits.maxDelayMs;
  const isRetry = outcome.verdict === "retry" && !tooLong;
  if (isRetry && state.retries >= maxRetries) return { kind: "stop", reason: "retries_exhausted" };
  const targets = state.targets.map((target) => {
    if (target.id !== outcome.target) return target;
    return isRetry ? { ...target, readyAt: now + outcome.delayMs } : { ...target, out: true };
  });
  const next = pickReadiest(targets);
  if (!next) return { kind: "stop", reason: "no_key_left" };
  const waitMs = Math.max(0, next.readyAt - now);
  if (limits.deadline !== undefined && now + waitMs >= limits.deadline) return { kind: "stop", reason: "deadline" };
  return {
    kind: "attempt",
    target: next.id,
    waitMs,
    state: { targets, retries: state.retries + (isRetry ? 1 : 0) },
  };
}
