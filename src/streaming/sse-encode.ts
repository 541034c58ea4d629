/** Frames events for the client as bytes; yielding bytes keeps Elysia from framing them a second time. */
import type { SseEvent } from "./sse-decode.ts";

const encoder = new TextEncoder();

/** The terminator OpenAI streams end with. */
export const DONE_DATA = "[DONE]";

/** One SSE frame: `event:` only when the event is named, each data line prefixed. */
export function encodeEvent(event: Pick<SseEvent, "event" | "data">): Uint8Array {
  const name = event.event ? `event: ${event.event}\n` : "";
  // JSON from Azure is one line: the common case needs no split.
  const data = event.data.includes("\n") ? event.data.replaceAll("\n", "\ndata: ") : event.data;
  return encoder.encode(`${name}data: ${data}\n\n`);
}

/** A `data:` frame carrying a JSON value. */
export function encodeData(value: unknown): Uint8Array {
  return encodeEvent({ data: JSON.stringify(value) });
}

/** `data: [DONE]`. */
export function encodeDone(): Uint8Array {
  return encodeEvent({ data: DONE_DATA });
}
