/** Shape checks for the parts of an Azure address: nothing outside these can reach a URL. */

// Azure resource (custom subdomain) names: letters, digits and inner hyphens, at most 64 characters.
const RESOURCE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/;
// Deployment names become one URL path segment: no slash, dot-segment, percent, query or fragment.
const DEPLOYMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// OpenAI model names as a credential string can carry them (no ":"), or the "*" catch-all.
const MODEL_NAME = /^(?:\*|[A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;
// Dated versions (2024-10-21, 2025-03-01-preview) and the v1 surface's names.
const API_VERSION = /^(?:\d{4}-\d{2}-\d{2}(?:-preview)?|v1|preview|latest)$/;

/** A plain Azure resource name; all-digit names are refused too, since they read as IP addresses. */
export function isResourceName(name: string): boolean {
  return RESOURCE_NAME.test(name) && !/^\d+$/.test(name);
}

/** A deployment name that is a single URL path segment. */
export function isDeploymentName(name: string): boolean {
  return DEPLOYMENT_NAME.test(name);
}

/** An Azure OpenAI api-version string. */
export function isApiVersion(version: string): boolean {
  return API_VERSION.test(version);
}

/** A model name for a key's model list: letters, digits, ".", "_", "-" (at most 128), or the "*" catch-all. */
export function isModelName(name: string): boolean {
  return MODEL_NAME.test(name);
}
