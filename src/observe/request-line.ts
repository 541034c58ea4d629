/** The one log line of a finished request: its level and its fields, from the record's summary. */
import type { LineLevel } from "../log.ts";
import type { RequestSummary } from "./request-record.ts";

/** Stream ends that are nobody's failure. */
const CLEAN_ENDS = new Set(["completed", "client_gone"]);

/** A client that left before its answer (nginx's 499): nobody's failure. */
const CLIENT_GONE = 499;

/**
 * `error` when haigpt or Azure failed the request, or when a key failed on the operator's side (even if
 * another key answered: the configuration needs fixing); `warn` when the client's request was refused;
 * else `info`.
 */
export function requestLevel(summary: RequestSummary): LineLevel {
  if (summary.status >= 500 || summary.operatorFailure !== undefined) return "error";
  if (summary.stream !== undefined && !CLEAN_ENDS.has(summary.stream)) return "error";
  if (summary.status >= 400 && summary.status !== CLIENT_GONE) return "warn";
  return "info";
}

/** The fields of the line, in reading order; what is not known is left out. */
export function requestFields(s: RequestSummary): Record<string, unknown> {
  return {
    requestId: s.requestId,
    method: s.method,
    path: s.path,
    ...(s.mode !== undefined && { mode: s.mode, userId: s.userId }),
    ...(s.model !== undefined && { model: s.model }),
    ...(s.upstream !== undefined && { upstream: s.upstream, resource: s.resource, deployment: s.deployment }),
    ...(s.attemptCount > 0 && { attempts: s.attempts, attemptCount: s.attemptCount }),
    ...(s.failover !== undefined && { failover: s.failover }),
    ...(s.operatorFailure !== undefined && { operatorFailure: s.operatorFailure }),
    status: s.status,
    ...(s.code !== undefined && { code: s.code }),
    ...(s.stream !== undefined && { stream: s.stream }),
    ...(s.streamDetail !== undefined && { streamDetail: s.streamDetail }),
    ...(s.droppedParams !== undefined && { droppedParams: s.droppedParams }),
    ...(s.contentFilter !== undefined && { contentFilter: s.contentFilter }),
    ...(s.usage !== undefined && { usage: s.usage }),
    ...(s.error !== undefined && { error: s.error }),
    ...(s.ttfbMs !== undefined && { ttfbMs: s.ttfbMs }),
    durationMs: s.durationMs,
  };
}
