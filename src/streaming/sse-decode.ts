/** Reads a Server-Sent Events body as parsed events, with a real SSE parser (eventsource-parser). */
import { EventSourceParserStream, type EventSourceMessage } from "eventsource-parser/stream";

export type SseEvent = EventSourceMessage;

/**
 * Yields each event of an SSE body as it arrives. Returning early (or the consumer's `finally`)
 * cancels the body, which closes the upstream connection.
 */
export async function* readSseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent, void, undefined> {
  const reader = (body as ReadableStream<ArrayBufferView | ArrayBuffer>)
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
