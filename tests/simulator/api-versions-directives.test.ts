// Pure-function tests: the api-version feature table and directive parsing/selection.

import { describe, expect, test } from "bun:test";
import { parseApiVersion, selectAnnotationField, supportsSpeech, unsupportedParams } from "../../src/simulator/api-versions.ts";
import { ActiveDirectives, parseDirectives, selectActiveDirectives } from "../../src/simulator/directives.ts";

describe("unsupportedParams", () => {
  const all = {
    tools: [], tool_choice: "auto", parallel_tool_calls: true, max_completion_tokens: 5,
    response_format: { type: "json_schema" }, stream_options: {}, reasoning_effort: "low", store: true, metadata: {},
  };

  test.each([
    ["2023-05-15", Object.keys(all)],
    ["2023-12-01-preview", ["parallel_tool_calls", "max_completion_tokens", "stream_options", "reasoning_effort", "store", "metadata", "response_format"]],
    ["2024-02-01", ["parallel_tool_calls", "max_completion_tokens", "stream_options", "reasoning_effort", "store", "metadata", "response_format"]],
    ["2024-08-01-preview", ["parallel_tool_calls", "max_completion_tokens", "stream_options", "reasoning_effort", "store", "metadata"]],
    ["2024-09-01-preview", ["reasoning_effort", "store", "metadata"]],
    ["2024-10-21", ["stream_options", "reasoning_effort", "store", "metadata"]],
    ["2024-12-01-preview", []],
    ["2025-04-01-preview", []],
  ])("%s refuses %j", (version, expected) => {
    expect(unsupportedParams(version, all).sort()).toEqual([...expected].sort());
  });

  test("json_object response_format is fine everywhere; api-version in the body never is", () => {
    expect(unsupportedParams("2023-05-15", { response_format: { type: "json_object" } })).toEqual([]);
    expect(unsupportedParams("2025-04-01-preview", { "api-version": "2024-10-21" })).toEqual(["api-version"]);
  });

  test("non-dated versions and non-object bodies refuse nothing", () => {
    expect(unsupportedParams("v1", { store: true })).toEqual([]);
    expect(unsupportedParams("2023-05-15", null)).toEqual([]);
  });
});

test("annotation field per api-version", () => {
  const field = (raw: string) => selectAnnotationField(parseApiVersion(raw)!);
  expect(field("2023-05-15")).toBeNull();
  expect(field("2023-03-15-preview")).toBeNull();
  expect(field("2023-06-01-preview")).toBe("prompt_annotations");
  expect(field("2023-07-01-preview")).toBe("prompt_annotations");
  expect(field("2023-08-01-preview")).toBe("prompt_filter_results");
  expect(field("2023-12-01")).toBeNull();
  expect(field("2024-02-01")).toBe("prompt_filter_results");
  expect(selectAnnotationField("v1")).toBe("prompt_filter_results");
  expect(parseApiVersion("2024-10-21-beta")).toBeNull();
  expect(supportsSpeech(parseApiVersion("2024-02-15-preview")!)).toBe(true);
  expect(supportsSpeech(parseApiVersion("2024-10-21")!)).toBe(false);
});

describe("directives", () => {
  test("parses name, arg, resource and count from JSON text", () => {
    const text = JSON.stringify({ messages: [{ role: "user", content: "a sim:429=250@primary*2 b sim:filter-prompt=hate, sim:hang." }] });
    expect(parseDirectives(text)).toEqual([
      { raw: "sim:429=250@primary*2", name: "429", arg: "250", resource: "primary", count: 2 },
      { raw: "sim:filter-prompt=hate", name: "filter-prompt", arg: "hate" },
      { raw: "sim:hang", name: "hang" },
    ]);
  });

  test("the same token twice counts once", () => {
    expect(parseDirectives("sim:500 and sim:500")).toHaveLength(1);
  });

  test("@resource limits, *count counts per resource and body text", () => {
    const counters = new Map<string, number>();
    const take = (key: string): number => {
      const used = counters.get(key) ?? 0;
      counters.set(key, used + 1);
      return used;
    };
    const found = parseDirectives("sim:500*2 sim:503@other");
    const names = (resource: string, body: string) => selectActiveDirectives(found, resource, body, take).map((d) => d.name);
    expect(names("primary", "x")).toEqual(["500"]);
    expect(names("primary", "x")).toEqual(["500"]);
    expect(names("primary", "x")).toEqual([]);
    expect(names("primary", "y")).toEqual(["500"]);
    expect(names("other", "x")).toEqual(["500", "503"]);
  });

  test("ActiveDirectives lookups", () => {
    const active = new ActiveDirectives(parseDirectives("sim:slow=25 sim:gate=g1 sim:429"));
    expect(active.readNumberArg("slow", 0)).toBe(25);
    expect(active.readNumberArg("429", 10)).toBe(10);
    expect(active.readArg("gate")).toBe("g1");
    expect(active.has("usage")).toBe(false);
  });
});
