/** Applies the chunk rules to a whole Azure event stream, and the model rule to Responses API streams. */
import type { StreamEvent } from "../streaming/stream-event.ts";
import { isJsonObject } from "../json.ts";
import { reportUsage, type CompatContext } from "./compat-context.ts";
import { INITIAL_CHUNK_STATE, normalizeChunk, normalizeOwnedChunk } from "./normalize-chunk.ts";

function toEvent(event: StreamEvent, json: unknown): StreamEvent {
  return { ...event, data: JSON.stringify(json), json };
}

/**
 * Normalises one event of a stream into the events the client gets (none, one, or more), synchronously.
 * A step owns the events it is given: it may change their parsed JSON (each is parsed for it alone).
 */
export type StreamStep = (event: StreamEvent) => readonly StreamEvent[];

/**
 * The step of a chat or legacy-completions stream: `normalizeChunk`, carrying its state from event to event.
 * Events without parsed JSON (`[DONE]`, non-JSON data) and chunks the rules leave alone pass through as they came.
 * Synchronous, so the relay runs it inside its own loop rather than as one more generator per stream.
 */
export function createStreamStep(kind: "chat" | "completions", ctx: CompatContext): StreamStep {
  let state = INITIAL_CHUNK_STATE;
  return (event) => {
    if (event.json === undefined) return [event];
    // The common chunk is changed in place and serialised once: no copies of it or of its choices.
    const owned = normalizeOwnedChunk(kind, event.json, state, ctx);
    if (owned) {
      state = owned;
      return [{ id: event.id, event: event.event, data: JSON.stringify(event.json), json: event.json }];
    }
    const step = normalizeChunk(kind, event.json, state, ctx);
    state = step.state;
    return step.chunks.map((chunk) => (chunk === event.json ? event : toEvent(event, chunk)));
  };
}

/** Applies a step to every event of a stream. */
export async function* applyStep(events: AsyncIterable<StreamEvent>, step: StreamStep): AsyncGenerator<StreamEvent> {
  for await (const event of events) yield* step(event);
}

/** Normalises a chat or legacy-completions stream (`createStreamStep` over every event). */
export function normalizeStream(kind: "chat" | "completions", events: AsyncIterable<StreamEvent>, ctx: CompatContext): AsyncGenerator<StreamEvent> {
  return applyStep(events, createStreamStep(kind, ctx));
}

/** The client's model name in place of Azure's, on `response.model` and on a top-level `model`. */
function replaceResponsesModel(json: unknown, model: string): unknown {
  if (!isJsonObject(json)) return json;
  const response = isJsonObject(json.response) && "model" in json.response ? { ...json.response, model } : json.response;
  if (response === json.response && !("model" in json)) return json;
  return { ...json, ...(response !== undefined && { response }), ...("model" in json && { model }) };
}

/**
 * The step of a Responses API stream (named events such as `response.created`): in strict mode the model name
 * the client asked for replaces Azure's; nothing else changes. Azure mode passes every event through.
 */
export function createResponsesStep(ctx: CompatContext): StreamStep {
  return (event) => {
    // `response.completed` carries the whole response, its usage included.
    if (isJsonObject(event.json) && isJsonObject(event.json.response)) reportUsage(event.json.response.usage, ctx);
    if (ctx.mode !== "strict" || event.json === undefined) return [event];
    const json = replaceResponsesModel(event.json, ctx.requestedModel);
    return [json === event.json ? event : toEvent(event, json)];
  };
}

/** Normalises a Responses API stream (`createResponsesStep` over every event). */
export function normalizeResponsesStream(events: AsyncIterable<StreamEvent>, ctx: CompatContext): AsyncGenerator<StreamEvent> {
  return applyStep(events, createResponsesStep(ctx));
}
