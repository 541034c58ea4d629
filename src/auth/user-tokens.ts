/** User-token lookup in constant time: neither the match nor its position leaks through timing. */
import { hash, timingSafeEqual } from "node:crypto";
import type { UserToken } from "../config/schema.ts";

/** SHA-256 of the UTF-8 text. One-shot `hash` (Bun and Deno have it): a third of a Hash object's cost, once per request. */
function digest(value: string): Buffer {
  return hash("sha256", value, "buffer");
}

/** The digest a configured token is compared by: of the token, or the `tokenSha256` given instead. */
function configuredDigest(token: UserToken): Buffer {
  return token.tokenSha256 !== undefined ? Buffer.from(token.tokenSha256, "hex") : digest(token.token ?? "");
}

/**
 * Returns a lookup over the configured tokens. Comparing SHA-256 digests keeps every comparison the
 * same length, and every token is compared on every call, so timing says nothing about near misses.
 * A token configured only as its hash (`tokenSha256`) is compared the same way.
 */
export function createTokenMatcher(tokens: readonly UserToken[]): (candidate: string) => UserToken | null {
  const digests = tokens.map((token) => ({ token, digest: configuredDigest(token) }));
  return (candidate) => {
    const probe = digest(candidate);
    let found: UserToken | null = null;
    for (const entry of digests) {
      if (timingSafeEqual(entry.digest, probe) && found === null) found = entry.token;
    }
    return found;
  };
}
