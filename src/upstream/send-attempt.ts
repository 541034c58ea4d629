/**
 * One upstream attempt: send the request to Azure and read just enough of the answer for the
 * retry/failover decision — the whole body of a JSON or error answer, the first events of a stream.
 * The first-byte timeout runs from the moment the whole request (an upload included) has been sent
 * until the answer decides the attempt; after that, the idle timeout ends a body that goes quiet.
 * Redirects are never followed: the key and the prompt go to Azure's own host or nowhere.
 */
import { ClientGoneError } from "../errors/client-gone.ts";
import { readSseEvents, type SseEventSource } from "../streaming/sse-decode.ts";
import { isCompleteStream } from "../streaming/stream-completion.ts";
import { isDone, toStreamEvent, type StreamEvent } from "../streaming/stream-event.ts";
import { parseJson } from "../json.ts";
import type { AbortCause, AttemptResult, FetchLike, UpstreamAttempt, UpstreamRequest } from "./attempt.ts";
import type { ConnectionSlots } from "./connection-slots.ts";
import { createWatchdog, type Watchdog } from "./watchdog.ts";

export interface AttemptOptions {
  readonly fetch: FetchLike;
  /** First-byte timeout of this attempt (already capped by the time the request has left). */
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Aborts with reason "client_gone" or "shutdown" (one wiring per request, made by the caller). */
  readonly requestSignal: AbortSignal;
  /** Whether a stream event ends the part of the stream the decision may read. */
  readonly endsHead: (event: StreamEvent) => boolean;
  /** Calls `onAbort` when `requestSignal` aborts, until undone (the request's one wiring); else a listener per attempt. */
  readonly watchRequest?: (onAbort: () => void) => () => void;
  /** Waiting for a free upstream connection happens here, before the first-byte timeout starts. */
  readonly slots?: ConnectionSlots;
}

/** Events held before the decision point at most (their data, in UTF-16 units): beyond it, the stream is relayed. */
export const HEAD_LIMIT = 1024 * 1024;

async function readHead(
  events: SseEventSource,
  endsHead: (event: StreamEvent) => boolean,
): Promise<{ head: StreamEvent[]; ended: boolean; decided: boolean }> {
  const head: StreamEvent[] = [];
  let held = 0;
  while (true) {
    const next = await events.next();
    if (next.done) return { head, ended: true, decided: false };
    const event = toStreamEvent(next.value);
    head.push(event);
    if (isDone(event)) return { head, ended: true, decided: false };
    if (endsHead(event)) return { head, ended: false, decided: true };
    held += event.data.length;
    // Nothing decided within the bound: relay what was held rather than hold more.
    if (held > HEAD_LIMIT) return { head, ended: false, decided: true };
  }
}

/** Bodies up to this declared size are read natively in one go (Azure's answers are a few KB). */
const SMALL_BODY = 256 * 1024;

/**
 * A body's text. A small body of declared length is read natively, the idle timeout bounding the whole
 * read; any other is read chunk by chunk so that each chunk counts as a sign of life.
 */
async function readText(response: Response, watchdog: Watchdog): Promise<string> {
  // `body` is not touched on the native path: reading it makes the runtime build a ReadableStream.
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared <= SMALL_BODY) return response.text();
  const body = response.body;
  if (!body) return "";
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of body) {
    watchdog.touch();
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/** A raw body (audio) passed on as it arrives, each chunk a sign of life; `done` once it has all gone. */
function watchBody(body: ReadableStream<Uint8Array> | null, watchdog: Watchdog, done: () => void): ReadableStream<Uint8Array> | null {
  if (!body) return (done(), null);
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, out) => (watchdog.touch(), out.enqueue(chunk)),
      flush: done,
    }),
  );
}

/**
 * An upload on which the first-byte deadline runs only while Azure has not taken what haigpt holds:
 * it pauses while haigpt waits for the client's next bytes (a slow client is not Azure's fault), runs
 * again once a piece is handed over, and from the last byte on until the answer decides the attempt.
 */
function watchUpload(body: ReadableStream<Uint8Array>, run: () => void, pause: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(out) {
      pause();
      const { done, value } = await reader.read();
      if (done) out.close();
      else out.enqueue(value);
      run();
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

async function readAnswer(response: Response, options: AttemptOptions, watchdog: Watchdog, done: () => void): Promise<AttemptResult> {
  const { status, headers } = response;
  const type = headers.get("content-type") ?? "";
  const ok = status >= 200 && status < 300;
  if (status >= 300 && status < 400) {
    await response.body?.cancel().catch(() => {});
    return { kind: "json", status, headers, body: null };
  }
  if (ok && type.includes("text/event-stream") && response.body) {
    const events = readSseEvents(response.body, () => watchdog.touch());
    const { head, ended, decided } = await readHead(events, options.endsHead);
    watchdog.idle(options.idleTimeoutMs, "idle_timeout");
    if (ended) await events.return();
    const endedEarly = ended && !decided && !isCompleteStream(head);
    return { kind: "sse", status, headers, head, rest: ended ? null : events, ...(endedEarly ? { endedEarly } : {}) };
  }
  // The answer has come; a body that follows slowly is not a reason to send the request again.
  watchdog.idle(options.idleTimeoutMs, "idle_timeout");
  // An HTML page is never an Azure OpenAI answer (a gateway or login wall in between): read it to report it.
  if (!ok || type.includes("application/json") || type.includes("text/html")) {
    const text = await readText(response, watchdog);
    return { kind: "json", status, headers, body: parseJson(text) ?? (text === "" ? null : text) };
  }
  return { kind: "raw", status, headers, body: watchBody(response.body, watchdog, done) };
}

function listenOnce(signal: AbortSignal, onAbort: () => void): () => void {
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

/**
 * Sends one attempt and reads it up to the decision point. Connection failures and timeouts become
 * `unreachable` results; a request aborted for the client or for shutdown throws ClientGoneError.
 */
export async function sendAttempt(request: UpstreamRequest, options: AttemptOptions): Promise<UpstreamAttempt> {
  const { requestSignal } = options;
  if (requestSignal.aborted) throw new ClientGoneError();
  const controller = new AbortController();
  let cause: AbortCause | null = null;
  const close = (why: AbortCause) => {
    cause ??= why;
    controller.abort(why);
  };
  // The watchdog's causes are the attempt's timeouts (AbortCause strings): `close` takes them as they are.
  const watchdog = createWatchdog(close as (why: string) => void);
  const onRequestAborted = () => close(requestSignal.reason === "shutdown" ? "shutdown" : "client_gone");
  const unwatch = options.watchRequest?.(onRequestAborted) ?? listenOnce(requestSignal, onRequestAborted);
  let releaseSlot: (() => void) | null = null;
  let finished = false;
  // Undoes the attempt's wiring and gives its connection slot back, once.
  const finish = () => {
    if (finished) return;
    finished = true;
    unwatch();
    watchdog.stop();
    releaseSlot?.();
  };
  const abort = () => {
    if (finished) return;
    finish();
    if (!controller.signal.aborted) close("discarded");
  };
  if (options.slots) {
    // Time spent waiting for a local connection is not Azure's: the deadline starts after it.
    try {
      releaseSlot = await options.slots.take(requestSignal);
    } catch {
      abort();
      throw new ClientGoneError();
    }
  }
  const body = request.body ?? null;
  const init: RequestInit & { duplex?: "half" } = { method: request.method, headers: request.headers, body, signal: controller.signal, redirect: "manual" };
  if (body instanceof ReadableStream) {
    init.body = watchUpload(body, () => watchdog.deadline(options.timeoutMs, "first_byte_timeout"), () => watchdog.stop());
    // Node's fetch needs this for streamed request bodies; Bun and Deno ignore it.
    init.duplex = "half";
  } else watchdog.deadline(options.timeoutMs, "first_byte_timeout");
  try {
    const response = await options.fetch(request.url, init);
    const result = await readAnswer(response, options, watchdog, abort);
    // A JSON answer read to its end holds no connection: nothing is left to abort, only to undo.
    if (result.kind === "json") finish();
    return { result, abort, cause: () => cause };
  } catch (error) {
    const why = cause as AbortCause | null;
    abort();
    if (why === "client_gone" || why === "shutdown" || requestSignal.aborted) throw new ClientGoneError();
    const unreachable = (reason: "connection" | "timeout" | "idle", detail: string): UpstreamAttempt => ({
      result: { kind: "unreachable", reason, detail },
      abort,
      cause: () => why,
    });
    if (why === "first_byte_timeout") return unreachable("timeout", `no answer within ${options.timeoutMs} ms of the request being sent`);
    if (why === "idle_timeout") return unreachable("idle", `the answer stopped for ${options.idleTimeoutMs} ms`);
    return unreachable("connection", (error as Error).message);
  }
}
