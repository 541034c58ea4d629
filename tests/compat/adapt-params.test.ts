import { describe, expect, test } from "bun:test";
import { adaptParams } from "../../src/compat/adapt-params.ts";
import { parseApiVersion, supportsFeature } from "../../src/compat/api-version.ts";
import { ProxyError } from "../../src/errors/openai-error.ts";
import { snapshot } from "./compat-helpers.ts";

const messages = [{ role: "user", content: "Hi" }];
const JSON_SCHEMA = { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" } } };
/** Every parameter of the §3.2 table except tools. */
const EVERYTHING = {
  messages,
  parallel_tool_calls: false,
  max_completion_tokens: 100,
  response_format: JSON_SCHEMA,
  reasoning_effort: "low",
  store: true,
  metadata: { team: "a" },
  stream_options: { include_usage: true },
};
const ALL_DROPPED = ["parallel_tool_calls", "max_completion_tokens", "response_format", "reasoning_effort", "store", "metadata", "stream_options"];

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

describe("adaptParams, chat: what each api-version drops", () => {
  test.each([
    ["2024-06-01", ALL_DROPPED],
    ["2024-08-01-preview", ALL_DROPPED.filter((p) => p !== "response_format")],
    ["2024-09-01-preview", ["reasoning_effort", "store", "metadata"]],
    ["2024-10-21", ["reasoning_effort", "store", "metadata", "stream_options"]],
    ["2024-12-01-preview", []],
    ["2025-04-01-preview", []],
    ["v1", []],
    ["preview", []],
    ["latest", []],
    ["not-a-version", []],
  ])("%s", (version, dropped) => {
    const result = adaptParams("chat", EVERYTHING, version, "adapt");
    if (!result.ok) throw result.error;
    expect(result.dropped).toEqual(dropped);
    for (const param of dropped) expect(result.body).not.toHaveProperty(param);
    expect(result.body.messages).toBe(messages);
  });

  test("max_completion_tokens becomes max_tokens on older versions", () => {
    const result = adaptParams("chat", { messages, max_completion_tokens: 50 }, "2024-06-01", "adapt");
    expect(result).toEqual({ ok: true, body: { messages, max_tokens: 50 }, dropped: ["max_completion_tokens"] });
  });

  test("a max_tokens the client set wins over max_completion_tokens", () => {
    const result = adaptParams("chat", { messages, max_tokens: 10, max_completion_tokens: 50 }, "2024-06-01", "adapt");
    expect(result).toEqual({ ok: true, body: { messages, max_tokens: 10 }, dropped: ["max_completion_tokens"] });
  });

  test.each([["json_object"], ["text"]])("response_format type %s is left alone on old versions", (type) => {
    const format = { type };
    const result = adaptParams("chat", { messages, response_format: format }, "2024-02-01", "adapt");
    expect(result).toEqual({ ok: true, body: { messages, response_format: format }, dropped: [] });
  });

  test("the input body is never changed", () => {
    const before = snapshot(EVERYTHING);
    const result = adaptParams("chat", EVERYTHING, "2024-02-01", "adapt");
    expect(EVERYTHING).toEqual(before);
    expect(result.ok && result.body).not.toBe(EVERYTHING);
  });
});

describe("adaptParams, chat: tools are refused, not dropped", () => {
  test.each([
    ["2023-05-15", "tools", { tools: [] }],
    ["2023-12-01", "tools", { tools: [] }],
    ["2023-10-01-preview", "tool_choice", { tool_choice: "auto" }],
  ])("%s with %s → 400 unsupported_parameter", (version, _name, params) => {
    const result = adaptParams("chat", { messages, ...params }, version, "adapt");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ProxyError);
    expect(result.error.body).toEqual({
      error: { message: result.error.message, type: "invalid_request_error", param: "tools", code: "unsupported_parameter" },
    });
    expect(result.error.status).toBe(400);
    expect(result.error.message).toContain(version);
    expect(result.error.message).toContain("2024-02-01");
    expect(result.error.message).toContain("2023-12-01-preview");
  });

  test.each([["2024-02-01"], ["2023-12-01-preview"], ["v1"]])("%s accepts tools", (version) => {
    const body = { messages, tools: [{ type: "function", function: { name: "f" } }], tool_choice: "auto" };
    expect(adaptParams("chat", body, version, "adapt")).toEqual({ ok: true, body, dropped: [] });
  });
});

describe("adaptParams, completions: only stream_options applies", () => {
  test("old version: stream_options dropped, the chat parameters left for Azure to judge", () => {
    const body = { prompt: "Hi", ...EVERYTHING, tools: [] };
    const result = adaptParams("completions", body, "2023-05-15", "adapt");
    const { stream_options: _s, ...rest } = body;
    expect(result).toEqual({ ok: true, body: rest, dropped: ["stream_options"] });
  });
});

test("passthrough: the body unchanged whatever the version", () => {
  const body = { ...EVERYTHING, tools: [] };
  expect(adaptParams("chat", body, "2023-05-15", "passthrough")).toEqual({ ok: true, body, dropped: [] });
});
