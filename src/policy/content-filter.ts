/** Recognises Azure's content-filter answers: the prompt filter's 400, and completions that finish filtered. */

import { isJsonObject, type Json } from "../json.ts";

function choicesOf(body: unknown): Json[] {
  return isJsonObject(body) && Array.isArray(body.choices) ? body.choices.filter(isJsonObject) : [];
}

/**
 * Azure's prompt-filter error: `error.code == "content_filter"`, or an inner error (spelled `innererror`
 * on the wire, `inner_error` in the spec) with code `ResponsibleAIPolicyViolation`.
 */
export function isContentFilterError(body: unknown): boolean {
  if (!isJsonObject(body) || !isJsonObject(body.error)) return false;
  const { error } = body;
  if (error.code === "content_filter") return true;
  const inner = isJsonObject(error.innererror) ? error.innererror : isJsonObject(error.inner_error) ? error.inner_error : null;
  return inner?.code === "ResponsibleAIPolicyViolation";
}

/** Whether any choice of a completion body or stream chunk finished with `content_filter`. */
export function hasContentFilterFinish(body: unknown): boolean {
  return choicesOf(body).some((choice) => choice.finish_reason === "content_filter");
}

function nonEmpty(value: unknown): boolean {
  if (typeof value === "string") return value !== "";
  if (Array.isArray(value)) return value.length > 0;
  return isJsonObject(value);
}

/**
 * Whether a stream chunk carries content the client must see: non-empty `delta.content`,
 * `delta.tool_calls`, `delta.function_call`, `delta.refusal` or `delta.audio` (chat; gpt-4o-audio
 * streams carry only audio), or `text` (legacy completions). Role and filter annotations are not content.
 * Before the first such chunk, a stream can still be abandoned for the secondary.
 */
export function hasContent(chunk: unknown): boolean {
  return choicesOf(chunk).some((choice) => {
    if (nonEmpty(choice.text)) return true;
    const delta = choice.delta;
    if (!isJsonObject(delta)) return false;
    return nonEmpty(delta.content) || nonEmpty(delta.tool_calls) || nonEmpty(delta.function_call) || nonEmpty(delta.refusal) || nonEmpty(delta.audio);
  });
}

/** Whether a stream chunk is an error event (`{"error":{…}}` inside a 200 stream). */
export function isErrorChunk(chunk: unknown): boolean {
  return isJsonObject(chunk) && isJsonObject(chunk.error);
}
