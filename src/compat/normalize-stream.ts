/** Applies the chunk rules to a whole Azure event stream, and the model rule to Responses API streams. */
import type { StreamEvent } from "../streaming/stream-event.ts";
import { isJsonObject } from "../json.ts";
import { reportUsage, type CompatContext } from "./compat-context.ts";
import { INITIAL_CHUNK_STATE, normalizeChunk } from "./normalize-chunk.ts";

function toEvent(event: StreamEvent, json: unknown): StreamEvent {
  return { ...event, data: JSON.stringify(json), json };
}

/**
 * Normalises a chat or legacy-completions stream with `normalizeChunk`, carrying its state from event to event.
 * Events without parsed JSON (`[DONE]`, non-JSON data) and chunks the rules leave alone pass through as they came.
 */
export async function* normalizeStream(
  kind: "chat" | "completions",
  events: AsyncIterable<StreamEvent>,
  ctx: CompatContext,
): AsyncGenerator<StreamEvent> {
  let state = INITIAL_CHUNK_STATE;
  for await (const event of events) {
    if (event.json === undefined) {
      yield event;
      continue;
    }
    const step = normalizeChunk(kind, event.json, state, ctx);
    state = step.state;
    for (const chunk of step.chunks) yield chunk === event.json ? event : toEvent(event, chunk);
  }
}

/** The client's model name in place of Azure's, on `response.model` and on a top-level `model`. */
function replaceResponsesModel(json: unknown, model: string): unknown {
  if (!isJsonObject(json)) return json;
  const response = isJsonObject(json.response) && "model" in json.response ? { ...json.response, model } : json.response;
  if (response === json.response && !("model" in json)) return json;
  return { ...json, ...(response !== undefined && { response }), ...("model" in json && { model }) };
}

/**
 * Normalises a Responses API stream (named events such as `response.created`): in strict mode the model name
 * the client asked for replaces Azure's; nothing else changes. Azure mode passes every event through.
 */
export async function* normalizeResponsesStream(events: AsyncIterable<StreamEvent>, ctx: CompatContext): AsyncGenerator<StreamEvent> {
  for await (const event of events) {
    // `response.completed` carries the whole response, its usage included.
    if (isJsonObject(event.json) && isJsonObject(event.json.response)) reportUsage(event.json.response.usage, ctx);
    if (ctx.mode !== "strict" || event.json === undefined) {
      yield event;
      continue;
    }
    const json = replaceResponsesModel(event.json, ctx.requestedModel);
    yield json === event.json ? event : toEvent(event, json);
  }
}
