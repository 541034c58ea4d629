/**
 * The relay after the decision: replay the events read for it, then forward the rest as they arrive,
 * framed as bytes. Nothing is held back; a client disconnect closes the upstream at once.
 */
import { openAIError } from "../errors/openai-error.ts";
import type { SseEvent } from "./sse-decode.ts";
import { encodeData, encodeDone, encodeEvent } from "./sse-encode.ts";
import { isDone, toStreamEvent, type StreamEvent } from "./stream-event.ts";

/** The decision's events, then the rest of the stream, up to (not including) `[DONE]`. */
export async function* continueStream(
  head: readonly StreamEvent[],
  rest: AsyncGenerator<SseEvent, void, undefined> | null,
): AsyncGenerator<StreamEvent, void, undefined> {
  for (const event of head) {
    if (isDone(event)) return;
    yield event;
  }
  if (!rest) return;
  try {
    for await (const raw of rest) {
      if (isDone(raw)) return;
      yield toStreamEvent(raw);
    }
  } finally {
    await rest.return();
  }
}

export type StreamEnd = "completed" | "client_gone" | "upstream_error";

export interface FrameOptions {
  readonly clientSignal: AbortSignal;
  /** Closes the upstream connection; called however the stream ends. */
  readonly abortUpstream: () => void;
  /** Chat and completions streams end with `data: [DONE]`; the Responses API's do not. */
  readonly endWithDone: boolean;
  readonly onEnd?: (end: StreamEnd, detail?: string) => void;
}

/**
 * Frames events for the client. If Azure's stream breaks off, the client gets one OpenAI-shaped
 * error event (which the SDKs raise) before the end, never a silently truncated answer.
 */
export async function* frameStream(
  events: AsyncIterable<StreamEvent>,
  options: FrameOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  let end: StreamEnd = "completed";
  let detail: string | undefined;
  try {
    try {
      for await (const event of events) yield encodeEvent(event);
    } catch (error) {
      if (options.clientSignal.aborted) {
        end = "client_gone";
        return;
      }
      end = "upstream_error";
      detail = (error as Error).message;
      yield encodeData(
        openAIError(502, "The connection to Azure OpenAI broke off mid-stream; the answer is incomplete. Retry the request.",
          "upstream_stream_interrupted"),
      );
    }
    if (options.endWithDone) yield encodeDone();
  } finally {
    if (end === "completed" && options.clientSignal.aborted) end = "client_gone";
    options.abortUpstream();
    options.onEnd?.(end, detail);
  }
}
