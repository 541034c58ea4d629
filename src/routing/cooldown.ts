/**
 * Cooldown from Azure's own 429 headers: an upstream that answered 429 is not used by any request for
 * exactly the wait it named (`retry-after-ms`, else `retry-after`), not for a guessed constant.
 */

/** `retry-after-ms`: a plain non-negative number of milliseconds, nothing else. */
const MILLISECONDS = /^\d+(?:\.\d+)?$/;
/** `retry-after` delay-seconds (RFC 9110 §10.2.3): digits only. */
const DELAY_SECONDS = /^\d+$/;

type HeaderSource = Headers | Readonly<Record<string, string | undefined>>;

function readHeader(headers: HeaderSource, name: string): string | undefined {
  const value = headers instanceof Headers ? headers.get(name) : headers[name];
  return value?.trim() || undefined;
}

/**
 * The wait a 429 asks for, in milliseconds: `retry-after-ms`, else `retry-after` as delay-seconds or an
 * HTTP-date. Null when neither is present and well-formed (`12abc` is not 12).
 */
export function readCooldownMs(headers: HeaderSource, now: number): number | null {
  const ms = readHeader(headers, "retry-after-ms");
  if (ms !== undefined && MILLISECONDS.test(ms)) return Math.ceil(Number(ms));
  const after = readHeader(headers, "retry-after");
  if (after === undefined) return null;
  if (DELAY_SECONDS.test(after)) return Number(after) * 1000;
  // An HTTP-date names a day of the week and GMT; anything Date.parse merely tolerates is not one.
  if (!/GMT$/.test(after)) return null;
  const date = Date.parse(after);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Epoch ms until which an upstream that just answered 429 is unusable. The latest 429 is the best
 * knowledge, so it replaces an earlier cooldown. `fallbackMs` is used when Azure named no wait.
 */
export function cooldownUntil(headers: HeaderSource, now: number, fallbackMs: number): number {
  return now + (readCooldownMs(headers, now) ?? fallbackMs);
}

/** Whether an upstream cooling down until `until` (epoch ms, 0 for never) may be used at `now`. */
export function isCoolingDown(until: number, now: number): boolean {
  return until > now;
}

/** `retry-after` (whole seconds, rounded up so a client never comes back early) and `retry-after-ms`. */
export function retryAfterHeaders(waitMs: number): Record<string, string> {
  const ms = Math.max(0, Math.ceil(waitMs));
  return { "retry-after": String(Math.ceil(ms / 1000)), "retry-after-ms": String(ms) };
}
