/** Builds a resolved AzureKey from credential parts, filling the endpoint and api-version defaults. */
import type { CredentialParts } from "./credential-string.ts";
import type { AzureKey } from "./schema.ts";

export interface KeyDefaults {
  /** Endpoint template, `{resourceId}` replaced by the key's resource id. */
  readonly azureEndpoint: string;
  readonly apiVersion: string;
}

/** Strips trailing slashes and a pasted `/openai` or `/openai/v1` suffix from a base URL. */
export function normalizeEndpoint(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/openai(?:\/v1)?$/, "");
}

/** Whether a base URL is an absolute http(s) URL with no query or fragment. */
export function isEndpointUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "https:" || parsed.protocol === "http:") && !parsed.search && !parsed.hash;
  } catch {
    return false;
  }
}

/** A resource's base URL: its own `endpoint`, else the template with the resource id filled in. */
export function resolveEndpoint(resourceId: string, defaults: KeyDefaults, endpoint?: string): string {
  return normalizeEndpoint(endpoint ?? defaults.azureEndpoint.replaceAll("{resourceId}", resourceId));
}

/** The resolved key for credential parts; `endpoint` overrides the template. */
export function toAzureKey(parts: CredentialParts, defaults: KeyDefaults, endpoint?: string): AzureKey {
  return Object.freeze({
    resourceId: parts.resourceId,
    apiKey: parts.apiKey,
    apiVersion: parts.apiVersion ?? defaults.apiVersion,
    endpoint: resolveEndpoint(parts.resourceId, defaults, endpoint),
    deployments: Object.freeze({ ...parts.deployments }),
  });
}
