/**
 * The verdict on one upstream answer: return it, retry, switch keys (content filter, or a failure on
 * the operator's side of one key), or fail.
 */
import { isJsonObject } from "../json.ts";
import { isDone } from "../streaming/stream-event.ts";
import type { AttemptResult } from "../upstream/attempt.ts";
import { hasContentFilterFinish, isContentFilterError, isErrorChunk } from "./content-filter.ts";

/** `switch`: this key cannot serve the request (its operator must fix it); another key may. */
export type Verdict = "ok" | "retry" | "content_filter" | "switch" | "fail";

/** Statuses worth another attempt: timeouts, throttling and server errors. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** What a failure on the operator's side of a key was, for the client's 502 and the log. */
export type OperatorFailure = "redirect" | "key_rejected" | "deployment_not_found" | "invalid_answer";

/** Azure's 404 for a deployment the resource does not have (as opposed to a wrong path or resource). */
function isDeploymentNotFound(body: unknown): boolean {
  return isJsonObject(body) && isJsonObject(body.error) && body.error.code === "DeploymentNotFound";
}

/**
 * Whether a 2xx is not what its content type says: a JSON-labelled body that is not JSON (a page) or
 * is empty, or — where the operation answers JSON (`answersJson`) — a body of any other type. Audio
 * answers (speech, text transcripts) are raw and pass.
 */
function isInvalidAnswer(result: Exclude<AttemptResult, { kind: "unreachable" }>, answersJson: boolean): boolean {
  const { status } = result;
  if (status < 200 || status >= 300) return false;
  if (result.kind === "json") return typeof result.body === "string" || (result.body === null && status !== 204);
  return result.kind === "raw" && answersJson;
}

/**
 * Which operator-side failure an answer is, or null. Redirects and 2xx answers that are not what
 * their content type says are always the operator's (a wrong endpoint or something in between);
 * 401/403 and DeploymentNotFound only when the keys are the server's own, not the client's.
 */
export function operatorFailureOf(result: AttemptResult, serverOwnedKeys: boolean, answersJson = false): OperatorFailure | null {
  if (result.kind === "unreachable") return null;
  const { status } = result;
  if (status >= 300 && status < 400) return "redirect";
  if (isInvalidAnswer(result, answersJson)) return "invalid_answer";
  if (!serverOwnedKeys || result.kind !== "json") return null;
  if (status === 401 || status === 403) return "key_rejected";
  if (status === 404 && isDeploymentNotFound(result.body)) return "deployment_not_found";
  return null;
}

/**
 * Classifies an attempt. A stream is judged by the events read before its decision point: a
 * `content_filter` finish there means the secondary may still answer; an error event, malformed
 * data, or a stream that ended there without Azure saying it was complete is treated like a 5xx,
 * since nothing has reached the client yet.
 */
export function classifyAttempt(result: AttemptResult, serverOwnedKeys = false, answersJson = false): Verdict {
  if (result.kind === "unreachable") return result.reason === "idle" ? "fail" : "retry";
  if (operatorFailureOf(result, serverOwnedKeys, answersJson)) return "switch";
  const { status } = result;
  if (status >= 200 && status < 300) {
    if (result.kind === "json" && hasContentFilterFinish(result.body)) return "content_filter";
    if (result.kind === "sse") {
      if (result.head.some((event) => hasContentFilterFinish(event.json))) return "content_filter";
      if (result.head.some((event) => isErrorChunk(event.json) || (event.json === undefined && !isDone(event)))) return "retry";
      if (result.endedEarly) return "retry";
    }
    return "ok";
  }
  if (status === 400 && result.kind === "json" && isContentFilterError(result.body)) return "content_filter";
  return RETRYABLE_STATUSES.has(status) ? "retry" : "fail";
}
