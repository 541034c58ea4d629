/** An SSE event with its JSON data parsed once, so policy and relay need not parse it again. */
import { parseJson } from "../json.ts";
import type { SseEvent } from "./sse-decode.ts";
import { DONE_DATA } from "./sse-encode.ts";

export interface StreamEvent extends SseEvent {
  /** The parsed data; `undefined` for `[DONE]` and data that is not JSON. */
  readonly json: unknown;
}

export function toStreamEvent(event: SseEvent): StreamEvent {
  // Built field by field: a spread of the parser's object costs a generic copy per event.
  const { id, event: name, data } = event;
  return { id, event: name, data, json: data === DONE_DATA ? undefined : parseJson(data) };
}

export function isDone(event: SseEvent): boolean {
  return event.data === DONE_DATA;
}
