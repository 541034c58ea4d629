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

/**
 * The fields of the line, in reading order; what is not known is left out. Built by assignment (one
 * object per line, not one per optional group), since every request writes one.
 */
export function requestFields(s: RequestSummary): Record<string, unknown> {
  const fields: Record<string, unknown> = { requestId: s.requestId, method: s.method, path: s.path };
  if (s.mode !== undefined) {
    fields.mode = s.mode;
    fields.userId = s.userId;
  }
  if (s.model !== undefined) fields.model = s.model;
  if (s.upstream !== undefined) {
    fields.upstream = s.upstream;
    fields.resource = s.resource;
    fields.deployment = s.deployment;
  }
  if (s.attemptCount > 0) {
    fields.attempts = s.attempts;
    fields.attemptCount = s.attemptCount;
  }
  if (s.failover !== undefined) fields.failover = s.failover;
  if (s.operatorFailure !== undefined) fields.operatorFailure = s.operatorFailure;
  fields.status = s.status;
  if (s.code !== undefined) fields.code = s.code;
  if (s.stream !== undefined) fields.stream = s.stream;
  if (s.streamDetail !== undefined) fields.streamDetail = s.streamDetail;
  if (s.droppedParams !== undefined) fields.droppedParams = s.droppedParams;
  if (s.contentFilter !== undefined) fields.contentFilter = s.contentFilter;
  if (s.usage !== undefined) fields.usage = s.usage;
  if (s.error !== undefined) fields.error = s.error;
  if (s.ttfbMs !== undefined) fields.ttfbMs = s.ttfbMs;
  fields.durationMs = s.durationMs;
  return fields;
}
