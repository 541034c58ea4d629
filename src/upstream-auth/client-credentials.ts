/**
 * The OAuth 2.0 client-credentials grant against Microsoft Entra ID: one form POST to
 * `{authorityHost}/{tenantId}/oauth2/v2.0/token`. Made here rather than with `@azure/identity`, which
 * refuses any authority that is not https (so it cannot be tested against a local endpoint).
 */
import type { FetchLike } from "../upstream/attempt.ts";
import { COGNITIVE_SERVICES_SCOPE, readTokenAnswer, unreachable, type TokenResult } from "./access-token.ts";

export interface ClientCredentials {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** e.g. `https://login.microsoftonline.com`, `https://login.microsoftonline.us`; no trailing slash. */
  readonly authorityHost: string;
}

export interface GrantDeps {
  readonly fetch: FetchLike;
  readonly now: () => number;
  /** Bound on one token request; default 10 s. */
  readonly timeoutMs?: number;
}

/** The token endpoint of a tenant. */
export function tokenEndpoint(credentials: Pick<ClientCredentials, "authorityHost" | "tenantId">): string {
  return `${credentials.authorityHost}/${encodeURIComponent(credentials.tenantId)}/oauth2/v2.0/token`;
}

/** Requests a token for Azure OpenAI; never throws, never puts the secret in a failure. */
export async function requestClientCredentialsToken(credentials: ClientCredentials, deps: GrantDeps): Promise<TokenResult> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    scope: COGNITIVE_SERVICES_SCOPE,
  });
  let response: Response;
  try {
    response = await deps.fetch(tokenEndpoint(credentials), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form.toString(),
      redirect: "manual",
      signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
    });
  } catch (error) {
    return unreachable(error);
  }
  return readTokenAnswer(response, deps.now(), credentials.clientSecret);
}
