/**
 * Caches an upstream's access token until shortly before it expires, with one refresh in flight for
 * all concurrent callers. Inside the refresh window the current token keeps being served while the
 * refresh runs; a failed refresh is held briefly so a refusing endpoint is not asked on every request.
 */
import type { AccessToken, TokenRequest, TokenResult } from "./access-token.ts";

export interface CacheOptions {
  readonly now: () => number;
  /** Refresh this long before expiry (at most half the token's lifetime); default 5 minutes. */
  readonly refreshMarginMs?: number;
  /** How long a failure is answered from the cache before asking again; default 5 s. */
  readonly failureHoldMs?: number;
}

/** A source of the current token; `getToken` never throws. */
export interface TokenSource {
  getToken(): Promise<TokenResult>;
}

interface Cached {
  readonly token: AccessToken;
  readonly refreshAt: number;
}

/** Wraps `request` in a cache with single-flight refresh. */
export function createCachedToken(request: TokenRequest, options: CacheOptions): TokenSource {
  const margin = options.refreshMarginMs ?? 5 * 60_000;
  const failureHoldMs = options.failureHoldMs ?? 5_000;
  let cached: Cached | null = null;
  let failure: { result: TokenResult; at: number } | null = null;
  let inFlight: Promise<TokenResult> | null = null;

  function refresh(): Promise<TokenResult> {
    if (inFlight) return inFlight;
    const startedAt = options.now();
    inFlight = request()
      .catch((error: unknown): TokenResult => ({ ok: false, failure: { kind: "unreachable", detail: String(error).slice(0, 200) } }))
      .then((result) => {
        inFlight = null;
        if (result.ok) {
          const lifetime = Math.max(0, result.token.expiresAt - startedAt);
          cached = { token: result.token, refreshAt: result.token.expiresAt - Math.min(margin, lifetime / 2) };
          failure = null;
        } else {
          failure = { result, at: options.now() };
        }
        return result;
      });
    return inFlight;
  }

  return {
    getToken(): Promise<TokenResult> {
      const now = options.now();
      const current = cached && now < cached.token.expiresAt ? cached : null;
      if (current && now < current.refreshAt) return Promise.resolve({ ok: true, token: current.token });
      const holding = failure !== null && now - failure.at < failureHoldMs;
      if (current) {
        // Still valid: serve it and refresh behind it, unless a refresh just failed.
        if (!holding) void refresh();
        return Promise.resolve({ ok: true, token: current.token });
      }
      if (holding && !inFlight) return Promise.resolve(failure!.result);
      return refresh();
    },
  };
}
