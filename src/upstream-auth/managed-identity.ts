/**
 * Tokens from the Azure managed identity of the machine haigpt runs on: App Service's identity
 * endpoint when `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` are set, else the instance metadata service.
 */
import type { FetchLike } from "../upstream/attempt.ts";
import { COGNITIVE_SERVICES_RESOURCE, readTokenAnswer, unreachable, type TokenResult } from "./access-token.ts";

/** Azure's instance metadata service; injectable so tests never send to 169.254.169.254. */
export const IMDS_TOKEN_URL = "http://169.254.169.254/metadata/identity/oauth2/token";

export interface ManagedIdentityDeps {
  readonly fetch: FetchLike;
  readonly now: () => number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the metadata service is; tests point it at 127.0.0.1. */
  readonly imdsUrl?: string;
  readonly timeoutMs?: number;
}

/** The request a managed identity's token takes here: App Service's endpoint, else IMDS. */
export function managedIdentityRequest(clientId: string | undefined, deps: Pick<ManagedIdentityDeps, "env" | "imdsUrl">): {
  url: string;
  headers: Record<string, string>;
} {
  const endpoint = deps.env.IDENTITY_ENDPOINT?.trim();
  const header = deps.env.IDENTITY_HEADER?.trim();
  const client: Record<string, string> = clientId ? { client_id: clientId } : {};
  if (endpoint && header) {
    const query = new URLSearchParams({ "api-version": "2019-08-01", resource: COGNITIVE_SERVICES_RESOURCE, ...client });
    return { url: `${endpoint}?${query}`, headers: { "X-IDENTITY-HEADER": header } };
  }
  const query = new URLSearchParams({ "api-version": "2018-02-01", resource: COGNITIVE_SERVICES_RESOURCE, ...client });
  return { url: `${deps.imdsUrl ?? IMDS_TOKEN_URL}?${query}`, headers: { Metadata: "true" } };
}

/** Requests a token for Azure OpenAI from the managed identity; never throws. */
export async function requestManagedIdentityToken(clientId: string | undefined, deps: ManagedIdentityDeps): Promise<TokenResult> {
  const { url, headers } = managedIdentityRequest(clientId, deps);
  let response: Response;
  try {
    response = await deps.fetch(url, {
      method: "GET",
      headers: { ...headers, accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
    });
  } catch (error) {
    return unreachable(error);
  }
  return readTokenAnswer(response, deps.now(), deps.env.IDENTITY_HEADER);
}
