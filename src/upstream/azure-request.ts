/**
 * Builds the request to Azure: `{endpoint}/openai/deployments/{deployment}/{operation}?api-version=…`
 * with the key in `api-key`. The client's own headers are not forwarded (its Authorization least of all).
 */
import type { AzureKey } from "../config/schema.ts";
import type { UpstreamRequest } from "./send-attempt.ts";

/** The Azure URL of an operation on a deployment, e.g. `chat/completions`. */
export function buildAzureUrl(key: AzureKey, deployment: string, operation: string): string {
  const version = encodeURIComponent(key.apiVersion);
  return `${key.endpoint}/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${version}`;
}

/** Headers for Azure: the key, the body's type, and our request id so Azure's logs can be matched to ours. */
export function buildAzureHeaders(key: AzureKey, requestId: string, contentType: string): Record<string, string> {
  return {
    "api-key": key.apiKey,
    "content-type": contentType,
    accept: "application/json, text/event-stream",
    "x-ms-client-request-id": requestId,
    "user-agent": "haigpt",
  };
}

/** A JSON POST of `body` to an operation on a deployment. */
export function buildJsonRequest(
  key: AzureKey,
  deployment: string,
  operation: string,
  body: unknown,
  requestId: string,
): UpstreamRequest {
  return {
    url: buildAzureUrl(key, deployment, operation),
    method: "POST",
    headers: buildAzureHeaders(key, requestId, "application/json"),
    body: JSON.stringify(body),
  };
}
