/** The client's answer when no upstream serving its model is usable: 429 while they cool down, else 503. */
import { ProxyError } from "../errors/openai-error.ts";
import { retryAfterHeaders } from "./cooldown.ts";
import type { NoUpstream } from "./route-order.ts";

/**
 * 429 `rate_limit_exceeded` when an upstream is only waiting out Azure's 429 (its `retry-after` is the
 * shortest wait left), 503 `upstreams_unavailable` when every circuit is open (with the time until the
 * first probe, if known).
 */
export function noUpstreamError(model: string, why: NoUpstream): ProxyError {
  const headers = why.waitMs === null ? {} : retryAfterHeaders(why.waitMs);
  const wait = why.waitMs === null ? "shortly" : `in ${headers["retry-after"]} s`;
  if (why.reason === "cooling_down") {
    return new ProxyError(429, `Every Azure deployment serving ${JSON.stringify(model)} is rate-limited by Azure right now. Retry ${wait}.`, {
      code: "rate_limit_exceeded",
      headers,
    });
  }
  return new ProxyError(
    503,
    `Every Azure deployment serving ${JSON.stringify(model)} is failing; haigpt paused sending to them. Retry ${wait}.`,
    { code: "upstreams_unavailable", headers },
  );
}
