/** The checks every key object in config.json passes (primaryApiKey, secondaryApiKey, each upstream). */
import { isEndpointUrl } from "./azure-key.ts";
import { looksLikeKey } from "./credential-string.ts";
import { isApiVersion, isDeploymentName, isModelName, isResourceName } from "./names.ts";

/** The fields a key object and an upstream share. */
export interface KeyFields {
  readonly resourceId: string;
  readonly deployment: Readonly<Record<string, string>>;
  readonly apiVersion?: string;
  readonly endpoint?: string;
}

/** Reports the first bad field through `fail(subField, detail)`, which throws. */
export function checkKeyFields(entry: KeyFields, fail: (sub: string, detail: string) => never): void {
  if (!isResourceName(entry.resourceId)) {
    fail("resourceId", "must be a plain Azure resource name (letters, digits and hyphens)");
  }
  const models = Object.keys(entry.deployment);
  if (models.length === 0) fail("deployment", 'must map at least one model, e.g. {"gpt-4o": "my-gpt-4o"}');
  for (const [index, model] of models.entries()) {
    // The field is named by position: a misplaced key would otherwise be printed as a field name.
    if (!isModelName(model) || looksLikeKey(model)) {
      fail("deployment", `entry ${index + 1} must map a model name (letters, digits, ".", "_", "-", or "*") to a deployment`);
    }
    const deployment = entry.deployment[model] ?? "";
    if (!isDeploymentName(deployment) || looksLikeKey(deployment)) {
      fail(`deployment.${model}`, "must be a deployment name that is a single URL path segment");
    }
  }
  if (entry.apiVersion !== undefined && !isApiVersion(entry.apiVersion)) {
    fail("apiVersion", `"${entry.apiVersion}" is not an Azure api-version such as 2024-10-21`);
  }
  if (entry.endpoint !== undefined && !isEndpointUrl(entry.endpoint)) {
    fail("endpoint", "must be an http(s) base URL such as https://gpt1.openai.azure.com");
  }
}
