// Azure api-version parsing and the per-version feature table (AZURE-FACTS §3.2, §4.3).

/** A dated api-version such as "2024-10-21" (GA) or "2024-09-01-preview". */
export interface ApiVersion {
  raw: string;
  date: string;
  preview: boolean;
}

/** First dated preview / GA that accepts a request feature; `ga: null` = no dated GA has it. */
interface FeatureSupport {
  preview: string;
  ga: string | null;
}

const TOOLS: FeatureSupport = { preview: "2023-12-01", ga: "2024-02-01" };
const SEPT_2024: FeatureSupport = { preview: "2024-09-01", ga: "2024-10-21" };
const DEC_2024_PREVIEW: FeatureSupport = { preview: "2024-12-01", ga: null };
const JAN_2025_PREVIEW: FeatureSupport = { preview: "2025-01-01", ga: null };
// First preview 2023-07-01; the first GA spec with them is 2024-02-01 (2023-05-15 has none).
const FUNCTIONS: FeatureSupport = { preview: "2023-07-01", ga: "2024-02-01" };

const PARAM_SUPPORT: ReadonlyArray<readonly [string, FeatureSupport]> = [
  ["tools", TOOLS],
  ["tool_choice", TOOLS],
  ["functions", FUNCTIONS],
  ["function_call", FUNCTIONS],
  ["audio", JAN_2025_PREVIEW],
  ["modalities", JAN_2025_PREVIEW],
  ["user_security_context", DEC_2024_PREVIEW],
  ["prediction", JAN_2025_PREVIEW],
  ["parallel_tool_calls", SEPT_2024],
  ["max_completion_tokens", SEPT_2024],
  // stream_options is defined but never referenced by the 2024-10-21 GA request schema.
  ["stream_options", { preview: "2024-09-01", ga: null }],
  ["reasoning_effort", DEC_2024_PREVIEW],
  ["store", DEC_2024_PREVIEW],
  ["metadata", DEC_2024_PREVIEW],
];
const JSON_SCHEMA: FeatureSupport = { preview: "2024-08-01", ga: "2024-10-21" };

/** Parses a dated api-version; null for anything else ("v1", "preview", garbage). */
export function parseApiVersion(raw: string): ApiVersion | null {
  const match = /^(\d{4}-\d{2}-\d{2})(-preview)?$/.exec(raw);
  if (!match || match[1] === undefined) return null;
  return { raw, date: match[1], preview: match[2] !== undefined };
}

/** True when `version` is at least the first preview (previews) or first GA (GAs) of a feature. */
export function supportsFeature(version: ApiVersion, support: FeatureSupport): boolean {
  if (version.preview) return version.date >= support.preview;
  return support.ga !== null && version.date >= support.ga;
}

/** Chat-completions body parameters the dated api-version would refuse, in table order. */
export function unsupportedParams(apiVersion: string, body: unknown): string[] {
  const version = parseApiVersion(apiVersion);
  if (!version || typeof body !== "object" || body === null) return [];
  const fields = body as Record<string, unknown>;
  // Azure reads api-version only from the query; in the body it is an unknown argument (§1.1).
  const refused = "api-version" in fields ? ["api-version"] : [];
  for (const [param, support] of PARAM_SUPPORT) {
    if (fields[param] !== undefined && !supportsFeature(version, support)) refused.push(param);
  }
  const format = fields["response_format"] as { type?: unknown } | null | undefined;
  if (format?.type === "json_schema" && !supportsFeature(version, JSON_SCHEMA)) refused.push("response_format");
  return refused;
}

/** Name of the prompt-annotation field for an api-version ("v1" = the v1 surface), or null when none. */
export function selectAnnotationField(version: ApiVersion | "v1"): "prompt_filter_results" | "prompt_annotations" | null {
  if (version === "v1") return "prompt_filter_results";
  if (!version.preview) return version.date >= "2024-02-01" ? "prompt_filter_results" : null;
  if (version.date < "2023-06-01") return null;
  // 2023-06-01-preview and 2023-07-01-preview used the older name; exact rename version is unconfirmed.
  return version.date < "2023-08-01" ? "prompt_annotations" : "prompt_filter_results";
}

/** `audio/speech` exists on dated previews from 2024-02-15-preview on, never on a dated GA. */
export function supportsSpeech(version: ApiVersion): boolean {
  return version.preview && version.date >= "2024-02-15";
}

/** The dated `POST /openai/responses` exists from 2025-03-01-preview on. */
export function supportsResponses(version: ApiVersion): boolean {
  return version.preview && version.date >= "2025-03-01";
}

/** Whether `stream_options` (and so the `include_usage` chunk) exists for the api-version ("v1" = v1 surface). */
export function supportsStreamOptions(version: ApiVersion | "v1"): boolean {
  return version === "v1" || supportsFeature(version, { preview: "2024-09-01", ga: null });
}
