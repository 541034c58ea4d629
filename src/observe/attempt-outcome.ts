/** One upstream attempt in words for logs and metrics: its outcome, and why a request moved on from it. */
import type { AttemptReport } from "../policy/attempt-report.ts";

/**
 * What an attempt came to: `ok`, `content_filter`, `throttled`, `server_error`, `ended_early` (a 2xx stream
 * that closed before any content), `error_event`, `rejected`,
 * the operator-side failure (`redirect`, `key_rejected`, `deployment_not_found`, `invalid_answer`), or the
 * failure kind (`connection`, `timeout`, `idle`).
 */
export function attemptOutcome(report: AttemptReport): string {
  const { result, verdict } = report;
  if (result.kind === "unreachable") return result.reason;
  if (report.operatorFailure) return report.operatorFailure;
  if (verdict === "ok" || verdict === "content_filter") return verdict;
  if (result.status === 429) return "throttled";
  if (result.status >= 500 || result.status === 408) return "server_error";
  // A stream that closed before its first content is a different fault from an error event Azure sent.
  if (result.kind === "sse" && result.endedEarly) return "ended_early";
  if (result.status >= 200 && result.status < 300) return "error_event";
  return "rejected";
}

/** A redirect's target host only (never the rest of `Location`, which may carry anything); undefined for other answers. */
function redirectHost(report: AttemptReport): string | null | undefined {
  const { result } = report;
  if (result.kind === "unreachable" || result.status < 300 || result.status >= 400) return undefined;
  try {
    return new URL(result.headers.get("location") ?? "").host;
  } catch {
    return null;
  }
}

/** An attempt as the request's log line lists it; nothing from the answer's body. Built by assignment: one per attempt. */
export function describeAttempt(report: AttemptReport, outcome: string = attemptOutcome(report)): Record<string, unknown> {
  const { result } = report;
  const described: Record<string, unknown> = { upstream: report.target.id };
  if (result.kind === "unreachable") described.failure = result.reason;
  else described.status = result.status;
  described.outcome = outcome;
  const location = redirectHost(report);
  if (location !== undefined) described.location = location;
  if (report.waitMs > 0) described.waitMs = Math.round(report.waitMs);
  return described;
}
