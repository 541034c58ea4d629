/** Reads a Server-Sent Events body as parsed events, with a real SSE parser (eventsource-parser). */
import { createParser, type EventSourceMessage } from "eventsource-parser";

export type SseEvent = EventSourceMessage;

/**
 * Events of a stream, one at a time (`next`, `for await`) — and, where the source can, all those one
 * read of the body brought at once (`nextBatch`), so a relay pays one wait per read, not per event.
 * An async generator of events is a source too (without `nextBatch`).
 */
export interface SseEventSource extends AsyncIterable<SseEvent, void, undefined> {
  next(): Promise<IteratorResult<SseEvent, void>>;
  /** Stops reading and cancels the body (closing the upstream connection). */
  return(): Promise<IteratorResult<SseEvent, void>>;
  /** The events parsed and not yet taken, or those of the next read(s); null at the end. Never empty. */
  nextBatch?(): Promise<readonly SseEvent[] | null>;
}

/** decode()'s options for a body read in pieces, made once rather than per read. */
const STREAMING = { stream: true } as const;

/**
 * Reads an SSE body as events as they arrive. `return()` (or the consumer's `for await` ending early)
 * cancels the body, which closes the upstream connection. `onEvent` hears of each event as it is taken
 * (the idle timeout's sign of life). One read loop feeding the parser directly: no TextDecoderStream or
 * EventSourceParserStream in between (measured: ~14 µs of CPU per 20-chunk stream and a queue each).
 * The events read but not yet taken stay with the reader, so the attempt's decision can stop after any
 * event and the relay goes on from the next one: one iterator from the first event to the last.
 */
export function readSseEvents(body: ReadableStream<Uint8Array>, onEvent?: () => void): Required<SseEventSource> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let parsed: SseEvent[] = [];
  let taken = 0;
  let ended = false;
  const parser = createParser({ onEvent: (event) => void parsed.push(event) });
  const stop = () => {
    ended = true;
    reader.cancel().catch(() => {});
  };
  // Reads until an event is waiting (true) or the body has ended (false).
  const fill = async (): Promise<boolean> => {
    while (taken >= parsed.length) {
      if (ended) return false;
      parsed = [];
      taken = 0;
      let read: Awaited<ReturnType<typeof reader.read>>;
      try {
        read = await reader.read();
      } catch (error) {
        stop();
        throw error;
      }
      if (read.done) {
        ended = true;
        parser.feed(decoder.decode());
      } else parser.feed(decoder.decode(read.value, STREAMING));
    }
    return true;
  };
  const finished = { done: true, value: undefined } as const;
  const source: Required<SseEventSource> = {
    async next() {
      if (!(await fill())) return finished;
      onEvent?.();
      return { done: false, value: parsed[taken++]! };
    },
    async nextBatch() {
      if (!(await fill())) return null;
      const batch = taken === 0 ? parsed : parsed.slice(taken);
      taken = parsed.length;
      if (onEvent) for (let i = 0; i < batch.length; i++) onEvent();
      return batch;
    },
    async return() {
      stop();
      parsed = [];
      taken = 0;
      return finished;
    },
    [Symbol.asyncIterator]: () => ({ next: source.next, return: source.return }),
  };
  return source;
}
