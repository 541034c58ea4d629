import { describe, expect, test } from "bun:test";
import { refusalFor, toProxyError, type LimitCheck } from "../../src/limits/decide-limits.ts";
import { approximatePromptTokens, estimateRequestTokens } from "../../src/limits/estimate-tokens.ts";
import { formatResetDuration, rateLimitHeaders, retryAfterHeaders } from "../../src/limits/rate-limit-headers.ts";
import { allowsModel, visibleModels } from "../../src/limits/user-limits.ts";
import type { WindowResult } from "../../src/state/state-store.ts";

const window = (over: Partial<WindowResult>): WindowResult => ({
  allowed: true, limit: 10, used: 1, remaining: 9, resetMs: 60_000, retryAfterMs: 0, entry: null, ...over,
});
const NOW = Date.UTC(2026, 10, 29, 20, 0, 0);

describe("refusalFor", () => {
  const cases: Array<[string, LimitCheck, { code: string; retryAfterMs: number | null; message: RegExp } | null]> = [
    ["budget under", { kind: "budget", limit: 100, used: 99, now: NOW }, null],
    ["budget reached", { kind: "budget", limit: 100, used: 100, now: NOW },
      { code: "insufficient_quota", retryAfterMs: Date.UTC(2026, 11, 1) - NOW, message: /monthly token budget \(100 tokens, 100 used.*2026-12-01/ }],
    ["budget passed", { kind: "budget", limit: 100, used: 250, now: NOW }, { code: "insufficient_quota", retryAfterMs: 28 * 3_600_000, message: /250 used/ }],
    ["slot taken", { kind: "concurrency", slot: { acquired: true, limit: 2, count: 2 } }, null],
    ["no slot", { kind: "concurrency", slot: { acquired: false, limit: 2, count: 2 } },
      { code: "rate_limit_exceeded", retryAfterMs: 1_000, message: /concurrent requests: Limit 2, In progress 2/ }],
    ["rpm passes", { kind: "requests", window: window({}) }, null],
    ["rpm refused", { kind: "requests", window: window({ allowed: false, used: 10, remaining: 0, retryAfterMs: 12_500 }) },
      { code: "rate_limit_exceeded", retryAfterMs: 12_500, message: /requests per min \(RPM\): Limit 10, Used 10, Requested 1\. Please try again in 12\.5s/ }],
    ["tpm passes", { kind: "tokens", window: window({ limit: 1000 }), requested: 500 }, null],
    ["tpm refused", { kind: "tokens", window: window({ allowed: false, limit: 1000, used: 900, retryAfterMs: 3_000 }), requested: 500 },
      { code: "rate_limit_exceeded", retryAfterMs: 3_000, message: /tokens per min \(TPM\): Limit 1000, Used 900, Requested 500\. Please try again in 3s/ }],
    ["tpm too large", { kind: "tokens", window: window({ allowed: false, limit: 1000, retryAfterMs: null }), requested: 5000 },
      { code: "rate_limit_exceeded", retryAfterMs: null, message: /Request too large for gpt-4o .*Limit 1000, Requested 5000/ }],
  ];
  for (const [name, check, expected] of cases) {
    test(name, () => {
      const refusal = refusalFor(check, "gpt-4o");
      if (expected === null) return expect(refusal).toBeNull();
      expect(refusal).toMatchObject({ check: check.kind, code: expected.code, retryAfterMs: expected.retryAfterMs });
      expect(refusal!.message).toMatch(expected.message);
    });
  }
});

describe("toProxyError", () => {
  test("a rate refusal is an OpenAI-shaped 429 with retry-after, retry-after-ms and the rate headers", async () => {
    const refusal = refusalFor({ kind: "requests", window: window({ allowed: false, used: 10, remaining: 0, retryAfterMs: 12_500 }) }, "gpt-4o")!;
    const response = toProxyError(refusal, { "x-ratelimit-limit-requests": "10" }).toResponse();
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ error: { message: refusal.message, type: "rate_limit_error", param: null, code: "rate_limit_exceeded" } });
    expect(Object.fromEntries(response.headers)).toMatchObject({ "retry-after": "13", "retry-after-ms": "12500", "x-ratelimit-limit-requests": "10" });
    expect(response.headers.get("x-should-retry")).toBeNull();
  });
  test("a spent budget and a request larger than the tpm tell SDKs not to retry", () => {
    const budget = refusalFor({ kind: "budget", limit: 1, used: 1, now: NOW }, "gpt-4o")!;
    expect(toProxyError(budget, {}).headers).toMatchObject({ "x-should-retry": "false", "retry-after": String(28 * 3600) });
    const large = refusalFor({ kind: "tokens", window: window({ allowed: false, retryAfterMs: null }), requested: 99 }, "gpt-4o")!;
    const headers = toProxyError(large, {}).headers;
    expect(headers["x-should-retry"]).toBe("false");
    expect(headers["retry-after"]).toBeUndefined();
  });
});

describe("rate-limit headers", () => {
  const durations: Array<[number, string]> = [[0, "0ms"], [250, "250ms"], [999.2, "1s"], [1_000, "1s"], [1_500, "1.5s"], [59_999, "59.999s"], [60_000, "1m0s"], [62_500, "1m2.5s"], [360_000, "6m0s"]];
  for (const [ms, text] of durations) test(`${ms} ms is ${text}`, () => expect(formatResetDuration(ms)).toBe(text));

  test("requests headers for an rpm, tokens headers for a tpm, none without", () => {
    expect(rateLimitHeaders({ requests: window({ limit: 60, remaining: 59, resetMs: 1_000 }) })).toEqual({
      "x-ratelimit-limit-requests": "60", "x-ratelimit-remaining-requests": "59", "x-ratelimit-reset-requests": "1s",
    });
    expect(rateLimitHeaders({ requests: null, tokens: window({ limit: 200_000, remaining: 150_000, resetMs: 6_000 }) })).toEqual({
      "x-ratelimit-limit-tokens": "200000", "x-ratelimit-remaining-tokens": "150000", "x-ratelimit-reset-tokens": "6s",
    });
    expect(rateLimitHeaders({})).toEqual({});
  });
  test("retry-after is whole seconds rounded up, at least 1", () => {
    expect(retryAfterHeaders(0)).toEqual({ "retry-after": "1", "retry-after-ms": "0" });
    expect(retryAfterHeaders(1_001)).toEqual({ "retry-after": "2", "retry-after-ms": "1001" });
  });
});

describe("token estimate", () => {
  const count = (body: Readonly<Record<string, unknown>>) => (body.messages as unknown[] | undefined)?.length ?? 0;
  const messages = [{ role: "user", content: "hi" }, { role: "user", content: "there" }];
  const cases: Array<[string, Record<string, unknown>, Parameters<typeof estimateRequestTokens>[0]["operation"], number]> = [
    ["default completion", { messages }, "chat", 2 + 1_024],
    ["max_tokens", { messages, max_tokens: 100 }, "chat", 102],
    ["max_completion_tokens wins", { messages, max_tokens: 100, max_completion_tokens: 50 }, "chat", 52],
    ["n choices", { messages, max_tokens: 100, n: 3 }, "chat", 302],
    ["responses max_output_tokens", { max_output_tokens: 70 }, "responses", 70],
    ["embeddings add no completion", { messages }, "embeddings", 2],
    ["images add no completion", {}, "images", 0],
  ];
  for (const [name, body, operation, expected] of cases) {
    test(name, () => expect(estimateRequestTokens({ body, operation, countPromptTokens: count })).toBe(expected));
  }
  test("the stand-in counter takes about four characters a token over the prompt fields", () => {
    expect(approximatePromptTokens({ input: "x".repeat(40) })).toBe(10);
    expect(approximatePromptTokens({ model: "gpt-4o", max_tokens: 5 })).toBe(0);
  });
});

describe("models allow-list", () => {
  test("no list allows all; a list allows only its models", () => {
    expect(allowsModel({}, "gpt-4o")).toBe(true);
    expect(allowsModel({ models: ["gpt-4o"] }, "gpt-4o")).toBe(true);
    expect(allowsModel({ models: ["gpt-4o"] }, "o3")).toBe(false);
    expect(visibleModels({ models: ["gpt-4o", "o3"] }, ["gpt-4o", "text-embedding-3-small", "o3"])).toEqual(["gpt-4o", "o3"]);
  });
});
