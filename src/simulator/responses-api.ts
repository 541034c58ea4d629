// Responses API (`POST /openai/responses`, `/openai/v1/responses`): `response` object and named SSE events.

import { formatSseEvent, type StreamPlan } from "./stream.ts";
import { composeReply, createRandomId, estimateTokens, extractLastUserText, readUnixSeconds, splitIntoPieces } from "./text.ts";

/** Everything needed to render a Responses answer. */
export interface ResponsesAnswer {
  id: string;
  messageId: string;
  created: number;
  model: string;
  text: string;
  request: Record<string, unknown>;
  usage: { input_tokens: number; output_tokens: number };
}

/** Decides the reply for a Responses request (`input` is a string or an item array). */
export function planResponsesAnswer(deployment: string, model: string, body: Record<string, unknown>): ResponsesAnswer {
  const said = extractLastUserText(body["input"]);
  const text = composeReply("answer", deployment, said);
  const input = typeof body["input"] === "string" ? body["input"] : JSON.stringify(body["input"] ?? "");
  return {
    id: createRandomId("resp_", 48),
    messageId: createRandomId("msg_", 48),
    created: readUnixSeconds(),
    model,
    text,
    request: body,
    usage: { input_tokens: estimateTokens(input), output_tokens: splitIntoPieces(text).length },
  };
}

function buildOutputText(text: string): Record<string, unknown> {
  return { type: "output_text", text, annotations: [] };
}

function buildMessageItem(answer: ResponsesAnswer, done: boolean): Record<string, unknown> {
  const content = done ? [buildOutputText(answer.text)] : [];
  return { type: "message", id: answer.messageId, status: done ? "completed" : "in_progress", role: "assistant", content };
}

/** The `response` object (shape of the preview spec's example), in progress or completed. */
export function buildResponseObject(answer: ResponsesAnswer, done: boolean): Record<string, unknown> {
  const request = answer.request;
  const pickField = (name: string, fallback: unknown): unknown => request[name] ?? fallback;
  const { input_tokens, output_tokens } = answer.usage;
  const usage = { input_tokens, input_tokens_details: { cached_tokens: 0 }, output_tokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input_tokens + output_tokens };
  return {
    id: answer.id,
    object: "response",
    created_at: answer.created,
    status: done ? "completed" : "in_progress",
    error: null,
    incomplete_details: null,
    instructions: pickField("instructions", null),
    max_output_tokens: pickField("max_output_tokens", null),
    model: answer.model,
    output: done ? [buildMessageItem(answer, true)] : [],
    parallel_tool_calls: pickField("parallel_tool_calls", true),
    previous_response_id: pickField("previous_response_id", null),
    reasoning: { effort: null, summary: null },
    store: pickField("store", true),
    temperature: pickField("temperature", 1.0),
    text: { format: { type: "text" } },
    tool_choice: pickField("tool_choice", "auto"),
    tools: pickField("tools", []),
    top_p: pickField("top_p", 1.0),
    truncation: pickField("truncation", "disabled"),
    usage: done ? usage : null,
    user: pickField("user", null),
    metadata: pickField("metadata", {}),
  };
}

/** Plans the named-event stream `response.created` … `response.completed`; the gate holds after the first delta. */
export function buildResponsesStreamPlan(answer: ResponsesAnswer): StreamPlan {
  const at = { item_id: answer.messageId, output_index: 0, content_index: 0 };
  const formatEvent = (type: string, fields: Record<string, unknown>): string => formatSseEvent(type, { type, ...fields });
  const frames = [
    formatEvent("response.created", { response: buildResponseObject(answer, false) }),
    formatEvent("response.in_progress", { response: buildResponseObject(answer, false) }),
    formatEvent("response.output_item.added", { output_index: 0, item: buildMessageItem(answer, false) }),
    formatEvent("response.content_part.added", { ...at, part: buildOutputText("") }),
  ];
  const gateAfter = frames.length;
  for (const piece of splitIntoPieces(answer.text)) frames.push(formatEvent("response.output_text.delta", { ...at, delta: piece }));
  frames.push(
    formatEvent("response.output_text.done", { ...at, text: answer.text }),
    formatEvent("response.content_part.done", { ...at, part: buildOutputText(answer.text) }),
    formatEvent("response.output_item.done", { output_index: 0, item: buildMessageItem(answer, true) }),
    formatEvent("response.completed", { response: buildResponseObject(answer, true) }),
  );
  return { frames, gateAfter };
}
