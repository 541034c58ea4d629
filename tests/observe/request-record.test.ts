import { describe, expect, test } from "bun:test";
import { formatPretty } from "../../src/log-pretty.ts";
import { createLogger } from "../../src/log.ts";
import { requestFields, requestLevel } from "../../src/observe/request-line.ts";
import { startRequestRecord, type RequestSummary } from "../../src/observe/request-record.ts";
import { readTokenUsage } from "../../src/observe/token-usage.ts";
import { createMemoryUsageStore } from "../../src/observe/usage-store.ts";
import type { AttemptReport } from "../../src/policy/attempt-report.ts";

describe("readTokenUsage", () => {
  test.each([
    ["chat", { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }, { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }],
    ["embeddings (no completion)", { prompt_tokens: 5, total_tokens: 5 }, { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 }],
    ["Responses API names", { input_tokens: 2, output_tokens: 6 }, { prompt_tokens: 2, completion_tokens: 6, total_tokens: 8 }],
    ["negative", { prompt_tokens: -1, completion_tokens: 1 }, null],
    ["not whole", { prompt_tokens: 1.5, completion_tokens: 1 }, null],
    ["a string", { prompt_tokens: "3", completion_tokens: 1 }, null],
    ["null", null, null],
    ["an array", [1, 2], null],
  ])("%s", (_name, value, expected) => {
    expect(readTokenUsage(value)).toEqual(expected);
  });
});

const target = (id: string) => ({ id, key: { resourceId: `${id}-res` }, deployment: "d" }) as unknown as AttemptReport["target"];
const report = (id: string, status: number, next: string | null, waitMs = 0): AttemptReport => ({
  number: 1, target: target(id), verdict: status === 200 ? "ok" : "retry",
  result: { kind: "json", status, headers: new Headers(), body: {} }, nextTarget: next as AttemptReport["nextTarget"], waitMs,
});

describe("a request record", () => {
  test("is finished exactly once, with attempts, failover reason, usage and timings", () => {
    let time = 1_000;
    const finished: RequestSummary[] = [];
    const record = startRequestRecord({ method: "POST", path: "/v1/chat/completions", requestId: "r1" }, () => time, (s) => finished.push(s));
    record.attempt(report("primary", 429, "primary", 500));
    record.attempt(report("primary", 503, "secondary"));
    record.attempt(report("secondary", 200, null));
    record.usage({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
    record.usage(null);
    time = 1_250;
    record.head(200, true);
    time = 2_000;
    record.streamEnd("completed");
    expect(record.finish(200)).toBe(true);
    expect(record.finish(500)).toBe(false);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({
      failover: "server_error", retryReasons: ["throttled", "server_error"], ttfbMs: 250, durationMs: 1_000, status: 200,
      usage: { total_tokens: 3 },
      attempts: [{ upstream: "primary", status: 429, outcome: "throttled", waitMs: 500 }, { upstream: "primary", status: 503 }, { upstream: "secondary", status: 200, outcome: "ok" }],
    });
  });

  test("keeps a client's model name and the attempt list bounded", () => {
    const record = startRequestRecord({ method: "POST", path: "/v1/x", requestId: "r" }, () => 0, () => {});
    record.identify({ requestId: "r", mode: "user", userId: "u", model: "m".repeat(1_000_000), operation: "chat/completions" });
    for (let i = 0; i < 100; i++) record.attempt(report("primary", 503, "primary"));
    expect(record.summary.model!.length).toBeLessThanOrEqual(257);
    expect(record.summary.attempts).toHaveLength(20);
  });
});

describe("the request's log level", () => {
  const base = { requestId: "r", method: "GET", path: "/", attempts: [], attemptCount: 0, retryReasons: [], attemptOutcomes: [], durationMs: 1 };
  test.each([
    [200, undefined, "info"],
    [200, "completed", "info"],
    [200, "client_gone", "info"],
    [200, "upstream_error", "error"],
    [401, undefined, "warn"],
    [499, undefined, "info"],
    [502, undefined, "error"],
  ] as const)("status %d, stream %s: %s", (status, stream, level) => {
    expect(requestLevel({ ...base, status, ...(stream ? { stream } : {}) })).toBe(level);
  });

  test("unknown parts are left out of the line", () => {
    expect(Object.keys(requestFields({ ...base, status: 404 }))).toEqual(["requestId", "method", "path", "status", "durationMs"]);
  });
});

describe("the memory usage store", () => {
  test("counts requests and tokens per user and model; requests without usage count as requests", async () => {
    const store = createMemoryUsageStore();
    await store.add("alice", "gpt-4o", { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
    await store.add("alice", "gpt-4o", { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 });
    await store.add("alice", "gpt-4o", null);
    await store.add("proxy:res", "o3", null);
    expect(await store.report()).toEqual({
      users: {
        alice: { "gpt-4o": { requests: 3, prompt_tokens: 11, completion_tokens: 22, total_tokens: 33 } },
        "proxy:res": { o3: { requests: 1, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } },
      },
    });
  });
});

describe("the logger", () => {
  test("writes nothing below its level and says so to callers", () => {
    const lines: string[] = [];
    const log = createLogger("error", { write: (line) => lines.push(line) });
    log.info("quiet");
    expect(log.enabled("info")).toBe(false);
    log.error("loud", { a: 1 });
    expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: "error", msg: "loud", a: 1 })]);
  });

  test("pretty: one readable line per record", () => {
    const lines: string[] = [];
    createLogger("info", { format: "pretty", write: (line) => lines.push(line) }).warn("request", { status: 401, path: "/v1/models" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ WARN  request status=401 path=\/v1\/models$/);
    expect(formatPretty("not json")).toBe("not json");
  });
});
