/**
 * What one upstream attempt came to: the attempt loop (src/proxy/run-attempts.ts) reports it, the
 * request's record and log line (src/observe) read it.
 */
import type { OperatorFailure, Verdict } from "./classify-attempt.ts";
import type { AttemptResult } from "../upstream/attempt.ts";
import type { Target, TargetId } from "../upstream/model-map.ts";

/** What one attempt came to, for logs. */
export interface AttemptReport {
  readonly number: number;
  readonly target: Target;
  readonly verdict: Verdict;
  readonly result: AttemptResult;
  /** For a `switch`: what the operator must fix on this key (redirect, rejected key, missing deployment, bad answer). */
  readonly operatorFailure?: OperatorFailure;
  /** The wait before the next attempt, when there is one. */
  readonly nextTarget: TargetId | null;
  readonly waitMs: number;
}
