/**
 * What an upstream attempt is, as plain data: the request sent, the result read up to the decision
 * point, and the handles that close it. The policy (classify, decide) and the relay read these types;
 * send-attempt.ts makes them.
 */
import type { AbortCause } from "../abort-cause.ts";
import type { SseEventSource } from "../streaming/sse-decode.ts";
import type { StreamEvent } from "../streaming/stream-event.ts";

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What to send: the Azure URL, headers and body. */
export interface UpstreamRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: RequestInit["body"];
}

export type AttemptResult =
  | { readonly kind: "unreachable"; readonly reason: "connection" | "timeout" | "idle"; readonly detail: string }
  | { readonly kind: "json"; readonly status: number; readonly headers: Headers; readonly body: unknown }
  | {
      readonly kind: "sse";
      readonly status: number;
      readonly headers: Headers;
      /**
       * Events read for the decision, the last one being the first with content (if any came). The relay
       * takes them: it empties this array once they are framed, so a long stream does not keep them.
       */
      readonly head: StreamEvent[];
      /** The rest of the stream, unread (readSseEvents' reader, batches included); null when it already ended. */
      readonly rest: Required<SseEventSource> | null;
      /** The stream ended before its decision point without Azure saying it was complete. */
      readonly endedEarly?: boolean;
    }
  | { readonly kind: "raw"; readonly status: number; readonly headers: Headers; readonly body: ReadableStream<Uint8Array> | null };

/** Why an attempt's connection was closed by haigpt (src/abort-cause.ts). */
export type { AbortCause };

/** An attempt's result and the handles that follow and close its connection. */
export interface UpstreamAttempt {
  readonly result: AttemptResult;
  /** Aborts the upstream request (idempotent): a discarded answer or a finished relay. */
  readonly abort: () => void;
  /** Why haigpt closed the connection, once it did; null while open or when Azure closed it. */
  readonly cause: () => AbortCause | null;
}
