/**
 * Azure's two URL shapes (AZURE-FACTS §1): the dated surface,
 * `{endpoint}/openai/deployments/{deployment}/{path}?api-version=…` (the Responses API at
 * `{endpoint}/openai/responses?api-version=…`), and the v1 surface, `{endpoint}/openai/v1/{path}`
 * with the deployment as the body's `model` and no dated api-version.
 */
import { isV1Surface } from "../compat/api-version.ts";
import type { AzureKey } from "../config/schema.ts";

/** Whether the deployment travels in the body's `model` for this key and operation. */
export function deploymentInBody(key: Pick<AzureKey, "apiVersion">, dated: "deployment-path" | "model-in-body"): boolean {
  return isV1Surface(key.apiVersion) || dated === "model-in-body";
}

/** The Azure URL for an operation path (e.g. `chat/completions`) on a deployment. */
export function buildAzureUrl(
  key: Pick<AzureKey, "apiVersion" | "endpoint">,
  deployment: string,
  path: string,
  dated: "deployment-path" | "model-in-body" = "deployment-path",
): string {
  if (isV1Surface(key.apiVersion)) {
    // `v1` is the default and needs no parameter; the preview channels are asked for by name.
    const query = key.apiVersion === "v1" ? "" : `?api-version=${key.apiVersion}`;
    return `${key.endpoint}/openai/v1/${path}${query}`;
  }
  const version = `?api-version=${encodeURIComponent(key.apiVersion)}`;
  if (dated === "model-in-body") return `${key.endpoint}/openai/${path}${version}`;
  return `${key.endpoint}/openai/deployments/${encodeURIComponent(deployment)}/${path}${version}`;
}
