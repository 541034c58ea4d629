import { describe, expect, test } from "bun:test";
import { adaptParams } from "../../src/compat/adapt-params.ts";
import { parseApiVersion, supportsFeature } from "../../src/compat/api-version.ts";
import { ProxyError } from "../../src/errors/openai-error.ts";
import { snapshot } from "./compat-helpers.ts";

const messages = [{ role: "user", content: "Hi" }];
const JSON_SCHEMA = { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" } } };
describe("parseApiVersion / supportsFeature", () => {
  test.each([
    ["2024-10-21", { kind: "ga", date: "2024-10-21" }],
    ["2024-09-01-preview", { kind: "preview", date: "2024-09-01" }],
    ["v1", { kind: "all" }],
    ["preview", { kind: "all" }],
    ["latest", { kind: "all" }],
    ["2024-13", { kind: "all" }],
  ])("%s", (version, expected) => {
    expect(parseApiVersion(version)).toEqual(expected as ReturnType<typeof parseApiVersion>);
  });

  test.each([
    ["GA on the first GA date", "2024-10-21", true],
    ["GA before it", "2024-06-01", false],
    ["preview on the first preview date", "2024-09-01-preview", true],
    ["preview before it", "2024-08-01-preview", false],
    ["preview after the first GA", "2025-01-01-preview", true],
  ])("%s (%s)", (_name, version, expected) => {
    expect(supportsFeature(parseApiVersion(version), { firstPreview: "2024-09-01", firstGa: "2024-10-21" })).toBe(expected);
  });

  test("a GA never supports a feature that has no dated GA", () => {
    expect(supportsFeature(parseApiVersion("2099-01-01"), { firstPreview: "2024-12-01", firstGa: null })).toBe(false);
  });
});

/** Every hint of the table (removed or renamed where the version lacks it). */
const HINTS = {
  messages,
  max_completion_tokens: 100,
  parallel_tool_calls: false,
  stream_options: { include_usage: true },
  reasoning_effort: "low",
  store: true,
  metadata: { team: "a" },
  user_security_context: { application_name: "app" },
  prediction: { type: "content", content: "x" },
};
const ALL_HINTS = ["max_completion_tokens", "parallel_tool_calls", "stream_options", "reasoning_effort", "store", "metadata", "user_security_context", "prediction"];

describe("adaptParams, chat: which hints each api-version drops", () => {
  test.each([
    ["2024-06-01", ALL_HINTS],
    ["2024-08-01-preview", ALL_HINTS],
    ["2024-09-01-preview", ["reasoning_effort", "store", "metadata", "user_security_context", "prediction"]],
    ["2024-10-21", ["stream_options", "reasoning_effort", "store", "metadata", "user_security_context", "prediction"]],
    ["2024-12-01-preview", ["prediction"]],
    ["2025-01-01-preview", []],
    ["2025-04-01-preview", []],
    ["v1", []],
    ["preview", []],
    ["latest", []],
    ["not-a-version", []],
  ])("%s", (version, dropped) => {
    const result = adaptParams("chat", HINTS, version, "adapt");
    if (!result.ok) throw result.error;
    expect(result.dropped).toEqual(dropped);
    for (const param of dropped) expect(result.body).not.toHaveProperty(param);
    expect(result.body.messages).toBe(messages);
  });

  test("max_completion_tokens becomes max_tokens on older versions", () => {
    const result = adaptParams("chat", { messages, max_completion_tokens: 50 }, "2024-06-01", "adapt");
    expect(result).toMatchObject({ ok: true, body: { messages, max_tokens: 50 }, dropped: ["max_completion_tokens"] });
  });

  test("a max_tokens the client set wins over max_completion_tokens", () => {
    const result = adaptParams("chat", { messages, max_tokens: 10, max_completion_tokens: 50 }, "2024-06-01", "adapt");
    expect(result).toMatchObject({ ok: true, body: { messages, max_tokens: 10 }, dropped: ["max_completion_tokens"] });
  });

  test.each([["json_object"], ["text"]])("response_format type %s is left alone on old versions", (type) => {
    const format = { type };
    const result = adaptParams("chat", { messages, response_format: format }, "2024-02-01", "adapt");
    expect(result).toMatchObject({ ok: true, body: { messages, response_format: format }, dropped: [] });
  });

  test("the input body is never changed", () => {
    const before = snapshot(HINTS);
    const result = adaptParams("chat", HINTS, "2024-02-01", "adapt");
    expect(HINTS).toEqual(before);
    expect(result.ok && result.body).not.toBe(HINTS);
  });
});

describe("adaptParams, chat: parameters that carry meaning are refused for the key, never dropped", () => {
  test.each([
    ["2023-05-15", "tools", { tools: [] }, "2024-02-01 (GA) or 2023-12-01-preview"],
    ["2023-10-01-preview", "tools", { tool_choice: "auto" }, "2024-02-01 (GA) or 2023-12-01-preview"],
    ["2023-05-15", "functions", { functions: [{ name: "f" }] }, "2024-02-01 (GA) or 2023-07-01-preview"],
    ["2023-06-01-preview", "functions", { function_call: "auto" }, "2024-02-01 (GA) or 2023-07-01-preview"],
    ["2024-06-01", "response_format", { response_format: JSON_SCHEMA }, "2024-10-21 (GA) or 2024-08-01-preview"],
    ["2024-07-01-preview", "response_format", { response_format: JSON_SCHEMA }, "2024-10-21 (GA) or 2024-08-01-preview"],
    ["2024-10-21", "audio", { audio: { voice: "alloy", format: "wav" } }, "2025-01-01-preview (no dated GA has it; v1 does)"],
    ["2024-12-01-preview", "audio", { modalities: ["text", "audio"] }, "2025-01-01-preview"],
  ])("%s with %s → 400 unsupported_parameter naming the first version", (version, param, params, first) => {
    const result = adaptParams("chat", { messages, ...params }, version, "adapt");
    if (result.ok) throw new Error("expected a refusal");
    expect(result.error).toBeInstanceOf(ProxyError);
    expect(result.error.status).toBe(400);
    expect(result.error.body.error).toMatchObject({ type: "invalid_request_error", param, code: "unsupported_parameter" });
    expect(result.error.message).toContain(version);
    expect(result.error.message).toContain(first);
  });

  test.each([
    ["2024-02-01", { tools: [{ type: "function", function: { name: "f" } }], tool_choice: "auto" }],
    ["2023-12-01-preview", { tools: [] }],
    ["2024-02-01", { functions: [{ name: "f" }], function_call: "auto" }],
    ["2024-10-21", { response_format: JSON_SCHEMA }],
    ["2024-08-01-preview", { response_format: JSON_SCHEMA }],
    ["2025-01-01-preview", { audio: { voice: "alloy", format: "wav" }, modalities: ["text", "audio"] }],
    ["v1", { tools: [], functions: [], response_format: JSON_SCHEMA, audio: {}, modalities: [] }],
  ])("%s accepts %p", (version, params) => {
    const body = { messages, ...params };
    expect(adaptParams("chat", body, version, "adapt")).toMatchObject({ ok: true, body, dropped: [] });
  });
});

describe("adaptParams: include_usage", () => {
  const stream = (extra: object = {}) => ({ messages, stream: true, ...extra });
  test("asked, on a version with stream_options: Azure sends it, kept", () => {
    const result = adaptParams("chat", stream({ stream_options: { include_usage: true } }), "2024-09-01-preview", "adapt");
    expect(result).toMatchObject({ ok: true, dropped: [], usage: { source: "azure", strip: false } });
  });

  test("not asked, on a version with stream_options: asked of Azure anyway, stripped for the client", () => {
    const result = adaptParams("chat", stream(), "2024-12-01-preview", "adapt");
    expect(result).toMatchObject({ ok: true, body: { stream_options: { include_usage: true } }, dropped: [], usage: { source: "azure", strip: true } });
  });

  test("asked, on a version without stream_options: dropped, haigpt counts", () => {
    const result = adaptParams("chat", stream({ stream_options: { include_usage: true } }), "2024-10-21", "adapt");
    expect(result).toMatchObject({ ok: true, dropped: ["stream_options"], usage: { source: "counted", strip: false } });
    expect(result.ok && result.body).not.toHaveProperty("stream_options");
  });

  test("not a stream: no usage plan, nothing added", () => {
    const result = adaptParams("chat", { messages }, "2024-12-01-preview", "adapt");
    expect(result).toMatchObject({ ok: true, body: { messages }, usage: { source: "none" } });
  });
});

describe("adaptParams, completions: only stream_options applies", () => {
  test("old version: stream_options dropped, the chat parameters left for Azure to judge", () => {
    const body = { prompt: "Hi", ...HINTS, tools: [] };
    const result = adaptParams("completions", body, "2023-05-15", "adapt");
    const { stream_options: _s, ...rest } = body;
    expect(result).toMatchObject({ ok: true, body: rest, dropped: ["stream_options"] });
  });
});

test("passthrough: the body unchanged whatever the version", () => {
  const body = { ...HINTS, tools: [] };
  expect(adaptParams("chat", body, "2023-05-15", "passthrough")).toMatchObject({ ok: true, body, dropped: [] });
});
