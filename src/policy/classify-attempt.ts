/** The verdict on one upstream answer: return it, retry, switch keys for the content filter, or fail. */
import type { AttemptResult } from "../upstream/send-attempt.ts";
import { hasContentFilterFinish, isContentFilterError, isErrorChunk } from "./content-filter.ts";

export type Verdict = "ok" | "retry" | "content_filter" | "fail";

/** Statuses worth another attempt: timeouts, throttling and server errors. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Classifies an attempt. A stream is judged by the events read before its first content: a
 * `content_filter` finish there means the secondary may still answer; an error event there is
 * treated like a 5xx, since nothing has reached the client yet.
 */
export function classifyAttempt(result: AttemptResult): Verdict {
  if (result.kind === "unreachable") return "retry";
  const { status } = result;
  if (status >= 200 && status < 300) {
    if (result.kind === "json" && hasContentFilterFinish(result.body)) return "content_filter";
    if (result.kind === "sse") {
      if (result.head.some((event) => hasContentFilterFinish(event.json))) return "content_filter";
      if (result.head.some((event) => isErrorChunk(event.json))) return "retry";
    }
    return "ok";
  }
  if (status === 400 && result.kind === "json" && isContentFilterError(result.body)) return "content_filter";
  return RETRYABLE_STATUSES.has(status) ? "retry" : "fail";
}
