/**
 * Cooldown from Azure's own 429 headers: an upstream that answered 429 is not used by any request for
 * exactly the wait it named (`retry-after-ms`, else `retry-after`), not for a guessed constant. The
 * wait is read by the same rule as the retry delay (src/policy/retry-delay.ts), so a request's own
 * retry on that upstream and every other request's cooldown end at the same instant.
 */
import { parseRetryAfterMs } from "../policy/retry-delay.ts";

/**
 * Epoch ms until which an upstream that just answered 429 is unusable. `fallbackMs` is used when Azure
 * named no well-formed wait.
 */
export function cooldownUntil(headers: Headers, now: number, fallbackMs: number): number {
  return now + Math.ceil(parseRetryAfterMs(headers, now) ?? fallbackMs);
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
