/** Shared helpers for the compatibility-layer tests: a context that records what it observes, and deep key search. */
import type { CompatContext, CompatMode, FilterAnnotation } from "../../src/compat/compat-context.ts";

export const REQUESTED_MODEL = "gpt-4o";
export const FALLBACK_ID = "chatcmpl-haigpt-req1";
export const NOW_SECONDS = 1_800_000_000;

/** Azure-only field names (AZURE-FACTS §6.1) that a strict-mode client must never see. */
export const AZURE_ONLY_KEYS = [
  "prompt_filter_results",
  "prompt_annotations",
  "content_filter_results",
  "content_filter_offsets",
  "innererror",
  "inner_error",
  "status",
];

/** A context whose `observeFilter` records into `observed`. */
export function makeContext(mode: CompatMode, overrides: Partial<CompatContext> = {}): { ctx: CompatContext; observed: FilterAnnotation[] } {
  const observed: FilterAnnotation[] = [];
  const ctx: CompatContext = {
    mode,
    requestedModel: REQUESTED_MODEL,
    fallbackId: FALLBACK_ID,
    nowSeconds: () => NOW_SECONDS,
    observeFilter: (annotation) => observed.push(annotation),
    ...overrides,
  };
  return { ctx, observed };
}

/** Every key (at any depth) of a JSON value that is one of `keys`. */
export function findKeys(value: unknown, keys: readonly string[]): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => findKeys(item, keys));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [...(keys.includes(key) ? [key] : []), ...findKeys(inner, keys)]);
}

/** A deep copy, to check later that a function left its input alone. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}
