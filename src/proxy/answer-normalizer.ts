/** Chooses, per operation, how Azure's answer is made OpenAI-faithful: bodies, errors and streams. */
import type { CompatContext } from "../compat/compat-context.ts";
import { normalizeBody } from "../compat/normalize-body.ts";
import { normalizeErrorBody } from "../compat/normalize-error.ts";
import { normalizeResponsesStream, normalizeStream } from "../compat/normalize-stream.ts";
import type { OpenAIErrorBody } from "../errors/openai-error.ts";
import type { StreamEvent } from "../streaming/stream-event.ts";
import type { Operation } from "./operations.ts";

export interface AnswerNormalizer {
  /** A successful JSON answer. */
  body(body: unknown): unknown;
  /** An error answer (any status Azure sent). */
  error(status: number, body: unknown): OpenAIErrorBody;
  /** A streamed answer, event by event. */
  stream(events: AsyncIterable<StreamEvent>): AsyncIterable<StreamEvent>;
  /** Chat and completions streams end with `data: [DONE]`; the Responses API's do not. */
  readonly endWithDone: boolean;
}

export function createAnswerNormalizer(op: Operation, ctx: CompatContext): AnswerNormalizer {
  return {
    body: (body) => normalizeBody(op.answer, body, ctx),
    error: (status, body) => normalizeErrorBody(status, body, ctx),
    stream: (events) =>
      op.stream === "responses" ? normalizeResponsesStream(events, ctx) : normalizeStream(op.stream === "completions" ? "completions" : "chat", events, ctx),
    endWithDone: op.stream !== "responses",
  };
}
