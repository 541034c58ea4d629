/**
 * The relay after the decision: replay the events read for it, then forward the rest as they arrive,
 * framed as SSE text (the runtime writes text into the response as UTF-8 itself: no TextEncoder and no
 * byte array per write). Nothing is held back; a client disconnect closes the upstream at once. A stream is
 * complete only when Azure said so; every other end gives the client one OpenAI-shaped error event.
 */
import { openAIError } from "../errors/openai-error.ts";
import type { AbortCause } from "../abort-cause.ts";
import type { SseEventSource } from "./sse-decode.ts";
import { DONE_FRAME, frameData, frameEvent } from "./sse-encode.ts";
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

/** What the relay does with an event: drop it and stop (`[DONE]`), send it, or send it and stop (Azure ended the answer). */
type Disposition = "stop" | "send" | "last";

/**
 * The completeness checks of a relayed stream, one event at a time: an event that is not JSON ends it as
 * malformed; Azure's error or terminal event is the last one relayed (after an error event, `afterLast`
 * throws, so the end is recorded as Azure's error event and no second one is made); `finish` throws when
 * the stream ran out before Azure said the answer was complete.
 */
function createContinuation() {
  const tracker = createCompletionTracker();
  return {
    accept(event: StreamEvent): Disposition {
      if (event.json === undefined && !isDone(event)) {
        throw new IncompleteStreamError("upstream_malformed", `Azure sent an event that is not JSON: ${event.data.slice(0, 80)}`);
      }
      tracker.observe(event);
      if (isDone(event)) return "stop";
      return tracker.ended ? "last" : "send";
    },
    afterLast(): void {
      if (tracker.failed) throw new IncompleteStreamError("upstream_error_event", "Azure ended the stream with an error event");
    },
    finish(): void {
      if (!tracker.complete) throw new IncompleteStreamError("upstream_closed", "Azure closed the stream before the answer was complete");
    },
  };
}

/**
 * A stream as the attempt left it: the events read for the decision, and the rest, unread (null when it
 * already ended). The relay empties `head` once its events are framed: they are not kept (parsed JSON,
 * and the text of the read they came in) for the rest of a stream that may last minutes.
 */
export interface StreamSource {
  readonly head: StreamEvent[];
  readonly rest: Required<SseEventSource> | null;
}

/** The decision's events, then the rest of the stream, up to (not including) `[DONE]`; throws when it ends incomplete. */
export async function* continueStream(
  head: readonly StreamEvent[],
  rest: SseEventSource | null,
): AsyncGenerator<StreamEvent, void, undefined> {
  const continuation = createContinuation();
  for (const event of head) {
    const disposition = continuation.accept(event);
    if (disposition === "stop") return;
    yield event;
    if (disposition === "last") return continuation.afterLast();
  }
  if (rest) {
    try {
      for await (const raw of rest) {
        const event = toStreamEvent(raw);
        const disposition = continuation.accept(event);
        if (disposition === "stop") return;
        yield event;
        // Azure's error or terminal event ends the answer: whatever the connection does next is not relayed.
        if (disposition === "last") return continuation.afterLast();
      }
    } finally {
      await rest.return();
    }
  }
  continuation.finish();
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
}

/** Normalises one event into those the client gets (none, one or more). */
export type EventStep = (event: StreamEvent) => readonly StreamEvent[];

/** What one batch of events came to: its frames, how the last event left the stream, and an error that ended it. */
interface FramedBatch {
  readonly text: string;
  readonly disposition: Disposition;
  /** The stream ended badly inside the batch: `text` holds what came before, which still goes out. */
  readonly failed: boolean;
  readonly error?: unknown;
}

type Continuation = ReturnType<typeof createContinuation>;

const asIs = (event: StreamEvent): StreamEvent => event;

/** Checks, normalises and frames a batch of events, up to the one that ends the stream. */
function frameBatch<T>(batch: readonly T[], toEvent: (item: T) => StreamEvent, continuation: Continuation, step: EventStep): FramedBatch {
  let text = "";
  let disposition: Disposition = "send";
  try {
    for (const item of batch) {
      const event = toEvent(item);
      disposition = continuation.accept(event);
      if (disposition === "stop") break;
      for (const out of step(event)) text += frameEvent(out);
      if (disposition === "last") break;
    }
  } catch (error) {
    return { text, disposition, failed: true, error };
  }
  return { text, disposition, failed: false };
}

/**
 * The relay's one loop over a stream source: completeness checks, the step, framing — no generator
 * between reading and writing but the reader's own. Every chunk it yields is one write to the client:
 * the decision's events go out together, then all the events each read of Azure's body brought (one
 * wait per read, not per event), and `[DONE]` (`done`, when the stream ends with it) with the last of
 * them. Returns whether `done` was sent; throws as continueStream does.
 */
async function* relaySource(source: StreamSource, step: EventStep, done: string): AsyncGenerator<string, boolean, undefined> {
  const continuation = createContinuation();
  const { rest } = source;
  let framed = frameBatch(source.head, asIs, continuation, step);
  source.head.length = 0;
  try {
    for (;;) {
      if (framed.disposition === "stop" && !framed.failed) {
        yield framed.text + done;
        return true;
      }
      // What came before an event that ended the stream badly still reaches the client, in order.
      if (framed.text !== "") yield framed.text;
      if (framed.failed) throw framed.error;
      if (framed.disposition === "last") {
        continuation.afterLast();
        return false;
      }
      const batch = rest ? await rest.nextBatch() : null;
      if (batch === null) {
        continuation.finish();
        return false;
      }
      framed = frameBatch(batch, toStreamEvent, continuation, step);
    }
  } finally {
    await rest?.return();
  }
}

/** A source relayed through a step, as frameStream's input. */
export interface SteppedSource {
  readonly source: StreamSource;
  readonly step: EventStep;
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
 * Frames events for the client, as SSE text, one chunk per write. If Azure's stream does not complete,
 * the client gets exactly one OpenAI-shaped error event (which the SDKs raise) before the end, never a
 * silently truncated answer.
 */
export async function* frameStream(
  events: AsyncIterable<StreamEvent> | SteppedSource,
  options: FrameOptions,
): AsyncGenerator<string, void, undefined> {
  let end: StreamEnd = "completed";
  let detail: string | undefined;
  let doneSent = false;
  try {
    try {
      if ("source" in events) doneSent = yield* relaySource(events.source, events.step, options.endWithDone ? DONE_FRAME : "");
      else for await (const event of events) yield frameEvent(event);
    } catch (error) {
      const cause = options.upstreamCause?.() ?? null;
      if (options.clientSignal.aborted && cause !== "shutdown") {
        end = "client_gone";
        return;
      }
      end = endOf(error, cause);
      detail = (error as Error).message;
      if (end !== "upstream_error_event") yield frameData(errorEventFor(end));
    }
    if (options.endWithDone && !doneSent) yield DONE_FRAME;
  } finally {
    if (end === "completed" && options.clientSignal.aborted) end = "client_gone";
    options.abortUpstream();
    options.onEnd?.(end, detail);
  }
}
