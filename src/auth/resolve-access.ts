/**
 * The credential resolver chain: turns a request's headers into the Azure upstreams to use — the
 * server's upstreams for a configured user token (or anyone, when anonymous use is allowed), or the
 * key in a client's credential string (pure proxy, when no upstream is configured).
 */
import { toAzureKey } from "../config/azure-key.ts";
import { CREDENTIAL_FORMAT, parseCredentialString } from "../config/credential-string.ts";
import { listUpstreams, upstreamOfKey } from "../config/list-upstreams.ts";
import type { AppConfig } from "../config/schema.ts";
import { ProxyError } from "../errors/openai-error.ts";
import { limitsOfToken, type UserLimits } from "../limits/user-limits.ts";
import type { Upstream } from "../routing/upstream.ts";
import { maskSecret } from "../secrets.ts";
import { readCredential, type Credential } from "./read-credential.ts";
import { createTokenMatcher } from "./user-tokens.ts";

/** The Azure upstreams a request may use. `serverOwned` upstreams belong to the operator, not the client. */
export interface KeySet {
  /** In configuration order (`listUpstreams`); a pure-proxy client's key is the one upstream `primary`. */
  readonly upstreams: readonly Upstream[];
  readonly serverOwned: boolean;
}

export type Access =
  | { readonly mode: "user"; readonly userId: string; readonly keys: KeySet; readonly limits?: UserLimits }
  | { readonly mode: "anonymous"; readonly keys: KeySet }
  | { readonly mode: "client"; readonly keys: KeySet };

const WWW_AUTHENTICATE = { "www-authenticate": 'Bearer realm="haigpt"' };

function unauthorized(message: string): ProxyError {
  return new ProxyError(401, message, { code: "invalid_api_key", headers: WWW_AUTHENTICATE });
}

function looksLikeCredentialString(value: string): boolean {
  return value.includes(":");
}

/** Builds the resolver for one configuration; token digests are computed once, here. */
export function createAccessResolver(config: AppConfig): (headers: Headers) => Access {
  const matchToken = createTokenMatcher(config.userTokens);
  // The limits alone (never the token) travel with the request.
  const limitsOf = new Map(config.userTokens.map((token) => [token, limitsOfToken(token)]));
  // Pure-proxy mode is decided by whether any upstream is configured (keys or `upstreams`).
  const upstreams = listUpstreams(config);
  const serverKeys: KeySet | null = upstreams.length > 0 ? { upstreams, serverOwned: true } : null;

  const clientAccess = (credential: Credential): Access => {
    const parsed = parseCredentialString(credential.value);
    if (!parsed.ok) {
      throw unauthorized(`Malformed credential string in the ${credential.header} header: ${parsed.message}.`);
    }
    const key = upstreamOfKey("primary", 0, toAzureKey(parsed.value, config), `the ${credential.header} header`);
    return { mode: "client", keys: { upstreams: [key], serverOwned: false } };
  };

  return (headers) => {
    const credential = readCredential(headers);
    if (serverKeys && config.userTokens.length > 0) {
      if (!credential || credential.value === "") {
        throw unauthorized("Missing credentials: send your haigpt user token as Authorization: Bearer <token>.");
      }
      const user = matchToken(credential.value);
      if (user) return { mode: "user", userId: user.userId, keys: serverKeys, limits: limitsOf.get(user)! };
      if (looksLikeCredentialString(credential.value)) {
        if (config.allowClientCredentials) return clientAccess(credential);
        throw unauthorized(
          "This haigpt server does not accept Azure credentials from clients; use the user token you were given.",
        );
      }
      throw unauthorized(
        `Incorrect API key provided: ${maskSecret(credential.value)}. Use a user token issued for this haigpt server.`,
      );
    }
    if (serverKeys) {
      if (credential && config.allowClientCredentials && looksLikeCredentialString(credential.value)) {
        return clientAccess(credential);
      }
      return { mode: "anonymous", keys: serverKeys };
    }
    if (!credential || credential.value === "") {
      throw unauthorized(`Missing credentials: this haigpt server is a pure proxy; send Authorization: Bearer ${CREDENTIAL_FORMAT}.`);
    }
    return clientAccess(credential);
  };
}
