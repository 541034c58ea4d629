// Legacy completions (`text_completion`): non-streamed body and streamed chunks (`text` instead of `delta`).

import type { AnnotationField, Usage } from "./chat.ts";
import { buildPromptAnnotationChunk } from "./chat-stream.ts";
import { buildChoiceResults, buildPromptFilterResults } from "./content-filter.ts";
import { formatSseData, SSE_DONE, type Frame, type StreamPlan } from "./stream.ts";
import { composeReply, createRandomId, estimateTokens, readUnixSeconds, splitIntoPieces } from "./text.ts";

/** Everything needed to render a legacy completion. */
export interface CompletionAnswer {
  id: string;
  created: number;
  model: string;
  text: string;
  annotationField: AnnotationField;
  outputFilter?: string;
  usage: Usage;
}

/** Decides the reply for a legacy completions request (`prompt` is a string or string[]). */
export function planCompletionAnswer(deployment: string, model: string, body: Record<string, unknown>, annotationField: AnnotationField, outputFilter?: string): CompletionAnswer {
  const prompt = body["prompt"];
  const said = typeof prompt === "string" ? prompt : Array.isArray(prompt) && typeof prompt[0] === "string" ? prompt[0] : "";
  const text = composeReply("completion", deployment, said);
  const promptTokens = estimateTokens(said);
  const completionTokens = splitIntoPieces(text).length;
  const answer: CompletionAnswer = {
    id: createRandomId("cmpl-"),
    created: readUnixSeconds(),
    model,
    text,
    annotationField,
    usage: { completion_tokens: completionTokens, prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens },
  };
  if (outputFilter !== undefined) answer.outputFilter = outputFilter;
  return answer;
}

function buildChoice(answer: CompletionAnswer, text: string, finishReason: string | null, filter: unknown): Record<string, unknown> {
  const choice: Record<string, unknown> = { text, index: 0, finish_reason: finishReason, logprobs: null };
  if (answer.annotationField) choice["content_filter_results"] = filter;
  return choice;
}

/** The non-streamed `text_completion` body. */
export function buildCompletion(answer: CompletionAnswer): Record<string, unknown> {
  const filtered = answer.outputFilter !== undefined;
  const choice = buildChoice(answer, filtered ? "" : answer.text, filtered ? "content_filter" : "stop", buildChoiceResults(answer.outputFilter));
  const body: Record<string, unknown> = { id: answer.id, object: "text_completion", created: answer.created, model: answer.model };
  if (answer.annotationField) body[answer.annotationField] = buildPromptFilterResults();
  return { ...body, choices: [choice], usage: answer.usage };
}

/** Plans a streamed legacy completion; the gate (if any) holds after the first text chunk. */
export function buildCompletionStreamPlan(answer: CompletionAnswer, includeUsage: boolean): StreamPlan {
  const frames: Frame[] = [];
  const formatChunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
    formatSseData({ id: answer.id, object: "text_completion", created: answer.created, model: answer.model, choices, ...extra });
  if (answer.annotationField) frames.push(formatSseData(buildPromptAnnotationChunk(answer.annotationField)));
  if (answer.outputFilter !== undefined) {
    frames.push(formatChunk([buildChoice(answer, "", "content_filter", buildChoiceResults(answer.outputFilter))]));
    return { frames: [...frames, SSE_DONE] };
  }
  const gateAfter = frames.length;
  for (const piece of splitIntoPieces(answer.text)) frames.push(formatChunk([buildChoice(answer, piece, null, buildChoiceResults())]));
  frames.push(formatChunk([buildChoice(answer, "", "stop", {})]));
  if (includeUsage) frames.push(formatChunk([], { usage: answer.usage }));
  frames.push(SSE_DONE);
  return { frames, gateAfter };
}
