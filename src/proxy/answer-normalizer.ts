/** Chooses, per operation, how Azure's answer is made OpenAI-faithful: bodies, errors and streams. */
import type { CompatContext } from "../compat/compat-context.ts";
import { normalizeOwnedBody } from "../compat/normalize-body.ts";
import { normalizeErrorBody } from "../compat/normalize-error.ts";
import { applyStep, createResponsesStep, createStreamStep, type StreamStep } from "../compat/normalize-stream.ts";
import type { OpenAIErrorBody } from "../errors/openai-error.ts";
import type { StreamEvent } from "../streaming/stream-event.ts";
import type { Operation } from "./operations.ts";

export interface AnswerNormalizer {
  /** A successful JSON answer, as the attempt parsed it: it is normalised in place. */
  body(body: unknown): unknown;
  /** An error answer (any status Azure sent). */
  error(status: number, body: unknown): OpenAIErrorBody;
  /** A streamed answer, event by event. */
  stream(events: AsyncIterable<StreamEvent>): AsyncIterable<StreamEvent>;
  /**
   * The same as a synchronous step per event (a new one per stream: it carries the stream's state), when
   * the normalisation needs no waiting; the relay then runs it in its own loop.
   */
  readonly step?: () => StreamStep;
  /** Chat and completions streams end with `data: [DONE]`; the Responses API's do not. */
  readonly endWithDone: boolean;
}

export function createAnswerNormalizer(op: Operation, ctx: CompatContext): AnswerNormalizer {
  const step = () => (op.stream === "responses" ? createResponsesStep(ctx) : createStreamStep(op.stream === "completions" ? "completions" : "chat", ctx));
  return {
    body: (body) => normalizeOwnedBody(op.answer, body, ctx),
    error: (status, body) => normalizeErrorBody(status, body, ctx),
    stream: (events) => applyStep(events, step()),
    step,
    endWithDone: op.stream !== "responses",
  };
}
