/** Frames events for the client as bytes; yielding bytes keeps Elysia from framing them a second time. */
import type { SseEvent } from "./sse-decode.ts";

const encoder = new TextEncoder();

/** The terminator OpenAI streams end with. */
export const DONE_DATA = "[DONE]";

/** One SSE frame as text: `event:` only when the event is named, each data line prefixed. */
export function frameEvent(event: Pick<SseEvent, "event" | "data">): string {
  const name = event.event ? `event: ${event.event}\n` : "";
  // JSON from Azure is one line: the common case needs no split.
  const data = event.data.includes("\n") ? event.data.replaceAll("\n", "\ndata: ") : event.data;
  return `${name}data: ${data}\n\n`;
}

/** One SSE frame as bytes. */
export function encodeEvent(event: Pick<SseEvent, "event" | "data">): Uint8Array {
  return encoder.encode(frameEvent(event));
}

/** Text (frames joined) as bytes. */
export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A `data:` frame carrying a JSON value. */
export function encodeData(value: unknown): Uint8Array {
  return encodeEvent({ data: JSON.stringify(value) });
}

/** `data: [DONE]`. */
export function encodeDone(): Uint8Array {
  return encodeEvent({ data: DONE_DATA });
}
