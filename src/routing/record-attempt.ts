/**
 * How one attempt changes its upstream's shared state: taking it (which may take the half-open probe)
 * and reporting how it ended (a 429 starts the cooldown Azure named; other endings feed the breaker).
 * Pure; the state store decides where the result is kept.
 */
import {
  admitRequest,
  isProbe,
  judgeEnding,
  recordOutcome,
  type AttemptEnding,
  type BreakerSettings,
} from "./circuit-breaker.ts";
import { cooldownUntil } from "./cooldown.ts";
import type { UpstreamState } from "./upstream-state.ts";

export interface RecordSettings {
  readonly breaker: BreakerSettings;
  /** Cooldown for a 429 that names no wait (e.g. the retry backoff base). */
  readonly cooldownFallbackMs: number;
}

/** The state once an attempt is sent to the upstream, and whether that attempt is the breaker's probe. */
export function takeUpstream(state: UpstreamState, now: number): { state: UpstreamState; probe: boolean } {
  return { state: { ...state, breaker: admitRequest(state.breaker, now) }, probe: isProbe(state.breaker) };
}

/** How an attempt ended, as routing needs it: the ending, the answer's headers (for a 429), whether it probed. */
export interface AttemptReportForRouting {
  readonly ending: AttemptEnding;
  readonly headers: Headers | null;
  readonly probe: boolean;
}

/** The state after the attempt ended at `now`. */
export function recordAttempt(state: UpstreamState, report: AttemptReportForRouting, now: number, settings: RecordSettings): UpstreamState {
  const { ending } = report;
  const coolingUntil = ending.kind === "status" && ending.status === 429
    ? cooldownUntil(report.headers ?? new Headers(), now, settings.cooldownFallbackMs)
    : state.coolingUntil;
  const breaker = recordOutcome(state.breaker, judgeEnding(ending), now, settings.breaker, report.probe);
  return { coolingUntil, breaker };
}
