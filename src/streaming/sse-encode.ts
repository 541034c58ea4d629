/**
 * Frames events for the client as SSE text; the runtime writes the text into the response as UTF-8
 * (runtime.ts), so nothing here makes bytes.
 */
import type { SseEvent } from "./sse-decode.ts";

/** The terminator OpenAI streams end with. */
export const DONE_DATA = "[DONE]";

/** One SSE frame as text: `event:` only when the event is named, each data line prefixed. */
export function frameEvent(event: Pick<SseEvent, "event" | "data">): string {
  const name = event.event ? `event: ${event.event}\n` : "";
  // JSON from Azure is one line: the common case needs no split.
  const data = event.data.includes("\n") ? event.data.replaceAll("\n", "\ndata: ") : event.data;
  return `${name}data: ${data}\n\n`;
}

/** A `data:` frame carrying a JSON value. */
export function frameData(value: unknown): string {
  return frameEvent({ data: JSON.stringify(value) });
}

/** `data: [DONE]`, made once. */
export const DONE_FRAME = frameEvent({ data: DONE_DATA });
