/** Removes Azure-only fields (content-filter annotations, error extras) in strict mode; azure mode keeps them. */
import { isJsonObject, type Json } from "../json.ts";
import type { ObserveContext } from "./compat-context.ts";
import { PROMPT_FILTER_KEYS } from "./filter-annotations.ts";

export { PROMPT_FILTER_KEYS };

type Mode = Pick<ObserveContext, "mode">;

const CHOICE_KEYS = ["content_filter_results", "content_filter_offsets"];
const IMAGE_KEYS = ["content_filter_results", "prompt_filter_results"];
const ERROR_KEYS = ["status", "innererror", "inner_error"];

/** `object` without `keys`, in the same key order; `object` itself when it has none of them (no copy). */
function without(object: Json, keys: readonly string[]): Json {
  let present = false;
  for (const key of keys) if (Object.hasOwn(object, key)) present = true;
  if (!present) return object;
  const copy: Json = {};
  for (const key in object) if (Object.hasOwn(object, key) && !keys.includes(key)) copy[key] = object[key];
  return copy;
}

/** In strict mode, a body without its top-level prompt annotations. */
export function stripPromptFields(body: Json, ctx: Mode): Json {
  return ctx.mode === "strict" ? without(body, PROMPT_FILTER_KEYS) : body;
}

/** In strict mode, a choice without `content_filter_results` and `content_filter_offsets`. */
export function stripChoiceFields(choice: Json, ctx: Mode): Json {
  return ctx.mode === "strict" ? without(choice, CHOICE_KEYS) : choice;
}

function mapObjects(list: unknown[], step: (entry: Json) => Json): unknown[] {
  return list.map((entry) => (isJsonObject(entry) ? step(entry) : entry));
}

/**
 * In strict mode, removes the Azure-only fields of a successful body: top-level prompt annotations,
 * per-choice filter results and offsets, per-image filter results (images put both on each `data[]`
 * entry, §4.6). Returns a new object; azure mode returns `body`.
 */
export function stripAzureFields(body: Json, ctx: Mode): Json {
  if (ctx.mode !== "strict") return body;
  const stripped = stripPromptFields(body, ctx);
  const choices = Array.isArray(body.choices) ? mapObjects(body.choices, (choice) => stripChoiceFields(choice, ctx)) : undefined;
  const data = Array.isArray(body.data) ? mapObjects(body.data, (entry) => without(entry, IMAGE_KEYS)) : undefined;
  return { ...stripped, ...(choices && { choices }), ...(data && { data }) };
}

/** Deletes those of `keys` that `object` has (deleting an absent key would still change its shape). */
function deleteKeys(object: Json, keys: readonly string[]): void {
  for (const key of keys) if (Object.hasOwn(object, key)) delete object[key];
}

/** In strict mode, deletes a choice's `content_filter_results` and `content_filter_offsets` (stripChoiceFields in place). */
export function stripChoiceFieldsInPlace(choice: Json, ctx: Mode): void {
  if (ctx.mode === "strict") deleteKeys(choice, CHOICE_KEYS);
}

/**
 * stripAzureFields in place: the same fields deleted from `body` itself, same keys in the same order
 * left, for a body nothing else holds (Azure's answer as the attempt parsed it).
 */
export function stripAzureFieldsInPlace(body: Json, ctx: Mode): void {
  if (ctx.mode !== "strict") return;
  deleteKeys(body, PROMPT_FILTER_KEYS);
  if (Array.isArray(body.choices)) for (const choice of body.choices) if (isJsonObject(choice)) deleteKeys(choice, CHOICE_KEYS);
  if (Array.isArray(body.data)) for (const entry of body.data) if (isJsonObject(entry)) deleteKeys(entry, IMAGE_KEYS);
}

/** In strict mode, an error without `status`, `innererror` and `inner_error`. */
export function stripErrorFields(error: Json, ctx: Mode): Json {
  return ctx.mode === "strict" ? without(error, ERROR_KEYS) : error;
}
