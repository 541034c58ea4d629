/** Turns the final attempt into what the client gets: the answer as Azure gave it, or an OpenAI-shaped error. */
import { ProxyError, type OpenAIErrorBody } from "../errors/openai-error.ts";
import { operatorFailureOf, type OperatorFailure } from "../policy/classify-attempt.ts";
import { continueStream, frameStream, type StreamEnd } from "../streaming/relay-stream.ts";
import type { AttemptResult } from "../upstream/attempt.ts";
import type { AnswerNormalizer } from "./answer-normalizer.ts";
import type { RunOutcome } from "./run-attempts.ts";

/** Azure headers worth passing on: its request id for support cases, rate-limit state, region. */
const PASSED_HEADERS = [
  "apim-request-id",
  "x-ms-region",
  "x-ratelimit-remaining-requests",
  "x-ratelimit-remaining-tokens",
  "retry-after",
  "retry-after-ms",
];

export interface AnswerContext {
  /** The keys belong to the operator (user tokens or anonymous mode), not to the client. */
  readonly serverOwnedKeys: boolean;
  /** The operation answers JSON (or SSE) only: a 2xx of another type is an invalid answer. */
  readonly answersJson?: boolean;
  /** Whether haigpt itself retries; if so, clients are told not to retry a final failure again. */
  readonly retries: boolean;
  readonly clientSignal: AbortSignal;
  /** A failure on the operator's side ends the request (every key that serves the model had one). */
  readonly onOperatorFailure: (resourceId: string, failure: OperatorFailure, status: number) => void;
  readonly onStreamEnd: (end: StreamEnd, detail?: string) => void;
  readonly normalize: AnswerNormalizer;
  /** Extra headers for the client (e.g. `x-haigpt-dropped-params`). */
  readonly headers: Readonly<Record<string, string>>;
}

/** A streamed answer: status and headers for Elysia's `set`, and the byte generator. */
export interface StreamAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The SSE text, one chunk per write to the client. */
  readonly stream: AsyncGenerator<string, void, undefined>;
}

function answerHeaders(run: RunOutcome, haigptRetries: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "x-haigpt-upstream": run.target.id,
    "x-haigpt-attempts": String(run.attempts),
  };
  const { result } = run.attempt;
  if (result.kind !== "unreachable") {
    for (const name of PASSED_HEADERS) {
      const value = result.headers.get(name);
      if (value !== null) headers[name] = value;
    }
  }
  // haigpt already retried: a client retrying on its own would only multiply the attempts. A key
  // taken out for a Retry-After longer than haigpt waits is the exception: the client may wait it.
  if (haigptRetries && run.verdict === "retry" && run.stopReason !== "no_key_left") headers["x-should-retry"] = "false";
  if (run.verdict === "switch") headers["x-should-retry"] = "false";
  return headers;
}

const TELL_OPERATOR = "This is a problem with the haigpt server's configuration, not with your request; tell its operator.";

/** The 502 for a failure on the operator's side; the redirect's target is not named (it may be anyone's). */
function operatorError(failure: OperatorFailure, resourceId: string, result: AttemptResult, headers: Record<string, string>): ProxyError {
  const status = "status" in result ? result.status : 0;
  const [code, what] =
    failure === "redirect"
      ? ["upstream_redirected", `Azure OpenAI resource "${resourceId}" answered with a redirect (HTTP ${status}), which haigpt does not follow.`]
      : failure === "key_rejected"
        ? ["upstream_auth_failed", `The server's Azure key for resource "${resourceId}" was rejected by Azure (HTTP ${status}).`]
        : failure === "deployment_not_found"
          ? ["deployment_not_found", `Azure OpenAI resource "${resourceId}" has no deployment for this model (HTTP 404 DeploymentNotFound).`]
          : ["upstream_invalid_answer", `Azure OpenAI resource "${resourceId}" answered HTTP ${status} with a body that is not what its content type says, or not the JSON this operation answers.`];
  return new ProxyError(502, `${what} ${TELL_OPERATOR}`, { code, headers });
}

/** Azure's "Please retry after N seconds." in a 429's message. */
const AZURE_RETRY_TEXT = /retry after \d+ seconds?/i;

/** Azure's "retry after N seconds" made to say the `retry-after` sent (after retries: the shortest wait left). */
function agreeWithRetryAfter(error: OpenAIErrorBody, retryAfter: string | undefined): OpenAIErrorBody {
  if (retryAfter === undefined || !/^\d+$/.test(retryAfter) || !AZURE_RETRY_TEXT.test(error.error.message)) return error;
  const seconds = Number(retryAfter);
  const message = error.error.message.replace(AZURE_RETRY_TEXT, `retry after ${seconds} second${seconds === 1 ? "" : "s"}`);
  return { error: { ...error.error, message } };
}

/** The client's answer for the final attempt of a run. */
export function buildAnswer(run: RunOutcome, context: AnswerContext): Response | StreamAnswer {
  const { result } = run.attempt;
  // answerHeaders' object is this answer's own: added to, not copied (a JSON answer adds its type too).
  const headers = Object.assign(answerHeaders(run, context.retries), context.headers);
  const { normalize } = context;
  const via = `${run.attempts} attempt${run.attempts === 1 ? "" : "s"}`;
  switch (result.kind) {
    case "unreachable":
      if (result.reason === "idle") {
        throw new ProxyError(504, `Azure OpenAI (${run.target.id}) stopped sending its answer (${result.detail}). Try again later.`, {
          code: "upstream_timeout",
          headers,
        });
      }
      if (result.reason === "timeout") {
        throw new ProxyError(504, `Azure OpenAI (${run.target.id}) did not answer in time (${via}). Try again later.`, {
          code: "upstream_timeout",
          headers,
        });
      }
      throw new ProxyError(502, `Azure OpenAI (${run.target.id}) could not be reached (${via}). Try again later.`, {
        code: "upstream_unreachable",
        headers,
      });
    case "json": {
      const { status, body } = result;
      const failure = operatorFailureOf(result, context.serverOwnedKeys);
      if (failure) {
        context.onOperatorFailure(run.target.key.resourceId, failure, status);
        throw operatorError(failure, run.target.key.resourceId, result, headers);
      }
      const answer = status >= 200 && status < 300 ? normalize.body(body) : agreeWithRetryAfter(normalize.error(status, body), headers["retry-after"]);
      headers["content-type"] = "application/json";
      return new Response(JSON.stringify(answer), { status, headers });
    }
    case "sse": {
      // With a synchronous step, the relay checks, normalises and frames in one loop.
      const step = normalize.step?.();
      const source = { head: result.head, rest: result.rest };
      const stream = frameStream(step ? { source, step } : normalize.stream(continueStream(source.head, source.rest)), {
        clientSignal: context.clientSignal,
        abortUpstream: run.attempt.abort,
        upstreamCause: run.attempt.cause,
        endWithDone: normalize.endWithDone,
        onEnd: context.onStreamEnd,
      });
      return {
        status: result.status,
        headers: { ...headers, "content-type": "text/event-stream", "cache-control": "no-cache", "x-accel-buffering": "no" },
        stream,
      };
    }
    case "raw": {
      if (operatorFailureOf(result, context.serverOwnedKeys, context.answersJson)) {
        context.onOperatorFailure(run.target.key.resourceId, "invalid_answer", result.status);
        result.body?.cancel().catch(() => {});
        throw operatorError("invalid_answer", run.target.key.resourceId, result, headers);
      }
      const type = result.headers.get("content-type");
      return new Response(result.body, { status: result.status, headers: { ...headers, ...(type ? { "content-type": type } : {}) } });
    }
  }
}
