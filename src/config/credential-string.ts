/**
 * The credential string of the original design, used by the PrimaryApiKey/SecondaryApiKey variables and by
 * pure-proxy clients: `RESOURCE_ID:MODEL|DEPLOYMENT[,MODEL|DEPLOYMENT…]:AZURE_API_KEY[:API_VERSION]`.
 */
import { isApiVersion, isDeploymentName, isResourceName } from "./names.ts";

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

function fail(part: string, message: string): CredentialParse {
  return { ok: false, part, message };
}

/**
 * Parses and checks a credential string. Error messages name the malformed part and quote only
 * non-secret parts (never the key), so they are safe to return to clients and to print.
 */
export function parseCredentialString(text: string): CredentialParse {
  const parts = text.trim().split(":");
  if (parts.length < 3 || parts.length > 4) {
    return fail("format", `expected ${CREDENTIAL_FORMAT} (${parts.length} colon-separated parts found)`);
  }
  const [resourceId = "", deploymentList = "", apiKey = "", apiVersion] = parts.map((p) => p.trim());
  if (!isResourceName(resourceId)) {
    return fail(
      "RESOURCE_ID",
      "RESOURCE_ID must be a plain Azure resource name (letters, digits and hyphens; no dots, slashes, ports or addresses)",
    );
  }
  const deployments: Record<string, string> = {};
  for (const entry of deploymentList.split(",")) {
    const [model = "", deployment = model, ...rest] = entry.split("|").map((s) => s.trim());
    if (model === "" || rest.length > 0) {
      return fail("MODEL|DEPLOYMENT", `each deployment entry must be MODEL|DEPLOYMENT; "${entry}" is not`);
    }
    if (!isDeploymentName(deployment)) {
      return fail(
        "DEPLOYMENT",
        `deployment "${deployment}" must be a single URL path segment (letters, digits, ".", "_", "-")`,
      );
    }
    deployments[model] = deployment;
  }
  if (apiKey === "") return fail("AZURE_API_KEY", "AZURE_API_KEY is empty");
  if (apiVersion !== undefined && !isApiVersion(apiVersion)) {
    return fail("API_VERSION", `API_VERSION "${apiVersion}" is not an Azure api-version such as 2024-10-21`);
  }
  return { ok: true, value: { resourceId, deployments, apiKey, ...(apiVersion ? { apiVersion } : {}) } };
}
