// Chat completions: decides the answer for a request and builds the non-streamed Azure body.

import { buildChoiceResults, buildPromptFilterResults } from "./content-filter.ts";
import { buildFingerprint, composeReply, createRandomId, estimateTokens, extractContentText, extractLastUserText, readUnixSeconds, splitIntoPieces } from "./text.ts";

/** Name of the top-level prompt-annotation field, or null when the api-version has none. */
export type AnnotationField = "prompt_filter_results" | "prompt_annotations" | null;

/** Token usage in chat/completions shape. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Everything needed to render one chat answer, streamed or not. */
export interface ChatAnswer {
  id: string;
  created: number;
  model: string;
  fingerprint: string;
  choiceCount: number;
  content: string;
  toolCall?: { id: string; name: string; arguments: string };
  annotationField: AnnotationField;
  /** Set when the completion is filtered: the offending category. */
  outputFilter?: string;
  usage: Usage;
}

/** Inputs of {@link planChatAnswer}. */
export interface ChatAnswerInput {
  deployment: string;
  model: string;
  body: Record<string, unknown>;
  annotationField: AnnotationField;
  outputFilter?: string;
}

/** The content of the last message when it is a tool (or function) result, else null. */
function readToolResult(messages: unknown): string | null {
  const last = Array.isArray(messages) ? (messages.at(-1) as { role?: unknown; content?: unknown } | undefined) : undefined;
  if (last?.role !== "tool" && last?.role !== "function") return null;
  return extractContentText(last.content);
}

/** Decides the reply (text or tool call) for a chat request. */
export function planChatAnswer(input: ChatAnswerInput): ChatAnswer {
  const { body } = input;
  const said = extractLastUserText(body["messages"]);
  // A turn that carries tool results is answered with text, so tool loops (runTools, agents) finish.
  const toolResult = readToolResult(body["messages"]);
  const content = toolResult === null
    ? composeReply("answer", input.deployment, said)
    : `Simulated answer from deployment ${input.deployment} using the tool result "${toolResult.slice(0, 60)}".`;
  const tools = Array.isArray(body["tools"]) ? (body["tools"] as Array<{ function?: { name?: unknown } }>) : [];
  const toolName = tools[0]?.function?.name;
  const toolCall = tools.length > 0 && toolResult === null && said.includes("sim:tool-call")
    ? { id: createRandomId("call_", 24), name: typeof toolName === "string" ? toolName : "tool", arguments: JSON.stringify({ request: said.slice(0, 60) }) }
    : undefined;
  const messages = Array.isArray(body["messages"]) ? (body["messages"] as Array<{ content?: unknown }>) : [];
  const promptTokens = estimateTokens(messages.map((m) => extractContentText(m?.content)).join(" "));
  const choiceCount = typeof body["n"] === "number" && body["n"] >= 1 ? Math.floor(body["n"]) : 1;
  const completionTokens = toolCall ? estimateTokens(toolCall.arguments) : splitIntoPieces(content).length;
  const answer: ChatAnswer = {
    id: createRandomId("chatcmpl-"),
    created: readUnixSeconds(),
    model: input.model,
    fingerprint: buildFingerprint(input.model),
    choiceCount,
    content,
    annotationField: input.annotationField,
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens * choiceCount, total_tokens: promptTokens + completionTokens * choiceCount },
  };
  if (toolCall) answer.toolCall = toolCall;
  if (input.outputFilter !== undefined) answer.outputFilter = input.outputFilter;
  return answer;
}

function buildMessage(answer: ChatAnswer): Record<string, unknown> {
  // The spec makes `content` required but nullable: a filtered completion carries no content.
  if (answer.outputFilter !== undefined) return { content: null, refusal: null, role: "assistant" };
  if (!answer.toolCall) return { content: answer.content, refusal: null, role: "assistant" };
  const { id, name, arguments: args } = answer.toolCall;
  return { content: null, refusal: null, role: "assistant", tool_calls: [{ function: { arguments: args, name }, id, type: "function" }] };
}

function pickFinishReason(answer: ChatAnswer): string {
  if (answer.outputFilter !== undefined) return "content_filter";
  return answer.toolCall ? "tool_calls" : "stop";
}

/** The non-streamed `chat.completion` body (keys alphabetical, as Azure sends them). */
export function buildChatCompletion(answer: ChatAnswer): Record<string, unknown> {
  const choices = Array.from({ length: answer.choiceCount }, (_, index) => {
    const choice: Record<string, unknown> = {};
    if (answer.annotationField) choice["content_filter_results"] = buildChoiceResults(answer.outputFilter);
    Object.assign(choice, { finish_reason: pickFinishReason(answer), index, logprobs: null, message: buildMessage(answer) });
    return choice;
  });
  const body: Record<string, unknown> = { choices, created: answer.created, id: answer.id, model: answer.model, object: "chat.completion" };
  if (answer.annotationField) body[answer.annotationField] = buildPromptFilterResults();
  return { ...body, system_fingerprint: answer.fingerprint, usage: answer.usage };
}
