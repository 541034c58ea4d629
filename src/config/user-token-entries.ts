/**
 * Checks the configured user tokens: each entry has a token or its SHA-256 (not both, not neither),
 * hashes are well formed, no two users share a token, and short tokens are reported as warnings.
 * Messages name users and fields, never a token or a hash.
 */
import { createHash } from "node:crypto";
import { ConfigError } from "./config-error.ts";
import type { UserToken } from "./schema.ts";

/** Tokens shorter than this get a start-up warning: they can be guessed. */
export const MIN_TOKEN_LENGTH = 16;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The lowercase hex SHA-256 of a token's UTF-8 bytes: the form `tokenSha256` holds. */
export function sha256Hex(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * Checks the entries read from `source` (`fieldPrefix` is "userTokens" for config.json, null for a
 * variable) and returns the warnings for start-up; throws a ConfigError naming the field otherwise.
 */
export function checkUserTokens(tokens: readonly UserToken[], source: string, fieldPrefix: string | null): string[] {
  const field = (index: number, sub?: string) => (fieldPrefix === null ? null : [fieldPrefix, index, sub].filter((p) => p !== undefined).join("."));
  const entryName = (index: number) => (fieldPrefix === null ? `entry ${index + 1} ` : "");
  const owners = new Map<string, string>();
  const warnings: string[] = [];
  tokens.forEach((entry, index) => {
    const { userId, token, tokenSha256 } = entry;
    if (token !== undefined && tokenSha256 !== undefined) {
      throw new ConfigError(source, field(index), `${entryName(index)}gives both "token" and "tokenSha256"; keep one`);
    }
    if (token === undefined && tokenSha256 === undefined) {
      throw new ConfigError(source, field(index), `${entryName(index)}needs "token" or "tokenSha256" (the SHA-256 of the token, in lowercase hex)`);
    }
    if (tokenSha256 !== undefined && !SHA256_HEX.test(tokenSha256)) {
      throw new ConfigError(source, field(index, "tokenSha256"), "must be 64 lowercase hex characters: the SHA-256 of the token's UTF-8 bytes");
    }
    if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
      warnings.push(`${source}: the token of user ${userId} is shorter than ${MIN_TOKEN_LENGTH} characters and could be guessed; use a long random one (e.g. openssl rand -hex 24)`);
    }
    const digest = tokenSha256 ?? sha256Hex(token!);
    const owner = owners.get(digest);
    if (owner !== undefined) throw new ConfigError(source, null, `users ${owner} and ${userId} have the same token`);
    owners.set(digest, userId);
  });
  return warnings;
}
