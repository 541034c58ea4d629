// Chat completions streaming: plans the exact sequence of Azure SSE chunks for an answer.

import type { ChatAnswer } from "./chat.ts";
import { buildChoiceResults, buildPromptFilterResults } from "./content-filter.ts";
import { buildStreamError } from "./errors.ts";
import { formatSseData, SSE_DONE, type Frame, type StreamPlan } from "./stream.ts";
import { splitIntoPieces } from "./text.ts";

/** normal; async-filter mode (§4.5) with or without a violation; error event inside a 200 stream. */
export type ChatStreamMode = "normal" | "async" | "async-violation" | "stream-error";

/** Inputs of {@link buildChatStreamPlan} besides the answer. */
export interface ChatStreamOptions {
  mode: ChatStreamMode;
  includeUsage: boolean;
  requestId: string;
}

/** Characters are released in windows of this many word pieces in async-filter mode. */
const ASYNC_WINDOW = 4;

/** First chunk of an annotated stream: prompt results only, empty id/model, `created: 0`, no choices (§4.4). */
export function buildPromptAnnotationChunk(field: "prompt_filter_results" | "prompt_annotations"): Record<string, unknown> {
  return { id: "", object: "", created: 0, model: "", [field]: buildPromptFilterResults(), choices: [], usage: null };
}

/** Annotation-only chunk of async-filter mode: no `delta`, filter offsets instead (§4.5). */
function buildOffsetsChunk(index: number, start: number, end: number, violation: boolean): Record<string, unknown> {
  const choice = violation
    ? { index, finish_reason: "content_filter", content_filter_results: { protected_material_text: { detected: true, filtered: true } } }
    : { index, finish_reason: null, content_filter_results: buildChoiceResults() };
  const offsets = { check_offset: start, start_offset: start, end_offset: end };
  return { id: "", object: "", created: 0, model: "", choices: [{ ...choice, content_filter_offsets: offsets }], usage: null };
}

/** Plans every frame of a streamed chat answer; the gate (if any) holds after the first content frame. */
export function buildChatStreamPlan(answer: ChatAnswer, options: ChatStreamOptions): StreamPlan {
  const frames: Frame[] = [];
  const choices = Array.from({ length: answer.choiceCount }, (_, index) => index);
  const annotated = answer.annotationField !== null;
  const formatChunk = (choiceList: unknown[], extra: Record<string, unknown> = {}): string => {
    const body: Record<string, unknown> = { choices: choiceList, created: answer.created, id: answer.id, model: answer.model };
    Object.assign(body, { object: "chat.completion.chunk", system_fingerprint: answer.fingerprint });
    if (options.includeUsage) body["usage"] = null;
    return formatSseData({ ...body, ...extra });
  };
  const buildChoice = (index: number, delta: unknown, finishReason: string | null, filter?: unknown): Record<string, unknown> => {
    const base: Record<string, unknown> = annotated && filter !== undefined ? { content_filter_results: filter } : {};
    return { ...base, delta, finish_reason: finishReason, index, logprobs: null };
  };
  if (answer.annotationField) frames.push(formatSseData(buildPromptAnnotationChunk(answer.annotationField)));
  if (options.mode === "stream-error") return { frames: [...frames, formatSseData(buildStreamError(options.requestId))] };

  const tool = answer.toolCall;
  const roleDelta = tool
    ? { content: null, refusal: null, role: "assistant", tool_calls: [{ function: { arguments: "", name: tool.name }, id: tool.id, index: 0, type: "function" }] }
    : { content: "", refusal: null, role: "assistant" };
  for (const index of choices) frames.push(formatChunk([buildChoice(index, roleDelta, null, {})]));
  if (answer.outputFilter !== undefined) {
    for (const index of choices) frames.push(formatChunk([buildChoice(index, {}, "content_filter", buildChoiceResults(answer.outputFilter))]));
    return { frames: [...frames, SSE_DONE] };
  }

  const isAsync = options.mode === "async" || options.mode === "async-violation";
  const pieces = tool ? splitArguments(tool.arguments) : splitIntoPieces(answer.content);
  const contentFilter = isAsync ? undefined : buildChoiceResults();
  let gateAfter: number | undefined;
  let annotatedUpTo = 0;
  let released = 0;
  for (const [position, piece] of pieces.entries()) {
    const delta = tool ? { tool_calls: [{ function: { arguments: piece }, index: 0 }] } : { content: piece };
    for (const index of choices) frames.push(formatChunk([buildChoice(index, delta, null, contentFilter)]));
    gateAfter ??= frames.length - answer.choiceCount;
    released += piece.length;
    const windowFull = (position + 1) % ASYNC_WINDOW === 0 || position === pieces.length - 1;
    if (options.mode === "async-violation" && windowFull) {
      for (const index of choices) frames.push(formatSseData(buildOffsetsChunk(index, annotatedUpTo, released, true)));
      return { frames: [...frames, SSE_DONE], gateAfter };
    }
    if (isAsync && windowFull && position < pieces.length - 1) {
      for (const index of choices) frames.push(formatSseData(buildOffsetsChunk(index, annotatedUpTo, released, false)));
      annotatedUpTo = released;
    }
  }
  for (const index of choices) frames.push(formatChunk([buildChoice(index, {}, tool ? "tool_calls" : "stop", {})]));
  if (options.includeUsage) frames.push(formatChunk([], { usage: answer.usage }));
  // Async mode: the last window's verdict arrives after finish_reason, right before [DONE].
  if (isAsync) for (const index of choices) frames.push(formatSseData(buildOffsetsChunk(index, annotatedUpTo, released, false)));
  frames.push(SSE_DONE);
  return gateAfter === undefined ? { frames } : { frames, gateAfter };
}

/** Splits tool-call arguments into three streamed pieces. */
function splitArguments(args: string): string[] {
  const size = Math.ceil(args.length / 3);
  return [args.slice(0, size), args.slice(size, 2 * size), args.slice(2 * size)].filter((piece) => piece !== "");
}
