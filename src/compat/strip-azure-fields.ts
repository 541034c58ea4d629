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

/** In strict mode, an error without `status`, `innererror` and `inner_error`. */
export function stripErrorFields(error: Json, ctx: Mode): Json {
  return ctx.mode === "strict" ? without(error, ERROR_KEYS) : error;
}
