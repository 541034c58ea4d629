/**
 * The limits a user token may carry, and what they allow: which models, how many requests and tokens a
 * minute, how many at once, how many tokens a calendar month (UTC). Plain data from config.json.
 */

/** Per-user limits; each absent field means "no limit". */
export interface UserLimits {
  /** Allow-list of model names (as the client asks for them); other models answer 404 `model_not_found`. */
  readonly models?: readonly string[];
  /** Requests per sliding minute. */
  readonly rpm?: number;
  /** Tokens per sliding minute: an estimate up front, settled with the real usage. */
  readonly tpm?: number;
  /** Requests in progress at once (streams included, until they end). */
  readonly maxConcurrent?: number;
  /** Tokens per calendar month (UTC), real usage only; requests are refused once it is reached. */
  readonly monthlyTokens?: number;
}

/** The limit fields of a user token (or any object carrying them), without anything else it holds. */
export function limitsOfToken(token: UserLimits): UserLimits {
  const limits: { -readonly [K in keyof UserLimits]: UserLimits[K] } = {};
  if (token.models !== undefined) limits.models = token.models;
  if (token.rpm !== undefined) limits.rpm = token.rpm;
  if (token.tpm !== undefined) limits.tpm = token.tpm;
  if (token.maxConcurrent !== undefined) limits.maxConcurrent = token.maxConcurrent;
  if (token.monthlyTokens !== undefined) limits.monthlyTokens = token.monthlyTokens;
  return limits;
}

/** The window of `rpm` and `tpm`. */
export const MINUTE_MS = 60_000;

/** True when the user may use `model` (no allow-list allows every model). */
export function allowsModel(limits: UserLimits, model: string): boolean {
  return limits.models === undefined || limits.models.includes(model);
}

/** The models of `available` this user may see, for `/v1/models` and the 404's list. */
export function visibleModels(limits: UserLimits, available: readonly string[]): string[] {
  return available.filter((model) => allowsModel(limits, model));
}

/** True when any limit that needs the state store is set (rpm, tpm, maxConcurrent, monthlyTokens). */
export function needsStore(limits: UserLimits): boolean {
  return limits.rpm !== undefined || limits.tpm !== undefined || limits.maxConcurrent !== undefined || limits.monthlyTokens !== undefined;
}

/** Store keys of one user's limit state; the store adds its own prefix. */
export function limitKeys(userId: string): { requests: string; tokens: string; concurrent: string } {
  return { requests: `rpm:${userId}`, tokens: `tpm:${userId}`, concurrent: `concurrent:${userId}` };
}
