/** Normalises Azure's error bodies, including errors inside a 200 stream, to OpenAI's four-key error. */
import type { OpenAIErrorBody } from "../errors/openai-error.ts";
import { normalizeUpstreamError } from "../errors/upstream-error.ts";
import { isContentFilterError } from "../policy/content-filter.ts";
import { isJsonObject } from "../json.ts";
import type { ObserveContext } from "./compat-context.ts";
import { collectErrorAnnotations } from "./filter-annotations.ts";

/** A stream error has no HTTP status of its own; 500 makes a missing `type` "server_error". */
const STREAM_ERROR_STATUS = 500;
const STREAM_ERROR_FALLBACK = "Azure OpenAI reported an error inside the stream without a message.";

function finishError(normalized: OpenAIErrorBody, azureBody: unknown, ctx: ObserveContext): OpenAIErrorBody {
  collectErrorAnnotations(normalized.error, ctx); // the strict shape is rebuilt below
  if (ctx.mode !== "strict") return normalized;
  const { message, type, param, code } = normalized.error;
  if (isContentFilterError(azureBody)) {
    // The spec spelling carries only inner_error.code; OpenAI clients look for code "content_filter".
    return { error: { message, type, param: param || "prompt", code: code ?? "content_filter" } };
  }
  return { error: { message, type, param, code } };
}

/**
 * An Azure error body in the OpenAI shape. Azure mode: `normalizeUpstreamError`'s result (extras such as
 * `status`/`innererror` kept). Strict mode: exactly `message`, `type`, `param`, `code`; the prompt filter's
 * 400 always says `param: "prompt"`, `code: "content_filter"`. Filter results are reported in both modes.
 */
export function normalizeErrorBody(status: number, body: unknown, ctx: ObserveContext): OpenAIErrorBody {
  return finishError(normalizeUpstreamError(status, body), body, ctx);
}

/** The same for an `{"error":{…}}` event inside a 200 stream (`type` defaults to "server_error"). */
export function normalizeStreamError(errorPayload: unknown, ctx: ObserveContext): OpenAIErrorBody {
  const normalized = normalizeUpstreamError(STREAM_ERROR_STATUS, errorPayload);
  const error = isJsonObject(errorPayload) && isJsonObject(errorPayload.error) ? errorPayload.error : {};
  // normalizeUpstreamError's fallback would claim an HTTP 500, which this stream never answered.
  const hasMessage = typeof error.message === "string" && error.message !== "";
  const fixed = hasMessage ? normalized : { error: { ...normalized.error, message: STREAM_ERROR_FALLBACK } };
  return finishError(fixed, errorPayload, ctx);
}
