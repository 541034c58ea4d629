/** Adapts a request's parameters to the api-version of the Azure key it will be sent with (AZURE-FACTS §3.2). */
import { ProxyError } from "../errors/openai-error.ts";
import { parseApiVersion, supportsFeature, type ApiVersion, type FeatureIntroduction } from "./api-version.ts";

/** `adapt`: drop or translate what the api-version does not know; `passthrough`: send the body as is. */
export type ParamsMode = "adapt" | "passthrough";

/** The adapted body and what was dropped or renamed, or the error to answer instead of calling Azure. */
export type Adaptation =
  | { readonly ok: true; readonly body: Record<string, unknown>; readonly dropped: readonly string[] }
  | { readonly ok: false; readonly error: ProxyError };

type Body = Record<string, unknown>;

const TOOLS: FeatureIntroduction = { firstPreview: "2023-12-01", firstGa: "2024-02-01" };

/** Parameters an older api-version rejects with 400 "Unrecognized request argument"; in the table's order. */
interface Rule {
  readonly param: string;
  readonly since: FeatureIntroduction;
  /** Completions only know `stream_options` of these; the rest are chat parameters. */
  readonly completions: boolean;
  /** Whether the body uses the feature (default: the key is present). */
  readonly applies?: (body: Body) => boolean;
  /** What to do instead of deleting the key. */
  readonly rewrite?: (body: Body) => Body;
}

const RULES: readonly Rule[] = [
  { param: "parallel_tool_calls", since: { firstPreview: "2024-09-01", firstGa: "2024-10-21" }, completions: false },
  {
    param: "max_completion_tokens",
    since: { firstPreview: "2024-09-01", firstGa: "2024-10-21" },
    completions: false,
    // Older versions cap output with max_tokens; a client-set max_tokens wins.
    rewrite: ({ max_completion_tokens, ...rest }) => ("max_tokens" in rest ? rest : { ...rest, max_tokens: max_completion_tokens }),
  },
  {
    param: "response_format",
    since: { firstPreview: "2024-08-01", firstGa: "2024-10-21" },
    completions: false,
    applies: (body) => isJsonSchemaFormat(body.response_format),
  },
  { param: "reasoning_effort", since: { firstPreview: "2024-12-01", firstGa: null }, completions: false },
  { param: "store", since: { firstPreview: "2024-12-01", firstGa: null }, completions: false },
  { param: "metadata", since: { firstPreview: "2024-12-01", firstGa: null }, completions: false },
  // Not in the 2024-10-21 GA request schema although the preview before it had it (§3.2).
  { param: "stream_options", since: { firstPreview: "2024-09-01", firstGa: null }, completions: true },
];

function isJsonSchemaFormat(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Body).type === "json_schema";
}

function rejectTools(apiVersion: string): ProxyError {
  return new ProxyError(
    400,
    `The Azure api-version of this key (${apiVersion}) does not support tools: tools need api-version 2024-02-01 (the first GA with them) or later, or 2023-12-01-preview or a later preview.`,
    { param: "tools", code: "unsupported_parameter" },
  );
}

function removeKey(body: Body, key: string): Body {
  return Object.fromEntries(Object.entries(body).filter(([name]) => name !== key));
}

function applyRules(kind: "chat" | "completions", body: Body, version: ApiVersion): Adaptation {
  let adapted = { ...body };
  const dropped: string[] = [];
  for (const rule of RULES) {
    if (kind === "completions" && !rule.completions) continue;
    if (!(rule.param in adapted) || supportsFeature(version, rule.since)) continue;
    if (rule.applies && !rule.applies(adapted)) continue;
    adapted = rule.rewrite ? rule.rewrite(adapted) : removeKey(adapted, rule.param);
    dropped.push(rule.param);
  }
  return { ok: true, body: adapted, dropped };
}

/**
 * Drops or translates the parameters the key's api-version would reject, so one client request works with
 * keys of different versions. Tools are refused rather than dropped: an answer without them would be silently
 * wrong. `dropped` names every parameter removed or renamed. The input body is never changed.
 */
export function adaptParams(kind: "chat" | "completions", body: Body, apiVersion: string, mode: ParamsMode): Adaptation {
  if (mode === "passthrough") return { ok: true, body: { ...body }, dropped: [] };
  const version = parseApiVersion(apiVersion);
  const usesTools = "tools" in body || "tool_choice" in body;
  if (kind === "chat" && usesTools && !supportsFeature(version, TOOLS)) return { ok: false, error: rejectTools(apiVersion) };
  return applyRules(kind, body, version);
}
