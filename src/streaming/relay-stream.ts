/**
 * The relay after the decision: replay the events read for it, then forward the rest as they arrive,
 * framed as bytes. Nothing is held back; a client disconnect closes the upstream at once. A stream is
 * complete only when Azure said so; every other end gives the client one OpenAI-shaped error event.
 */
import { openAIError } from "../errors/openai-error.ts";
import type { AbortCause } from "../upstream/attempt.ts";
import type { SseEvent } from "./sse-decode.ts";
import { encodeData, encodeDone, encodeEvent } from "./sse-encode.ts";
import { createCompletionTracker } from "./stream-completion.ts";
import { isDone, toStreamEvent, type StreamEvent } from "./stream-event.ts";

/**
 * How a stream ended: Azure completed it; the client left; Azure ended it with its own error event
 * (relayed as it is); or (each with an error event from haigpt) the connection broke, Azure closed it
 * before saying it was complete, Azure went quiet past the idle timeout, Azure sent data that is not
 * SSE JSON, or haigpt shut down.
 */
export type StreamEnd =
  | "completed"
  | "client_gone"
  | "upstream_error_event"
  | "upstream_error"
  | "upstream_closed"
  | "upstream_idle"
  | "upstream_malformed"
  | "shutdown";

/** Raised inside the relay when Azure's stream ends in a way that leaves the answer incomplete. */
export class IncompleteStreamError extends Error {
  readonly end: "upstream_closed" | "upstream_malformed" | "upstream_error_event";
  constructor(end: IncompleteStreamError["end"], message: string) {
    super(message);
    this.name = "IncompleteStreamError";
    this.end = end;
  }
}

/** The decision's events, then the rest of the stream, up to (not including) `[DONE]`; throws when it ends incomplete. */
export async function* continueStream(
  head: readonly StreamEvent[],
  rest: AsyncGenerator<SseEvent, void, undefined> | null,
): AsyncGenerator<StreamEvent, void, undefined> {
  const tracker = createCompletionTracker();
  const check = (event: StreamEvent) => {
    if (event.json === undefined && !isDone(event)) {
      throw new IncompleteStreamError("upstream_malformed", `Azure sent an event that is not JSON: ${event.data.slice(0, 80)}`);
    }
    tracker.observe(event);
  };
  // Azure's own error event ends the answer; the client has it already, so no second one is made.
  const errorEnd = () => new IncompleteStreamError("upstream_error_event", "Azure ended the stream with an error event");
  for (const event of head) {
    check(event);
    if (isDone(event)) return;
    yield event;
    if (tracker.ended) {
      if (tracker.failed) throw errorEnd();
      return;
    }
  }
  if (rest) {
    try {
      for await (const raw of rest) {
        const event = toStreamEvent(raw);
        check(event);
        if (isDone(event)) return;
        yield event;
        // Azure's error or terminal event ends the answer: whatever the connection does next is not relayed.
        if (tracker.ended) {
          if (tracker.failed) throw errorEnd();
          return;
        }
      }
    } finally {
      await rest.return();
    }
  }
  if (!tracker.complete) throw new IncompleteStreamError("upstream_closed", "Azure closed the stream before the answer was complete");
}

export interface FrameOptions {
  readonly clientSignal: AbortSignal;
  /** Closes the upstream connection; called however the stream ends. */
  readonly abortUpstream: () => void;
  /** Why haigpt closed the upstream connection, if it did (idle timeout, shutdown). */
  readonly upstreamCause?: () => AbortCause | null;
  /** Chat and completions streams end with `data: [DONE]`; the Responses API's do not. */
  readonly endWithDone: boolean;
  readonly onEnd?: (end: StreamEnd, detail?: string) => void;
  /** Normalises each event into those the client gets, in this loop; without it, events are sent as they come. */
  readonly step?: (event: StreamEvent) => readonly StreamEvent[];
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((size, part) => size + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

function endOf(error: unknown, cause: AbortCause | null): StreamEnd {
  if (cause === "shutdown") return "shutdown";
  if (cause === "idle_timeout") return "upstream_idle";
  if (error instanceof IncompleteStreamError) return error.end;
  return "upstream_error";
}

/** The error event the client gets for each way a stream can end incomplete. */
function errorEventFor(end: StreamEnd) {
  const retry = "the answer is incomplete. Retry the request.";
  switch (end) {
    case "shutdown":
      return openAIError(503, `This haigpt server is shutting down; ${retry}`, "server_shutting_down");
    case "upstream_idle":
      return openAIError(504, `Azure OpenAI stopped sending the stream and the idle timeout ran out; ${retry}`, "upstream_stream_stalled");
    case "upstream_closed":
      return openAIError(502, `Azure OpenAI closed the stream before finishing the answer; ${retry}`, "upstream_stream_interrupted");
    case "upstream_malformed":
      return openAIError(502, `Azure OpenAI sent a malformed stream; ${retry}`, "upstream_stream_interrupted");
    default:
      return openAIError(502, `The connection to Azure OpenAI broke off mid-stream; ${retry}`, "upstream_stream_interrupted");
  }
}

/**
 * Frames events for the client. If Azure's stream does not complete, the client gets exactly one
 * OpenAI-shaped error event (which the SDKs raise) before the end, never a silently truncated answer.
 */
export async function* frameStream(
  events: AsyncIterable<StreamEvent>,
  options: FrameOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  let end: StreamEnd = "completed";
  let detail: string | undefined;
  try {
    try {
      const { step } = options;
      if (step) {
        for await (const event of events) {
          const out = step(event);
          if (out.length === 1) yield encodeEvent(out[0]!);
          else if (out.length > 1) yield concatBytes(out.map(encodeEvent));
        }
      } else for await (const event of events) yield encodeEvent(event);
    } catch (error) {
      const cause = options.upstreamCause?.() ?? null;
      if (options.clientSignal.aborted && cause !== "shutdown") {
        end = "client_gone";
        return;
      }
      end = endOf(error, cause);
      detail = (error as Error).message;
      if (end !== "upstream_error_event") yield encodeData(errorEventFor(end));
    }
    if (options.endWithDone) yield encodeDone();
  } finally {
    if (end === "completed" && options.clientSignal.aborted) end = "client_gone";
    options.abortUpstream();
    options.onEnd?.(end, detail);
  }
}
