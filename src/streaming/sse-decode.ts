/** Reads a Server-Sent Events body as parsed events, with a real SSE parser (eventsource-parser). */
import { EventSourceParserStream, type EventSourceMessage } from "eventsource-parser/stream";

export type SseEvent = EventSourceMessage;

/**
 * Yields each event of an SSE body as it arrives. Returning early (or the consumer's `finally`)
 * cancels the body, which closes the upstream connection. `onEvent` hears of each event as it comes
 * (the idle timeout's sign of life).
 */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
  onEvent?: () => void,
): AsyncGenerator<SseEvent, void, undefined> {
  const reader = (body as ReadableStream<ArrayBufferView | ArrayBuffer>)
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      onEvent?.();
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
