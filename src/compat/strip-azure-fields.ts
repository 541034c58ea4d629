/** Removes Azure-only fields (content-filter annotations, error extras) and reports the annotations to the operator. */
import { isJsonObject, type Json } from "../json.ts";
import type { FilterAnnotation, ObserveContext } from "./compat-context.ts";

/** Top-level prompt annotations: `prompt_filter_results`, or `prompt_annotations` in 2023-06/07 previews (AZURE-FACTS §4.4). */
export const PROMPT_FILTER_KEYS = ["prompt_filter_results", "prompt_annotations"] as const;
const CHOICE_KEYS = ["content_filter_results", "content_filter_offsets"];
const IMAGE_KEYS = ["content_filter_results", "prompt_filter_results"];
const ERROR_KEYS = ["status", "innererror", "inner_error"];

/** True when any category of a results object says `filtered: true` or `detected: true`. */
export function isFilterFlagged(results: unknown): boolean {
  if (!isJsonObject(results)) return false;
  return Object.values(results).some((category) => isJsonObject(category) && (category.filtered === true || category.detected === true));
}

function observe(ctx: ObserveContext, source: FilterAnnotation["source"], index: number, results: unknown): void {
  // An empty `{}` (Azure's role chunk) carries nothing an operator could act on.
  if (!ctx.observeFilter || !isJsonObject(results) || Object.keys(results).length === 0) return;
  ctx.observeFilter({ source, index, results, flagged: isFilterFlagged(results) });
}

/** `object` without `keys`, in the same key order; `object` itself when it has none of them (no copy). */
function without(object: Json, keys: readonly string[]): Json {
  let present = false;
  for (const key of keys) if (Object.hasOwn(object, key)) present = true;
  if (!present) return object;
  const copy: Json = {};
  for (const key in object) if (Object.hasOwn(object, key) && !keys.includes(key)) copy[key] = object[key];
  return copy;
}

/** Reports a `prompt_filter_results` / `prompt_annotations` array: `[{prompt_index, content_filter_results}]`. */
export function observePromptFilterResults(list: unknown, ctx: ObserveContext): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry: unknown, position) => {
    if (!isJsonObject(entry)) return;
    const index = typeof entry.prompt_index === "number" ? entry.prompt_index : position;
    observe(ctx, "prompt", index, entry.content_filter_results);
  });
}

/** Reports a body's top-level prompt annotations and, in strict mode, removes them. */
export function stripPromptFields(body: Json, ctx: ObserveContext): Json {
  for (const key of PROMPT_FILTER_KEYS) observePromptFilterResults(body[key], ctx);
  return ctx.mode === "strict" ? without(body, PROMPT_FILTER_KEYS) : body;
}

/** Reports a choice's `content_filter_results` and, in strict mode, removes it and `content_filter_offsets`. */
export function stripChoiceFields(choice: Json, position: number, ctx: ObserveContext): Json {
  observe(ctx, "choice", typeof choice.index === "number" ? choice.index : position, choice.content_filter_results);
  return ctx.mode === "strict" ? without(choice, CHOICE_KEYS) : choice;
}

/** Images put both annotations on each `data[]` entry, the prompt one as an object, not an array (§4.6). */
function stripImageFields(entry: Json, position: number, ctx: ObserveContext): Json {
  observe(ctx, "prompt", position, entry.prompt_filter_results);
  observe(ctx, "choice", position, entry.content_filter_results);
  return ctx.mode === "strict" ? without(entry, IMAGE_KEYS) : entry;
}

function mapObjects(list: unknown[], step: (entry: Json, position: number) => Json): unknown[] {
  return list.map((entry, position) => (isJsonObject(entry) ? step(entry, position) : entry));
}

/**
 * Reports and (strict mode) removes the Azure-only fields of a successful body: top-level prompt annotations,
 * per-choice filter results and offsets, per-image filter results. Returns a new object; azure mode returns `body`.
 */
export function stripAzureFields(body: Json, ctx: ObserveContext): Json {
  const stripped = stripPromptFields(body, ctx);
  const choices = Array.isArray(body.choices) ? mapObjects(body.choices, (choice, i) => stripChoiceFields(choice, i, ctx)) : undefined;
  const data = Array.isArray(body.data) ? mapObjects(body.data, (entry, i) => stripImageFields(entry, i, ctx)) : undefined;
  if (ctx.mode !== "strict") return body;
  return { ...stripped, ...(choices && { choices }), ...(data && { data }) };
}

/**
 * Reports the prompt filter's results carried by an error (wire `innererror.content_filter_result`, spec
 * `inner_error.content_filter_results`; §4.1 says to accept every mix) and, in strict mode, removes
 * `status`, `innererror` and `inner_error`.
 */
export function stripErrorFields(error: Json, ctx: ObserveContext): Json {
  for (const inner of [error.innererror, error.inner_error]) {
    if (!isJsonObject(inner)) continue;
    observe(ctx, "error", 0, inner.content_filter_result ?? inner.content_filter_results);
  }
  return ctx.mode === "strict" ? without(error, ERROR_KEYS) : error;
}
