/**
 * Adapts a request's parameters to the api-version of the Azure key it will be sent with, by the table
 * in param-table.ts, and plans how a stream's usage chunk is obtained (include_usage).
 */
import { ProxyError } from "../errors/openai-error.ts";
import { parseApiVersion, supportsFeature, type ApiVersion } from "./api-version.ts";
import { describeFirstVersions, PARAM_RULES, ruleApplies, type ParamRule } from "./param-table.ts";

/** `adapt`: drop or translate what the api-version does not know; `passthrough`: send the body as is. */
export type ParamsMode = "adapt" | "passthrough";

/**
 * How a streamed answer's usage chunk is obtained. `azure`: Azure sends it (asked for even when the client
 * did not, so accounting always has a figure); `counted`: Azure cannot, haigpt counts the tokens;
 * `none`: not a stream, or passthrough. `strip`: the client did not ask, so the chunk is removed after
 * normalisation.
 */
export interface UsagePlan {
  readonly source: "azure" | "counted" | "none";
  readonly strip: boolean;
}

const NO_USAGE: UsagePlan = { source: "none", strip: false };

/** The adapted body and what was dropped or renamed, or the error to answer instead of calling Azure. */
export type Adaptation =
  | { readonly ok: true; readonly body: Record<string, unknown>; readonly dropped: readonly string[]; readonly usage: UsagePlan }
  | { readonly ok: false; readonly error: ProxyError };

type Body = Record<string, unknown>;

function refuse(rule: ParamRule, apiVersion: string): ProxyError {
  const [param] = rule.params;
  return new ProxyError(
    400,
    `The Azure api-version of this server's key (${apiVersion}) does not support ${rule.params.join("/")}` +
      `${rule.applies ? " as sent" : ""}: it needs api-version ${describeFirstVersions(rule.since)} or later. ` +
      "The server's operator can configure such an api-version for the key.",
    { param: param ?? null, code: "unsupported_parameter" },
  );
}

function removeKeys(body: Body, keys: readonly string[]): Body {
  return Object.fromEntries(Object.entries(body).filter(([name]) => !keys.includes(name)));
}

/** Whether the client asked for a usage chunk at the end of its stream. */
export function asksForUsage(body: Body): boolean {
  const options = body.stream_options;
  return body.stream === true && typeof options === "object" && options !== null && (options as Body).include_usage === true;
}

/** Asks Azure for the usage chunk where the version has stream_options; otherwise haigpt counts. */
function planUsage(body: Body, version: ApiVersion): { body: Body; usage: UsagePlan } {
  if (body.stream !== true) return { body, usage: NO_USAGE };
  const asked = asksForUsage(body);
  const streamOptions = PARAM_RULES.find((rule) => rule.params[0] === "stream_options")!;
  if (!supportsFeature(version, streamOptions.since)) return { body, usage: asked ? { source: "counted", strip: false } : NO_USAGE };
  if (asked) return { body, usage: { source: "azure", strip: false } };
  const options = typeof body.stream_options === "object" && body.stream_options !== null ? (body.stream_options as Body) : {};
  return { body: { ...body, stream_options: { ...options, include_usage: true } }, usage: { source: "azure", strip: true } };
}

/**
 * Drops or translates the hints the key's api-version would reject and refuses (for this key) a request
 * whose meaning it cannot carry. `dropped` names every parameter removed or renamed. The input body is
 * never changed.
 */
export function adaptParams(kind: "chat" | "completions", body: Body, apiVersion: string, mode: ParamsMode): Adaptation {
  if (mode === "passthrough") return { ok: true, body: { ...body }, dropped: [], usage: NO_USAGE };
  const version = parseApiVersion(apiVersion);
  const planned = planUsage(body, version);
  let adapted = planned.body;
  const dropped: string[] = [];
  for (const rule of PARAM_RULES) {
    if (kind === "completions" && !rule.completions) continue;
    if (!ruleApplies(rule, adapted) || supportsFeature(version, rule.since)) continue;
    if (rule.kind === "meaning") return { ok: false, error: refuse(rule, apiVersion) };
    const present = rule.params.filter((param) => param in adapted);
    adapted = rule.rewrite ? rule.rewrite(adapted) : removeKeys(adapted, rule.params);
    dropped.push(...present);
  }
  return { ok: true, body: adapted, dropped, usage: planned.usage };
}
