/**
 * One upstream attempt: send the request to Azure and read just enough of the answer for the
 * retry/failover decision — the whole body of a JSON or error answer, the first events of a stream.
 * The first-byte timeout covers exactly that; it is cleared once the attempt is read.
 */
import { readSseEvents, type SseEvent } from "../streaming/sse-decode.ts";
import { isDone, toStreamEvent, type StreamEvent } from "../streaming/stream-event.ts";
import { parseJson } from "../json.ts";

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What to send: the Azure URL, headers and body. */
export interface UpstreamRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: RequestInit["body"];
}

export type AttemptResult =
  | { readonly kind: "unreachable"; readonly reason: "connection" | "timeout"; readonly detail: string }
  | { readonly kind: "json"; readonly status: number; readonly headers: Headers; readonly body: unknown }
  | {
      readonly kind: "sse";
      readonly status: number;
      readonly headers: Headers;
      /** Events read for the decision, the last one being the first with content (if any came). */
      readonly head: readonly StreamEvent[];
      /** The rest of the stream, unread; null when the stream already ended. */
      readonly rest: AsyncGenerator<SseEvent, void, undefined> | null;
    }
  | { readonly kind: "raw"; readonly status: number; readonly headers: Headers; readonly body: ReadableStream<Uint8Array> | null };

/** An attempt's result and the handle that closes its connection. */
export interface UpstreamAttempt {
  readonly result: AttemptResult;
  /** Aborts the upstream request (idempotent): a discarded answer or a client that went away. */
  readonly abort: () => void;
}

/** Raised when the client disconnected: nothing more is sent upstream or to the client. */
export class ClientGoneError extends Error {
  constructor() {
    super("client disconnected");
    this.name = "ClientGoneError";
  }
}

export interface AttemptOptions {
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly clientSignal: AbortSignal;
  /** Whether a stream event ends the part of the stream the decision may read. */
  readonly endsHead: (event: StreamEvent) => boolean;
}

const TIMEOUT = Symbol("first-byte timeout");

async function readHead(
  events: AsyncGenerator<SseEvent, void, undefined>,
  endsHead: (event: StreamEvent) => boolean,
): Promise<{ head: StreamEvent[]; ended: boolean }> {
  const head: StreamEvent[] = [];
  while (true) {
    const next = await events.next();
    if (next.done) return { head, ended: true };
    const event = toStreamEvent(next.value);
    head.push(event);
    if (isDone(event)) return { head, ended: true };
    if (endsHead(event)) return { head, ended: false };
  }
}

async function readAnswer(response: Response, endsHead: AttemptOptions["endsHead"]): Promise<AttemptResult> {
  const { status, headers } = response;
  const type = headers.get("content-type") ?? "";
  const ok = status >= 200 && status < 300;
  if (ok && type.includes("text/event-stream") && response.body) {
    const events = readSseEvents(response.body);
    const { head, ended } = await readHead(events, endsHead);
    if (ended) await events.return();
    return { kind: "sse", status, headers, head, rest: ended ? null : events };
  }
  if (!ok || type.includes("application/json")) {
    const text = await response.text();
    return { kind: "json", status, headers, body: parseJson(text) ?? (text === "" ? null : text) };
  }
  return { kind: "raw", status, headers, body: response.body };
}

/**
 * Sends one attempt and reads it up to the decision point. Connection failures and the first-byte
 * timeout become `unreachable` results; a client disconnect throws ClientGoneError.
 */
export async function sendAttempt(request: UpstreamRequest, options: AttemptOptions): Promise<UpstreamAttempt> {
  const { clientSignal } = options;
  if (clientSignal.aborted) throw new ClientGoneError();
  const controller = new AbortController();
  const onClientGone = () => controller.abort(new ClientGoneError());
  clientSignal.addEventListener("abort", onClientGone, { once: true });
  const abort = () => {
    clientSignal.removeEventListener("abort", onClientGone);
    controller.abort();
  };
  const timer = setTimeout(() => controller.abort(TIMEOUT), options.timeoutMs);
  try {
    const response = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: controller.signal,
      // Node's fetch needs this for streamed request bodies; Bun and Deno ignore it.
      ...(request.body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit);
    const result = await readAnswer(response, options.endsHead);
    if (result.kind === "json") abort();
    return { result, abort };
  } catch (error) {
    abort();
    if (clientSignal.aborted) throw new ClientGoneError();
    if (controller.signal.reason === TIMEOUT) {
      return { result: { kind: "unreachable", reason: "timeout", detail: `no answer within ${options.timeoutMs} ms` }, abort };
    }
    return { result: { kind: "unreachable", reason: "connection", detail: (error as Error).message }, abort };
  } finally {
    clearTimeout(timer);
  }
}
