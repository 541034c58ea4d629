/**
 * Per-user limit decisions as pure functions of what the state store answered: each check either
 * passes or becomes an OpenAI-shaped 429 refusal (`rate_limit_exceeded` for rpm/tpm/maxConcurrent,
 * `insufficient_quota` for the monthly budget) with its `retry-after`.
 */
import { ProxyError } from "../errors/openai-error.ts";
import { nextMonthStart } from "../state/calendar-month.ts";
import type { SlotResult, WindowResult } from "../state/state-store.ts";
import { retryAfterHeaders } from "./rate-limit-headers.ts";

/** One answer of the store, as the check that asked for it. */
export type LimitCheck =
  | { readonly kind: "budget"; readonly limit: number; readonly used: number; readonly now: number }
  | { readonly kind: "concurrency"; readonly slot: SlotResult }
  | { readonly kind: "requests"; readonly window: WindowResult }
  | { readonly kind: "tokens"; readonly window: WindowResult; readonly requested: number };

/** A refusal as plain data; `toProxyError` makes the response. */
export interface LimitRefusal {
  readonly check: LimitCheck["kind"];
  readonly code: "rate_limit_exceeded" | "insufficient_quota";
  readonly message: string;
  /** Null when waiting cannot help (a request larger than the tpm). */
  readonly retryAfterMs: number | null;
}

/** A concurrency slot frees when another request ends, which no number predicts; ask for a short wait. */
export const CONCURRENCY_RETRY_MS = 1_000;

const seconds = (ms: number) => `${Number((Math.max(0, ms) / 1_000).toFixed(3))}s`;

/** The refusal a check's answer means, or null when it passes. `model` names the model in messages. */
export function refusalFor(check: LimitCheck, model: string): LimitRefusal | null {
  switch (check.kind) {
    case "budget": {
      if (check.used < check.limit) return null;
      const wait = nextMonthStart(check.now) - check.now;
      return {
        check: "budget",
        code: "insufficient_quota",
        message: `You exceeded your monthly token budget (${check.limit} tokens, ${check.used} used this calendar month, UTC). ` +
          `It starts over on ${new Date(nextMonthStart(check.now)).toISOString().slice(0, 10)}; ask the operator of this haigpt server to raise monthlyTokens.`,
        retryAfterMs: wait,
      };
    }
    case "concurrency":
      if (check.slot.acquired) return null;
      return {
        check: "concurrency",
        code: "rate_limit_exceeded",
        message: `Rate limit reached for ${model} on concurrent requests: Limit ${check.slot.limit}, In progress ${check.slot.count}. ` +
          "Please try again when one of your requests has finished.",
        retryAfterMs: CONCURRENCY_RETRY_MS,
      };
    case "requests":
      if (check.window.allowed) return null;
      return {
        check: "requests",
        code: "rate_limit_exceeded",
        message: `Rate limit reached for ${model} on requests per min (RPM): Limit ${check.window.limit}, Used ${check.window.used}, Requested 1. ` +
          `Please try again in ${seconds(check.window.retryAfterMs ?? 0)}.`,
        retryAfterMs: check.window.retryAfterMs ?? 0,
      };
    case "tokens": {
      const { window, requested } = check;
      if (window.allowed) return null;
      if (window.retryAfterMs === null) {
        return {
          check: "tokens",
          code: "rate_limit_exceeded",
          message: `Request too large for ${model} on tokens per min (TPM): Limit ${window.limit}, Requested ${requested}. ` +
            "The input or output tokens must be reduced in order to run successfully (lower max_tokens or shorten the prompt).",
          retryAfterMs: null,
        };
      }
      return {
        check: "tokens",
        code: "rate_limit_exceeded",
        message: `Rate limit reached for ${model} on tokens per min (TPM): Limit ${window.limit}, Used ${window.used}, Requested ${requested}. ` +
          `Please try again in ${seconds(window.retryAfterMs)}.`,
        retryAfterMs: window.retryAfterMs,
      };
    }
  }
}

/**
 * The 429 for a refusal, with `retry-after`/`retry-after-ms` and the rate-limit headers. A refusal that
 * waiting will not cure soon (a request larger than the tpm, a spent monthly budget) also says
 * `x-should-retry: false`, so SDKs do not retry it.
 */
export function toProxyError(refusal: LimitRefusal, rateHeaders: Readonly<Record<string, string>>): ProxyError {
  const noRetry = refusal.retryAfterMs === null || refusal.code === "insufficient_quota";
  const headers: Record<string, string> = {
    ...rateHeaders,
    ...(refusal.retryAfterMs === null ? {} : retryAfterHeaders(refusal.retryAfterMs)),
    ...(noRetry ? { "x-should-retry": "false" } : {}),
  };
  return new ProxyError(429, refusal.message, { code: refusal.code, headers });
}
