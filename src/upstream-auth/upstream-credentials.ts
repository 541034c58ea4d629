/**
 * The seam between upstreams and their credentials: the headers that authenticate one attempt —
 * `api-key` for a key, `Authorization: Bearer` with a cached Entra or managed-identity token otherwise.
 */
import type { Upstream } from "../routing/upstream.ts";
import type { FetchLike } from "../upstream/attempt.ts";
import type { TokenFailure } from "./access-token.ts";
import { createCachedToken, type CacheOptions, type TokenSource } from "./cached-token.ts";
import { requestClientCredentialsToken } from "./client-credentials.ts";
import { requestManagedIdentityToken } from "./managed-identity.ts";

export interface CredentialDeps {
  readonly fetch: FetchLike;
  readonly now: () => number;
  /** For the managed identity: `IDENTITY_ENDPOINT` and `IDENTITY_HEADER`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Instance metadata service address (tests: a 127.0.0.1 endpoint). */
  readonly imdsUrl?: string;
  readonly cache?: Omit<CacheOptions, "now">;
}

export type AuthHeaders =
  | { readonly ok: true; readonly headers: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly failure: TokenFailure };

export interface UpstreamCredentials {
  /**
   * The headers that authenticate a request to `upstream`; a token is fetched or refreshed as needed.
   * A key's headers are answered at once (no promise): every attempt asks.
   */
  headersFor(upstream: Upstream): AuthHeaders | Promise<AuthHeaders>;
  /** Fetches every token upstream's token now (for start-up); the failures, by upstream name. */
  warmUp(upstreams: readonly Upstream[]): Promise<Array<{ readonly name: string; readonly failure: TokenFailure }>>;
}

/** One token source per upstream name, made on first use and kept for the life of this object. */
export function createUpstreamCredentials(deps: CredentialDeps): UpstreamCredentials {
  const sources = new Map<string, TokenSource>();
  const grantDeps = { fetch: deps.fetch, now: deps.now };

  function sourceFor(upstream: Upstream): TokenSource | null {
    const { auth } = upstream;
    if (auth.type === "apiKey") return null;
    let source = sources.get(upstream.name);
    if (!source) {
      const request = auth.type === "entra"
        ? () => requestClientCredentialsToken(auth, grantDeps)
        : () => requestManagedIdentityToken(auth.clientId, { ...grantDeps, env: deps.env, ...(deps.imdsUrl ? { imdsUrl: deps.imdsUrl } : {}) });
      source = createCachedToken(request, { ...deps.cache, now: deps.now });
      sources.set(upstream.name, source);
    }
    return source;
  }

  // A key's headers, made once per upstream (the configuration's objects live as long as it does).
  const keyHeaders = new WeakMap<Upstream, AuthHeaders>();

  function headersFor(upstream: Upstream): AuthHeaders | Promise<AuthHeaders> {
    const { auth } = upstream;
    if (auth.type === "apiKey") {
      let made = keyHeaders.get(upstream);
      if (!made) keyHeaders.set(upstream, (made = { ok: true, headers: { "api-key": auth.apiKey } }));
      return made;
    }
    return sourceFor(upstream)!.getToken().then((result): AuthHeaders =>
      result.ok ? { ok: true, headers: { authorization: `Bearer ${result.token.token}` } } : { ok: false, failure: result.failure });
  }

  return {
    headersFor,
    async warmUp(upstreams) {
      const results = await Promise.all(upstreams.filter((u) => u.auth.type !== "apiKey").map(async (u) => ({ name: u.name, got: await headersFor(u) })));
      return results.flatMap(({ name, got }) => (got.ok ? [] : [{ name, failure: got.failure }]));
    },
  };
}
