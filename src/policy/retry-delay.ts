/** How long to wait before the next attempt: Azure's Retry-After when given and well-formed, else exponential backoff with full jitter. */

/** RFC 9110 delay-seconds, and the plain non-negative integer `retry-after-ms` carries. */
const DIGITS = /^\d+$/;
/** RFC 9110 HTTP-date in its three forms: IMF-fixdate, obsolete RFC 850 and asctime. */
const HTTP_DATE = [
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * The wait Azure asks for, in milliseconds: `retry-after-ms`, then `x-ms-retry-after-ms` (each a plain
 * non-negative integer), then `retry-after` (delay-seconds or an HTTP-date). A value of any other form
 * is ignored (`12abc` is not 12 ms); null when nothing well-formed is present.
 */
export function parseRetryAfterMs(headers: Headers, now: number): number | null {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = headers.get(name)?.trim();
    if (value && DIGITS.test(value)) return Number(value);
  }
  const retryAfter = headers.get("retry-after")?.trim();
  if (!retryAfter) return null;
  if (DIGITS.test(retryAfter)) return Number(retryAfter) * 1000;
  if (!HTTP_DATE.some((form) => form.test(retryAfter))) return null;
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

/**
 * The delay before retrying on the same key: Azure's Retry-After as asked (it may exceed the cap —
 * the caller then takes the key out rather than retry early), else backoff within the cap.
 */
export function retryDelayMs(input: RetryDelayInput): number {
  const asked = input.headers ? parseRetryAfterMs(input.headers, input.now) : null;
  if (asked !== null) return Math.round(asked);
  return Math.round(backoffDelayMs(input.retryIndex, input.baseMs, input.capMs, input.random));
}
