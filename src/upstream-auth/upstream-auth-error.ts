/** The client's answer when haigpt cannot get a token for an upstream: 502 `upstream_auth_failed`, naming it. */
import { ProxyError } from "../errors/openai-error.ts";
import type { TokenFailure } from "./access-token.ts";

function describeFailure(failure: TokenFailure): string {
  if (failure.kind === "unreachable") return "the token endpoint could not be reached";
  if (failure.kind === "malformed") return "the token endpoint's answer had no usable token";
  const reasons = [failure.status ? `HTTP ${failure.status}` : null, failure.error ?? null, failure.aadsts ?? null].filter(Boolean);
  return `the token endpoint refused${reasons.length ? ` (${reasons.join(", ")})` : ""}`;
}

/**
 * 502 `upstream_auth_failed` for upstream `name`. A refusal is the operator's to fix, so clients are
 * told not to retry; an unreachable endpoint may recover, so nothing is said about retrying.
 */
export function upstreamAuthFailedError(name: string, failure: TokenFailure): ProxyError {
  const fix = failure.kind === "unreachable"
    ? "Try again later; if it persists, the operator should check the network path to the token endpoint."
    : "The operator must fix this upstream's auth settings (tenantId, clientId, clientSecret or the managed identity's role).";
  return new ProxyError(
    502,
    `haigpt could not get a Microsoft Entra token for Azure upstream "${name}": ${describeFailure(failure)}. ${fix}`,
    { code: "upstream_auth_failed", headers: failure.kind === "unreachable" ? {} : { "x-should-retry": "false" } },
  );
}
