/** Normalises Azure's chat / legacy-completions stream chunks, one at a time, into chunks any OpenAI client can parse. */
import { isJsonObject, type Json } from "../json.ts";
import { reportUsage, type CompatContext } from "./compat-context.ts";
import { normalizeStreamError } from "./normalize-error.ts";
import { collectChoiceAnnotations, collectPromptAnnotations, PROMPT_FILTER_KEYS } from "./filter-annotations.ts";
import { stripChoiceFields, stripChoiceFieldsInPlace, stripPromptFields } from "./strip-azure-fields.ts";

/** What earlier chunks of the same stream told us. */
export interface ChunkState {
  /** The first non-empty `id` Azure sent; annotation chunks carry `""` (§4.4). */
  readonly id: string | null;
  /** The first non-zero `created`; annotation chunks carry `0`. */
  readonly created: number | null;
  /** The first non-empty `model`. */
  readonly model: string | null;
  /**
   * Azure mode only: prompt annotations from dropped empty-choices chunks, waiting for the next chunk sent,
   * as `{ prompt_filter_results: [...] }` or `{ prompt_annotations: [...] }` (the name Azure used).
   */
  readonly pendingPromptFilterResults: unknown | null;
}

/** The state before a stream's first chunk. */
export const INITIAL_CHUNK_STATE: ChunkState = Object.freeze({ id: null, created: null, model: null, pendingPromptFilterResults: null });

type StreamKind = "chat" | "completions";
type Step = { chunks: unknown[]; state: ChunkState };

const OBJECT_NAME = { chat: "chat.completion.chunk", completions: "text_completion" } as const;

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

function isSetTime(value: unknown): value is number {
  return typeof value === "number" && value !== 0;
}

function rememberStream(chunk: Json, state: ChunkState): ChunkState {
  // Once all three are known (from the first chunks on), every later chunk leaves the state as it is.
  if (state.id !== null && state.created !== null && state.model !== null) return state;
  return {
    ...state,
    id: state.id ?? (isNonEmptyString(chunk.id) ? chunk.id : null),
    created: state.created ?? (isSetTime(chunk.created) ? chunk.created : null),
    model: state.model ?? (isNonEmptyString(chunk.model) ? chunk.model : null),
  };
}

/** The prompt annotations a chunk carries, keyed by the name Azure used; arrays under the same name are joined. */
function mergePromptAnnotations(pending: unknown, chunk: Json): Json {
  const merged: Json = isJsonObject(pending) ? { ...pending } : {};
  for (const key of PROMPT_FILTER_KEYS) {
    if (!(key in chunk)) continue;
    const earlier = merged[key];
    const added = chunk[key];
    merged[key] = Array.isArray(earlier) && Array.isArray(added) ? [...earlier, ...added] : (added ?? earlier);
  }
  return merged;
}

/** Whether a choice carries a body the client's parser expects: `delta` (chat) or a string `text` (completions). */
function hasChoiceBody(kind: StreamKind, choice: Json): boolean {
  return kind === "chat" ? isJsonObject(choice.delta) : typeof choice.text === "string";
}

/**
 * A choice as the client may see it, or `null` for an asynchronous-filter annotation (§4.5: no `delta`)
 * that does not finish its choice; one that does (e.g. "content_filter") becomes an empty ordinary choice.
 */
function normalizeChoice(kind: StreamKind, choice: Json, position: number, ctx: CompatContext): Json | null {
  collectChoiceAnnotations(choice, position, ctx);
  const stripped = stripChoiceFields(choice, ctx);
  const index = typeof choice.index === "number" ? choice.index : position;
  if (hasChoiceBody(kind, choice)) return { ...stripped, index };
  if (choice.finish_reason === null || choice.finish_reason === undefined) return null;
  const body = kind === "chat" ? { delta: {} } : { text: "" };
  return { ...stripped, index, ...body, logprobs: stripped.logprobs ?? null, finish_reason: choice.finish_reason };
}

/** Gives a chunk the stream's `id`/`created` where Azure left them empty, the right `object`, and the model. */
function withoutUsage(chunk: Json): Json {
  const { usage: _usage, ...rest } = chunk;
  return rest;
}

function fillStreamFields(kind: StreamKind, chunk: Json, state: ChunkState, ctx: CompatContext): Json {
  const azureModel = isNonEmptyString(chunk.model) ? chunk.model : (state.model ?? ctx.requestedModel);
  return {
    ...(chunk.usage === null && ctx.mode === "strict" && ctx.clientAskedUsage === false ? withoutUsage(chunk) : chunk),
    id: isNonEmptyString(chunk.id) ? chunk.id : (state.id ?? ctx.fallbackId),
    object: OBJECT_NAME[kind],
    created: isSetTime(chunk.created) ? chunk.created : (state.created ?? ctx.nowSeconds()),
    model: ctx.mode === "strict" ? ctx.requestedModel : azureModel,
  };
}

function send(kind: StreamKind, chunk: Json, state: ChunkState, ctx: CompatContext): Step {
  const filled = fillStreamFields(kind, chunk, state, ctx);
  const pending = state.pendingPromptFilterResults;
  if (!isJsonObject(pending)) return { chunks: [filled], state };
  // Azure's own annotations go after the held ones, in the order they arrived.
  const attached = { ...filled, ...mergePromptAnnotations(pending, filled) };
  return { chunks: [attached], state: { ...state, pendingPromptFilterResults: null } };
}

/** Whether every choice is an ordinary one: an object with its index and a body (delta or text). */
function hasOrdinaryChoices(kind: StreamKind, choices: unknown[]): boolean {
  if (choices.length === 0) return false;
  for (const choice of choices) {
    if (!isJsonObject(choice) || typeof choice.index !== "number" || !hasChoiceBody(kind, choice)) return false;
  }
  return true;
}

/**
 * The common chunk, normalised in place: every choice ordinary, the chunk's own id, created, model and
 * object, no usage object, no prompt annotations, no prompt annotations held for it. What normalizeChunk
 * sends for such a chunk is the chunk with filter results (and a `"usage": null` the client did not ask
 * for) removed and, in strict mode, the client's model name: made by deleting and setting fields of the
 * parsed chunk instead of copying it, in the same key order. For a chunk nothing else holds (the relay
 * parses each event for its step alone). Returns the state after it, or null, changing nothing, for
 * every other chunk.
 */
export function normalizeOwnedChunk(kind: StreamKind, chunk: unknown, state: ChunkState, ctx: CompatContext): ChunkState | null {
  if (state.pendingPromptFilterResults !== null || !isJsonObject(chunk) || !Array.isArray(chunk.choices)) return null;
  if (!isNonEmptyString(chunk.id) || !isSetTime(chunk.created) || !isNonEmptyString(chunk.model) || chunk.object !== OBJECT_NAME[kind]) return null;
  if ((chunk.usage !== undefined && chunk.usage !== null) || "error" in chunk) return null;
  if (PROMPT_FILTER_KEYS.some((key) => key in chunk) || !hasOrdinaryChoices(kind, chunk.choices)) return null;
  const seen = rememberStream(chunk, state);
  const strict = ctx.mode === "strict";
  chunk.choices.forEach((choice: Json, position) => {
    collectChoiceAnnotations(choice, position, ctx);
    stripChoiceFieldsInPlace(choice, ctx);
  });
  if (chunk.usage === null && strict && ctx.clientAskedUsage === false) delete chunk.usage;
  if (strict) chunk.model = ctx.requestedModel;
  return seen;
}

/**
 * Normalises one parsed Azure stream chunk (chat or legacy completions) into zero or more chunks the client may see.
 * Error events become OpenAI errors; empty-choices prompt-annotation chunks and delta-less annotation choices are
 * dropped (their annotations reported, and in azure mode the prompt ones moved to the next chunk sent); the usage
 * chunk is kept; every chunk sent has `id`, `object`, `created` and `model`. Unknown shapes pass unchanged.
 */
export function normalizeChunk(kind: StreamKind, chunk: unknown, state: ChunkState, ctx: CompatContext): Step {
  if (!isJsonObject(chunk)) return { chunks: [chunk], state };
  if (isJsonObject(chunk.error)) return { chunks: [{ error: normalizeStreamError(chunk, ctx).error }], state };
  if (!Array.isArray(chunk.choices)) return { chunks: [chunk], state };
  const seen = rememberStream(chunk, state);
  const hasUsage = chunk.usage !== null && chunk.usage !== undefined;
  reportUsage(chunk.usage, ctx);
  collectPromptAnnotations(chunk, ctx);
  const top = stripPromptFields(chunk, ctx);
  if (chunk.choices.length === 0 && !hasUsage) {
    const held = PROMPT_FILTER_KEYS.some((key) => key in chunk);
    if (!held || ctx.mode === "strict") return { chunks: [], state: seen };
    return { chunks: [], state: { ...seen, pendingPromptFilterResults: mergePromptAnnotations(seen.pendingPromptFilterResults, chunk) } };
  }
  if (chunk.choices.length === 0) return send(kind, { ...top, choices: [] }, seen, ctx);
  const choices = chunk.choices.flatMap((choice: unknown, position) =>
    isJsonObject(choice) ? (normalizeChoice(kind, choice, position, ctx) ?? []) : [],
  );
  if (choices.length === 0) return { chunks: [], state: seen };
  return send(kind, { ...top, choices }, seen, ctx);
}
