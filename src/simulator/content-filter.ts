// Builders of Azure content-filter result objects (AZURE-FACTS §4.3, spec contentFilter* schemas).

const SEVERITY_CATEGORIES = ["hate", "self_harm", "sexual", "violence"] as const;
const DETECTED_CATEGORIES = ["jailbreak", "protected_material_code", "protected_material_text", "profanity"];

type SeverityResult = { filtered: boolean; severity: string };
type DetectedResult = { filtered: boolean; detected: boolean };
/** Category name → result, as in `content_filter_results`. */
export type FilterResults = Record<string, SeverityResult | DetectedResult>;

/** The category a directive names, defaulting to "violence" (the §4.1 wire example). */
export function resolveFilterCategory(arg: string | undefined): string {
  const known = [...SEVERITY_CATEGORIES, ...DETECTED_CATEGORIES] as string[];
  return arg !== undefined && known.includes(arg) ? arg : "violence";
}

/** Copy of `results` with keys in alphabetical order (as Azure sends them) and `category` marked filtered. */
function markFiltered(results: FilterResults, category: string | undefined): FilterResults {
  const hit = category !== undefined && DETECTED_CATEGORIES.includes(category)
    ? { filtered: true, detected: true }
    : { filtered: true, severity: "medium" };
  const keys = new Set([...Object.keys(results), ...(category === undefined ? [] : [category])]);
  const sorted: FilterResults = {};
  for (const key of [...keys].sort()) sorted[key] = key === category ? hit : results[key]!;
  return sorted;
}

/** hate/self_harm/sexual/violence all safe (alphabetical, as Azure sends them). */
export function buildSeverityResults(): FilterResults {
  const results: FilterResults = {};
  for (const category of SEVERITY_CATEGORIES) results[category] = { filtered: false, severity: "safe" };
  return results;
}

/** Prompt results: severity categories plus jailbreak; `filteredCategory` marked as the cause. */
export function buildPromptResults(filteredCategory?: string): FilterResults {
  return markFiltered({ ...buildSeverityResults(), jailbreak: { filtered: false, detected: false } }, filteredCategory);
}

/** `prompt_filter_results` array for the single prompt a request carries. */
export function buildPromptFilterResults(filteredCategory?: string): Array<{ prompt_index: number; content_filter_results: FilterResults }> {
  return [{ prompt_index: 0, content_filter_results: buildPromptResults(filteredCategory) }];
}

/** Per-choice results: severity categories plus protected material; `filteredCategory` marked as the cause. */
export function buildChoiceResults(filteredCategory?: string): FilterResults {
  const results: FilterResults = {
    ...buildSeverityResults(),
    protected_material_code: { filtered: false, detected: false },
    protected_material_text: { filtered: false, detected: false },
  };
  return markFiltered(results, filteredCategory);
}
