/**
 * The credential string of the original design, used by the PrimaryApiKey/SecondaryApiKey variables and by
 * pure-proxy clients: `RESOURCE_ID:MODEL|DEPLOYMENT[,MODEL|DEPLOYMENT…]:AZURE_API_KEY[:API_VERSION]`.
 */
import { isApiVersion, isDeploymentName, isModelName, isResourceName } from "./names.ts";

export const CREDENTIAL_FORMAT = "RESOURCE_ID:MODEL|DEPLOYMENT[,MODEL|DEPLOYMENT…]:AZURE_API_KEY[:API_VERSION]";

/** The parts of a credential string; `apiVersion` is absent when the string has none. */
export interface CredentialParts {
  readonly resourceId: string;
  readonly deployments: Readonly<Record<string, string>>;
  readonly apiKey: string;
  readonly apiVersion?: string;
}

export type CredentialParse =
  | { readonly ok: true; readonly value: CredentialParts }
  | { readonly ok: false; readonly part: string; readonly message: string };

/**
 * Whether a model-list entry is more likely a pasted key than a model or deployment name: Azure keys
 * are 32 hex characters, or 84 letters and digits in one run; names are words, and seldom that long.
 */
export function looksLikeKey(entry: string): boolean {
  return /^[0-9a-f]{32}$/i.test(entry) || /^[A-Za-z0-9]{48,}$/.test(entry);
}

function fail(part: string, message: string): CredentialParse {
  return { ok: false, part, message };
}

function ordinal(index: number): string {
  return ["first", "second", "third", "fourth"][index] ?? `#${index + 1}`;
}

/** Reads the model list (`MODEL|DEPLOYMENT,…`); messages say which entry, never what it holds. */
function parseModelList(list: string): { deployments: Record<string, string> } | CredentialParse {
  const deployments: Record<string, string> = {};
  const entries = list.split(",");
  for (const [index, entry] of entries.entries()) {
    const which = entries.length > 1 ? `entry ${index + 1} of the model list (the second part)` : "the model list (the second part)";
    const [model = "", deployment = model, ...rest] = entry.split("|").map((s) => s.trim());
    if (looksLikeKey(model) || looksLikeKey(deployment)) {
      return fail("MODEL|DEPLOYMENT", `${which} looks like a key, not a model name; the model list may be missing (expected ${CREDENTIAL_FORMAT})`);
    }
    if (!isModelName(model) || rest.length > 0) {
      return fail("MODEL|DEPLOYMENT", `${which} must be MODEL or MODEL|DEPLOYMENT, MODEL a model name (letters, digits, ".", "_", "-") or "*"`);
    }
    if (!isDeploymentName(deployment)) {
      return fail("DEPLOYMENT", `the deployment in ${which} must be a single URL path segment (letters, digits, ".", "_", "-")`);
    }
    deployments[model] = deployment;
  }
  return { deployments };
}

/**
 * Parses and checks a credential string. No message quotes any part of the string (a shifted or
 * mistyped string can put the key anywhere), so they are safe to return to clients and to print.
 */
export function parseCredentialString(text: string): CredentialParse {
  const parts = text.trim().split(":").map((p) => p.trim());
  if (parts.length < 3 || parts.length > 4) {
    return fail("format", `expected ${CREDENTIAL_FORMAT} (${parts.length} colon-separated parts found)`);
  }
  const [resourceId = "", modelList = "", apiKey = "", apiVersion] = parts;
  if (!isResourceName(resourceId)) {
    return fail(
      "RESOURCE_ID",
      "RESOURCE_ID (the first part) must be a plain Azure resource name (letters, digits and hyphens; no dots, slashes, ports or addresses)",
    );
  }
  if (apiVersion === undefined && isApiVersion(apiKey)) {
    return fail("MODEL|DEPLOYMENT", `the model list is missing: the third part is an api-version, so the second would be the key (expected ${CREDENTIAL_FORMAT})`);
  }
  const models = parseModelList(modelList);
  if ("ok" in models) return models;
  if (apiKey === "") return fail("AZURE_API_KEY", "AZURE_API_KEY (the third part) is empty");
  if (apiVersion !== undefined && !isApiVersion(apiVersion)) {
    return fail("API_VERSION", `API_VERSION (the ${ordinal(3)} part) is not an Azure api-version such as 2024-10-21, v1 or preview`);
  }
  return { ok: true, value: { resourceId, deployments: models.deployments, apiKey, ...(apiVersion ? { apiVersion } : {}) } };
}
