/**
 * Which request parameters each Azure api-version knows (the api-version table in docs/azure-facts.md),
 * and what haigpt does where a key's version lacks one. The README's parameter table is rendered from
 * this one (a test keeps them equal).
 *
 * - `hint`: the answer means the same without it; it is removed and listed in `x-haigpt-dropped-params`.
 * - `meaning`: the answer would mean something else without it; a key whose version lacks it is skipped,
 *   and when no key can serve the request it is refused with a 400 naming the first version that has it.
 */
import type { FeatureIntroduction } from "./api-version.ts";

type Body = Record<string, unknown>;

export type ParamKind = "hint" | "meaning";

export interface ParamRule {
  /** The body keys the rule is about; the first names it in errors and headers. */
  readonly params: readonly string[];
  readonly kind: ParamKind;
  readonly since: FeatureIntroduction;
  /** Legacy completions know only the rules marked so; every rule applies to chat. */
  readonly completions: boolean;
  /** Whether the body uses the feature (default: one of the keys is present). */
  readonly applies?: (body: Body) => boolean;
  /** A hint's replacement instead of removal (older versions spell it differently). */
  readonly rewrite?: (body: Body) => Body;
  /** Shown in the README's table. */
  readonly note: string;
}

const TOOLS: FeatureIntroduction = { firstPreview: "2023-12-01", firstGa: "2024-02-01" };
const SEPT_2024: FeatureIntroduction = { firstPreview: "2024-09-01", firstGa: "2024-10-21" };
const DEC_2024: FeatureIntroduction = { firstPreview: "2024-12-01", firstGa: null };
const JAN_2025: FeatureIntroduction = { firstPreview: "2025-01-01", firstGa: null };

function isJsonSchemaFormat(body: Body): boolean {
  const format = body.response_format;
  return typeof format === "object" && format !== null && (format as Body).type === "json_schema";
}

/** In the order haigpt checks them. */
export const PARAM_RULES: readonly ParamRule[] = [
  { params: ["tools", "tool_choice"], kind: "meaning", since: TOOLS, completions: false, note: "tool calling" },
  {
    params: ["functions", "function_call"],
    kind: "meaning",
    // First GA with functions is not confirmed by Microsoft's docs; 2024-02-01 is the first GA spec that has them.
    since: { firstPreview: "2023-07-01", firstGa: "2024-02-01" },
    completions: false,
    note: "legacy function calling",
  },
  {
    params: ["response_format"],
    kind: "meaning",
    since: { firstPreview: "2024-08-01", firstGa: "2024-10-21" },
    completions: false,
    applies: isJsonSchemaFormat,
    note: "only `type: json_schema` (Structured Outputs); `json_object` and `text` pass everywhere",
  },
  { params: ["audio", "modalities"], kind: "meaning", since: JAN_2025, completions: false, note: "audio output" },
  {
    params: ["max_completion_tokens"],
    kind: "hint",
    since: SEPT_2024,
    completions: false,
    // Older versions cap output with max_tokens; a client-set max_tokens wins.
    rewrite: ({ max_completion_tokens, ...rest }) => ("max_tokens" in rest ? rest : { ...rest, max_tokens: max_completion_tokens }),
    note: "renamed to `max_tokens`",
  },
  { params: ["parallel_tool_calls"], kind: "hint", since: SEPT_2024, completions: false, note: "" },
  // Defined but never referenced by the 2024-10-21 GA request schema, although the preview before it had it.
  { params: ["stream_options"], kind: "hint", since: { firstPreview: "2024-09-01", firstGa: null }, completions: true, note: "`include_usage` is still honoured: haigpt counts the tokens" },
  { params: ["reasoning_effort"], kind: "hint", since: DEC_2024, completions: false, note: "" },
  { params: ["store"], kind: "hint", since: DEC_2024, completions: false, note: "" },
  { params: ["metadata"], kind: "hint", since: DEC_2024, completions: false, note: "" },
  { params: ["user_security_context"], kind: "hint", since: DEC_2024, completions: false, note: "Azure-only (Defender for Cloud)" },
  { params: ["prediction"], kind: "hint", since: JAN_2025, completions: false, note: "Predicted Outputs" },
];

/** Whether `body` uses the feature of `rule`. */
export function ruleApplies(rule: ParamRule, body: Body): boolean {
  if (!rule.params.some((param) => param in body)) return false;
  return rule.applies ? rule.applies(body) : true;
}

/** The first api-versions that have a feature, in words: "2024-02-01 (GA) or 2023-12-01-preview". */
export function describeFirstVersions(since: FeatureIntroduction): string {
  const preview = `${since.firstPreview}-preview`;
  return since.firstGa ? `${since.firstGa} (GA) or ${preview}` : `${preview} (no dated GA has it; v1 does)`;
}

/** The README's table, one row per rule. */
export function renderParamTable(): string {
  const rows = PARAM_RULES.map((rule) => {
    const names = rule.params.map((param) => `\`${param}\``).join(", ");
    const action = rule.kind === "meaning" ? "key skipped; 400 if no key has it" : rule.rewrite ? "renamed, listed" : "removed, listed";
    return `| ${names} | ${rule.kind} | ${rule.since.firstPreview}-preview | ${rule.since.firstGa ?? "—"} | ${action} | ${rule.note} |`;
  });
  return [
    "| parameter | kind | first preview | first GA | where the key's api-version lacks it | note |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
