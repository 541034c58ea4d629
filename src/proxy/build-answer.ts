/** Turns the final attempt into what the client gets: the answer as Azure gave it, or an OpenAI-shaped error. */
import { jsonResponse, ProxyError } from "../errors/openai-error.ts";
import { continueStream, frameStream, type StreamEnd } from "../streaming/relay-stream.ts";
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
  /** Whether haigpt itself retries; if so, clients are told not to retry a final failure again. */
  readonly retries: boolean;
  readonly clientSignal: AbortSignal;
  readonly onUpstreamAuthFailure: (resourceId: string, status: number) => void;
  readonly onStreamEnd: (end: StreamEnd, detail?: string) => void;
  readonly normalize: AnswerNormalizer;
  /** Extra headers for the client (e.g. `x-haigpt-dropped-params`). */
  readonly headers: Readonly<Record<string, string>>;
}

/** A streamed answer: status and headers for Elysia's `set`, and the byte generator. */
export interface StreamAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly stream: AsyncGenerator<Uint8Array, void, undefined>;
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
  // haigpt already retried: a client retrying on its own would only multiply the attempts.
  if (haigptRetries && run.verdict === "retry") headers["x-should-retry"] = "false";
  return headers;
}

/** The client's answer for the final attempt of a run. */
export function buildAnswer(run: RunOutcome, context: AnswerContext): Response | StreamAnswer {
  const { result } = run.attempt;
  const headers = { ...answerHeaders(run, context.retries), ...context.headers };
  const { normalize } = context;
  const via = `${run.attempts} attempt${run.attempts === 1 ? "" : "s"}`;
  switch (result.kind) {
    case "unreachable":
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
      if (status >= 200 && status < 300) return jsonResponse(status, normalize.body(body), headers);
      if (context.serverOwnedKeys && (status === 401 || status === 403)) {
        context.onUpstreamAuthFailure(run.target.key.resourceId, status);
        throw new ProxyError(
          502,
          `The server's Azure key for resource "${run.target.key.resourceId}" was rejected by Azure (HTTP ${status}). ` +
            "This is a problem with the haigpt server's configuration, not with your token; tell its operator.",
          { code: "upstream_auth_failed", headers },
        );
      }
      return jsonResponse(status, normalize.error(status, body), headers);
    }
    case "sse": {
      const stream = frameStream(normalize.stream(continueStream(result.head, result.rest)), {
        clientSignal: context.clientSignal,
        abortUpstream: run.attempt.abort,
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
      const type = result.headers.get("content-type");
      return new Response(result.body, { status: result.status, headers: { ...headers, ...(type ? { "content-type": type } : {}) } });
    }
  }
}
