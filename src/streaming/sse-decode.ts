/** Reads a Server-Sent Events body as parsed events, with a real SSE parser (eventsource-parser). */
import { createParser, type EventSourceMessage } from "eventsource-parser";

export type SseEvent = EventSourceMessage;

/**
 * Yields each event of an SSE body as it arrives. Returning early (or the consumer's `finally`)
 * cancels the body, which closes the upstream connection. `onEvent` hears of each event as it comes
 * (the idle timeout's sign of life).
 *
 * One read loop feeding the parser directly: no TextDecoderStream or EventSourceParserStream in
 * between (each a TransformStream with its own queue, per open stream: measured, they cost ~14 µs of
 * CPU per 20-chunk stream and memory for every stream held open).
 */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
  onEvent?: () => void,
): AsyncGenerator<SseEvent, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parsed: SseEvent[] = [];
  const parser = createParser({ onEvent: (event) => void parsed.push(event) });
  let taken = 0;
  const drain = function* () {
    while (taken < parsed.length) {
      onEvent?.();
      yield parsed[taken++]!;
    }
    parsed.length = 0;
    taken = 0;
  };
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) {
        parser.feed(decoder.decode());
        yield* drain();
        return;
      }
      parser.feed(decoder.decode(value, { stream: true }));
      yield* drain();
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
