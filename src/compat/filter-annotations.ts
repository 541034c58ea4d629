/**
 * Collects the content-filter annotations Azure put on an answer, for the request's log line: what the
 * operator may need to act on. Only reads; removing the fields is strip-azure-fields.ts's job.
 */
import { isJsonObject, type Json } from "../json.ts";
import type { FilterAnnotation, ObserveContext } from "./compat-context.ts";

/** Top-level prompt annotations: `prompt_filter_results`, or `prompt_annotations` in 2023-06/07 previews (AZURE-FACTS §4.4). */
export const PROMPT_FILTER_KEYS = ["prompt_filter_results", "prompt_annotations"] as const;

/** True when any category of a results object says `filtered: true` or `detected: true`. */
export function isFilterFlagged(results: unknown): boolean {
  if (!isJsonObject(results)) return false;
  for (const key in results) {
    const category = results[key];
    if (isJsonObject(category) && (category.filtered === true || category.detected === true)) return true;
  }
  return false;
}

function hasKeys(object: Json): boolean {
  for (const _ in object) return true;
  return false;
}

function observe(ctx: ObserveContext, source: FilterAnnotation["source"], index: number, results: unknown): void {
  // An empty `{}` (Azure's role chunk) carries nothing an operator could act on. Called for every chunk
  // of a stream: one pass over the categories, no arrays made.
  if (!ctx.observeFilter || !isJsonObject(results) || !hasKeys(results)) return;
  const flagged = isFilterFlagged(results);
  if (flagged || !ctx.flaggedFiltersOnly) ctx.observeFilter({ source, index, results, flagged });
}

/** Reports a `prompt_filter_results` / `prompt_annotations` array: `[{prompt_index, content_filter_results}]`. */
export function collectPromptFilterResults(list: unknown, ctx: ObserveContext): void {
  if (!ctx.observeFilter || !Array.isArray(list)) return;
  list.forEach((entry: unknown, position) => {
    if (!isJsonObject(entry)) return;
    const index = typeof entry.prompt_index === "number" ? entry.prompt_index : position;
    observe(ctx, "prompt", index, entry.content_filter_results);
  });
}

/** Reports a body's (or chunk's) top-level prompt annotations. */
export function collectPromptAnnotations(body: Json, ctx: ObserveContext): void {
  if (!ctx.observeFilter) return;
  for (const key of PROMPT_FILTER_KEYS) collectPromptFilterResults(body[key], ctx);
}

/** Reports a choice's `content_filter_results`, under its index (or its position when it has none). */
export function collectChoiceAnnotations(choice: Json, position: number, ctx: ObserveContext): void {
  if (!ctx.observeFilter) return;
  observe(ctx, "choice", typeof choice.index === "number" ? choice.index : position, choice.content_filter_results);
}

/** Reports a whole successful body's annotations: prompt, per choice, per image (images carry both, §4.6). */
export function collectBodyAnnotations(body: Json, ctx: ObserveContext): void {
  if (!ctx.observeFilter) return;
  collectPromptAnnotations(body, ctx);
  if (Array.isArray(body.choices)) {
    body.choices.forEach((choice: unknown, i) => isJsonObject(choice) && collectChoiceAnnotations(choice, i, ctx));
  }
  if (Array.isArray(body.data)) {
    body.data.forEach((entry: unknown, i) => {
      if (!isJsonObject(entry)) return;
      observe(ctx, "prompt", i, entry.prompt_filter_results);
      observe(ctx, "choice", i, entry.content_filter_results);
    });
  }
}

/**
 * Reports the prompt filter's results carried by an error (wire `innererror.content_filter_result`, spec
 * `inner_error.content_filter_results`; §4.1 says to accept every mix).
 */
export function collectErrorAnnotations(error: Json, ctx: ObserveContext): void {
  for (const inner of [error.innererror, error.inner_error]) {
    if (!isJsonObject(inner)) continue;
    observe(ctx, "error", 0, inner.content_filter_result ?? inner.content_filter_results);
  }
}
