/** Reads and checks the `upstreams` of config.json into resolved upstreams; errors name the file and field. */
import type { Upstream, UpstreamAuth } from "../routing/upstream.ts";
import { isUpstreamName } from "../routing/upstream.ts";
import { isEndpointUrl, resolveEndpoint, type KeyDefaults } from "./azure-key.ts";
import { checkKeyFields } from "./check-key-fields.ts";
import { ConfigError } from "./config-error.ts";
import type { AzureKey, FileUpstream } from "./schema.ts";
import type { FileSource } from "./sources.ts";

export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

type Fail = (sub: string, detail: string) => never;

// A tenant id is a GUID or a verified domain (contoso.onmicrosoft.com); it becomes a URL path segment.
const TENANT_ID = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,98}[A-Za-z0-9])?$/;

/** Plain http is accepted only for a token endpoint on this machine (tests, the simulator). */
function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function checkAuthorityHost(value: string, fail: Fail): string {
  if (!isEndpointUrl(value)) fail("auth.authorityHost", "must be an https URL such as https://login.microsoftonline.com");
  const url = new URL(value);
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    fail("auth.authorityHost", "must use https: the client secret is sent to it (plain http only for 127.0.0.1/localhost)");
  }
  return value.replace(/\/+$/, "");
}

function readAuth(entry: FileUpstream, fail: Fail): UpstreamAuth {
  const { auth, apiKey } = entry;
  if (!auth) {
    if (apiKey === undefined) fail("apiKey", 'is required unless "auth" says how to sign in (entra or managedIdentity)');
    return { type: "apiKey", apiKey: apiKey! };
  }
  if (apiKey !== undefined) fail("apiKey", `must not be given together with "auth" (type ${auth.type}); keep one of them`);
  if (auth.type === "managedIdentity") {
    for (const field of ["tenantId", "clientSecret", "authorityHost"] as const) {
      if (auth[field] !== undefined) fail(`auth.${field}`, "is not used by a managed identity; remove it");
    }
    return auth.clientId === undefined ? { type: "managedIdentity" } : { type: "managedIdentity", clientId: auth.clientId };
  }
  for (const field of ["tenantId", "clientId", "clientSecret"] as const) {
    if (auth[field] === undefined) fail(`auth.${field}`, 'is required for "type": "entra"');
  }
  if (!TENANT_ID.test(auth.tenantId!)) fail("auth.tenantId", "must be a tenant GUID or domain such as contoso.onmicrosoft.com");
  return {
    type: "entra",
    tenantId: auth.tenantId!,
    clientId: auth.clientId!,
    clientSecret: auth.clientSecret!,
    authorityHost: checkAuthorityHost(auth.authorityHost ?? DEFAULT_AUTHORITY_HOST, fail),
  };
}

/**
 * The upstreams listed in config.json, checked. `legacy` are the primary and secondary keys: their
 * names (`primary`, `secondary`) are taken when they are configured.
 */
export function readFileUpstreams(
  file: FileSource,
  defaults: KeyDefaults,
  legacy: { readonly primary: AzureKey | null; readonly secondary: AzureKey | null },
): Upstream[] {
  const source = `config file ${file.path}`;
  const taken = new Map<string, string>();
  if (legacy.primary) taken.set("primary", "the primary key");
  if (legacy.secondary) taken.set("secondary", "the secondary key");
  return (file.config.upstreams ?? []).map((entry, index) => {
    const fail: Fail = (sub, detail) => {
      throw new ConfigError(source, `upstreams.${index}.${sub}`, detail);
    };
    if (!isUpstreamName(entry.name)) {
      fail("name", "must be letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit");
    }
    const owner = taken.get(entry.name);
    if (owner) fail("name", `"${entry.name}" is already the name of ${owner}; upstream names must be unique`);
    taken.set(entry.name, `upstreams.${index}`);
    checkKeyFields(entry, fail);
    const auth = readAuth(entry, fail);
    return Object.freeze({
      name: entry.name,
      resourceId: entry.resourceId,
      endpoint: resolveEndpoint(entry.resourceId, defaults, entry.endpoint),
      apiVersion: entry.apiVersion ?? defaults.apiVersion,
      deployments: Object.freeze({ ...entry.deployment }),
      priority: entry.priority ?? 0,
      weight: entry.weight ?? 1,
      auth: Object.freeze(auth),
      source,
    });
  });
}
