// Per-operation answers once a request is routed, authenticated and past its error directives.

import { supportsStreamOptions } from "./api-versions.ts";
import { buildAudioTextAnswer, buildSpeechPlan } from "./audio.ts";
import { buildChatCompletion, planChatAnswer } from "./chat.ts";
import { buildChatStreamPlan, type ChatStreamMode } from "./chat-stream.ts";
import { buildCompletion, buildCompletionStreamPlan, planCompletionAnswer } from "./completions.ts";
import { resolveFilterCategory } from "./content-filter.ts";
import { completeWith, respondStream, type OperationContext } from "./context.ts";
import { buildEmbeddingsResponse } from "./embeddings.ts";
import { respondJson, respondText } from "./http.ts";
import { buildImagesResponse } from "./images.ts";
import { buildResponseObject, buildResponsesStreamPlan, planResponsesAnswer } from "./responses-api.ts";

const SSE = "text/event-stream; charset=utf-8";

function wantsStream(ctx: OperationContext): boolean {
  return ctx.body["stream"] === true;
}

/** `stream_options.include_usage`, honoured only where the api-version knows `stream_options`. */
function wantsUsageChunk(ctx: OperationContext): boolean {
  const options = ctx.body["stream_options"] as { include_usage?: unknown } | null | undefined;
  return options?.include_usage === true && supportsStreamOptions(ctx.version);
}

function resolveOutputFilter(ctx: OperationContext): string | undefined {
  return ctx.directives.has("filter-output") ? resolveFilterCategory(ctx.directives.readArg("filter-output")) : undefined;
}

function selectChatStreamMode(ctx: OperationContext): ChatStreamMode {
  if (ctx.directives.has("stream-error")) return "stream-error";
  if (!ctx.directives.has("filter-async")) return "normal";
  return ctx.directives.readArg("filter-async") === "violation" ? "async-violation" : "async";
}

function respondChat(ctx: OperationContext): Response {
  const outputFilter = resolveOutputFilter(ctx);
  const answer = planChatAnswer({
    deployment: ctx.deploymentName,
    model: ctx.deployment.model,
    body: ctx.body,
    annotationField: ctx.annotationField,
    ...(outputFilter === undefined ? {} : { outputFilter }),
  });
  if (!wantsStream(ctx)) return completeWith(ctx, respondJson(200, buildChatCompletion(answer), ctx.meta));
  const plan = buildChatStreamPlan(answer, { mode: selectChatStreamMode(ctx), includeUsage: wantsUsageChunk(ctx), requestId: ctx.meta.requestId });
  return respondStream(ctx, plan, SSE);
}

function respondCompletions(ctx: OperationContext): Response {
  const answer = planCompletionAnswer(ctx.deploymentName, ctx.deployment.model, ctx.body, ctx.annotationField, resolveOutputFilter(ctx));
  if (!wantsStream(ctx)) return completeWith(ctx, respondJson(200, buildCompletion(answer), ctx.meta));
  return respondStream(ctx, buildCompletionStreamPlan(answer, wantsUsageChunk(ctx)), SSE);
}

function respondResponses(ctx: OperationContext): Response {
  const answer = planResponsesAnswer(ctx.deploymentName, ctx.deployment.model, ctx.body);
  if (!wantsStream(ctx)) return completeWith(ctx, respondJson(200, buildResponseObject(answer, true), ctx.meta));
  return respondStream(ctx, buildResponsesStreamPlan(answer), SSE);
}

function respondAudioText(ctx: OperationContext, task: "transcribe" | "translate"): Response {
  const answer = buildAudioTextAnswer({ task, deployment: ctx.deploymentName, form: ctx.form ?? new FormData() });
  if (answer.kind === "text") return completeWith(ctx, respondText(answer.text, ctx.meta));
  return completeWith(ctx, respondJson(200, answer.body, ctx.meta));
}

function respondSpeech(ctx: OperationContext): Response {
  // The spec declares multipart, OpenAI clients send JSON: accept both.
  const field = (name: string): string => String(ctx.form?.get(name) ?? ctx.body[name] ?? "");
  return respondStream(ctx, buildSpeechPlan(field("input"), field("response_format") || "mp3"), "application/octet-stream");
}

/** Produces the success answer of the routed operation. */
export function runOperation(ctx: OperationContext): Response {
  switch (ctx.route.operation) {
    case "chat/completions":
      return respondChat(ctx);
    case "completions":
      return respondCompletions(ctx);
    case "embeddings":
      return completeWith(ctx, respondJson(200, buildEmbeddingsResponse(ctx.deployment.model, ctx.body), ctx.meta));
    case "images/generations":
      return completeWith(ctx, respondJson(200, buildImagesResponse(ctx.deployment.model, ctx.body, ctx.origin), ctx.meta));
    case "audio/transcriptions":
      return respondAudioText(ctx, "transcribe");
    case "audio/translations":
      return respondAudioText(ctx, "translate");
    case "audio/speech":
      return respondSpeech(ctx);
    default:
      return respondResponses(ctx);
  }
}
