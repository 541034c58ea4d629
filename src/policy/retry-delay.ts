/** How long to wait before the next attempt: Azure's Retry-After when given, else exponential backoff with full jitter. */

/**
 * The wait Azure asks for, in milliseconds: `retry-after-ms`, then `x-ms-retry-after-ms`, then
 * `retry-after` (seconds, or an HTTP date). Null when none is present or readable.
 */
export function parseRetryAfterMs(headers: Headers, now: number): number | null {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = Number.parseFloat(headers.get(name) ?? "");
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get("retry-after")?.trim();
  if (!retryAfter) return null;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number.parseFloat(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^retryIndex)). */
export function backoffDelayMs(retryIndex: number, baseMs: number, capMs: number, random: () => number): number {
  return random() * Math.min(capMs, baseMs * 2 ** retryIndex);
}

export interface RetryDelayInput {
  /** Headers of the failed answer; null for a connection failure or timeout. */
  readonly headers: Headers | null;
  /** 0 for the first retry. */
  readonly retryIndex: number;
  readonly baseMs: number;
  readonly capMs: number;
  readonly now: number;
  readonly random: () => number;
}

/** The delay before retrying on the same key: Retry-After if given, else backoff; never more than the cap. */
export function retryDelayMs(input: RetryDelayInput): number {
  const asked = input.headers ? parseRetryAfterMs(input.headers, input.now) : null;
  const delay = asked ?? backoffDelayMs(input.retryIndex, input.baseMs, input.capMs, input.random);
  return Math.min(input.capMs, Math.round(delay));
}
