// Benchmark mode of the simulator: chat completions only, nothing recorded or logged, bodies built once.

import { buildChatCompletion, type ChatAnswer } from "./chat.ts";
import { buildChatStreamPlan } from "./chat-stream.ts";
import { buildInvalidKey, buildResourceNotFound } from "./errors.ts";
import { buildAzureHeaders, respondJson } from "./http.ts";
import { createPlannedStream, type StreamPlan } from "./stream.ts";
import { buildFingerprint, splitIntoPieces } from "./text.ts";
import type { SimulatorOptions } from "./types.ts";

/**
 * Seventeen word pieces: with the prompt-annotation chunk, the role chunk and the finish chunk a stream
 * carries 20 data events before `[DONE]`, each with Azure's per-choice content-filter results (§4.4).
 */
const REPLY = "Simulated answer for the benchmark: the quick brown fox jumps over the lazy dog near the river.";

/** A fetch handler that answers like Azure as cheaply as it can, for measuring what sits in front of it. */
export interface FastSimulator {
  fetch(request: Request): Promise<Response>;
}

/** Options of {@link createFastSimulator}: the same resources as the full simulator, plus default pacing. */
export type FastSimulatorOptions = Pick<SimulatorOptions, "resources" | "chunkDelayMs">;

/** The answer every request gets: fixed id and text, so bodies can be built once (~900 bytes, §4.3 shapes). */
function buildFixedAnswer(model: string): ChatAnswer {
  const pieces = splitIntoPieces(REPLY).length;
  return {
    id: "chatcmpl-BenchSimulatorFixedAnswer0000",
    created: Math.floor(Date.now() / 1000),
    model,
    fingerprint: buildFingerprint(model),
    choiceCount: 1,
    content: REPLY,
    annotationField: "prompt_filter_results",
    usage: { prompt_tokens: 12, completion_tokens: pieces, total_tokens: 12 + pieces },
  };
}

/** Pacing a request asks for with the `sim:slow=<ms>` directive (as the full simulator), else `fallback`. */
function readDelay(bodyText: string, fallback: number): number {
  const at = bodyText.indexOf("sim:slow=");
  if (at < 0) return fallback;
  const value = Number.parseInt(bodyText.slice(at + 9, at + 15), 10);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * Serves `POST …/chat/completions` for any key of any configured resource, streamed or not, with the
 * first deployment's model. Unlike {@link createAzureSimulator} it keeps no request log and evaluates no
 * other directive, so its own cost stays far below the proxy's being measured.
 */
export function createFastSimulator(options: FastSimulatorOptions): FastSimulator {
  const resources = Object.values(options.resources);
  const keys = new Set(resources.flatMap((resource) => resource.keys));
  const model = Object.values(resources[0]?.deployments ?? {})[0]?.model ?? "gpt-4o-2024-08-06";
  const answer = buildFixedAnswer(model);
  const completion = JSON.stringify(buildChatCompletion(answer));
  const plan: StreamPlan = buildChatStreamPlan(answer, { mode: "normal", includeUsage: false, requestId: "bench" });
  const frames: StreamPlan = { frames: plan.frames.map((frame) => new TextEncoder().encode(frame as string)) };
  const noGate = async (): Promise<void> => {};
  const ignore = (): void => {};
  let sequence = 0;
  return {
    async fetch(request) {
      const meta = { requestId: `bench-${++sequence}` };
      if (request.method !== "POST" || !new URL(request.url).pathname.endsWith("/chat/completions")) {
        return respondJson(404, buildResourceNotFound(), meta);
      }
      const key = request.headers.get("api-key");
      if (key === null || !keys.has(key)) return respondJson(401, buildInvalidKey(), meta);
      const bodyText = await request.text();
      const body = JSON.parse(bodyText) as { stream?: unknown };
      if (body.stream !== true) return new Response(completion, { headers: buildAzureHeaders(meta, "application/json") });
      const delayMs = readDelay(bodyText, options.chunkDelayMs ?? 0);
      const control = { delayMs, requestSignal: request.signal, waitForGate: noGate, onAborted: ignore, onCompleted: ignore };
      return new Response(createPlannedStream(frames, control), { headers: buildAzureHeaders(meta, "text/event-stream") });
    },
  };
}
