/**
 * OpenAI's rate-limit headers from a user's windows: `x-ratelimit-limit-requests`/`-tokens`,
 * `x-ratelimit-remaining-*` and `x-ratelimit-reset-*` (a duration such as `1s`, `6m0s`, `250ms`), and
 * `retry-after` (whole seconds, at least 1) with `retry-after-ms` for a refusal.
 */
import type { WindowResult } from "../state/state-store.ts";

/** OpenAI's duration form: `250ms` below a second, else `[Nm]S[.fff]s` (e.g. `1s`, `6m0s`, `1m2.5s`). */
export function formatResetDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole < 1_000) return `${whole}ms`;
  const minutes = Math.floor(whole / 60_000);
  const seconds = (whole % 60_000) / 1_000;
  const text = `${Number(seconds.toFixed(3))}s`;
  return minutes > 0 ? `${minutes}m${text}` : text;
}

/** The headers of a limited user's answer; requests headers for an rpm, tokens headers for a tpm. */
export function rateLimitHeaders(windows: { requests?: WindowResult | null; tokens?: WindowResult | null }): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [kind, window] of Object.entries(windows)) {
    if (!window) continue;
    headers[`x-ratelimit-limit-${kind}`] = String(window.limit);
    headers[`x-ratelimit-remaining-${kind}`] = String(window.remaining);
    headers[`x-ratelimit-reset-${kind}`] = formatResetDuration(window.resetMs);
  }
  return headers;
}

/** `retry-after` in whole seconds (rounded up, at least 1) and the exact `retry-after-ms`. */
export function retryAfterHeaders(ms: number): Record<string, string> {
  const exact = Math.max(0, Math.ceil(ms));
  return { "retry-after": String(Math.max(1, Math.ceil(exact / 1_000))), "retry-after-ms": String(exact) };
}
