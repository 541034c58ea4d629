import { describe, expect, test } from "bun:test";
import { collectBodyAnnotations, collectChoiceAnnotations, collectErrorAnnotations, isFilterFlagged } from "../../src/compat/filter-annotations.ts";
import { stripAzureFields, stripChoiceFields, stripErrorFields } from "../../src/compat/strip-azure-fields.ts";
import * as wire from "../fixtures/azure-wire.ts";
import { AZURE_ONLY_KEYS, findKeys, makeContext, snapshot } from "./compat-helpers.ts";

describe("isFilterFlagged", () => {
  test.each([
    ["all safe", false, wire.PROMPT_ANNOTATION_CHUNK.prompt_filter_results[0]?.content_filter_results],
    ["violence filtered (§4.1)", true, wire.PROMPT_FILTER_400.error.innererror.content_filter_result],
    ["protected material detected (§4.5)", true, wire.ASYNC_VIOLATION_CHUNK.choices[0]?.content_filter_results],
    ["detected but not filtered", true, { jailbreak: { filtered: false, detected: true } }],
    ["a filter error, nothing flagged (§4.2)", false, { error: { code: "content_filter_error", message: "The contents are not filtered" } }],
    ["empty", false, {}],
    ["not an object", false, null],
  ])("%s → %p", (_name, expected, results) => {
    expect(isFilterFlagged(results)).toBe(expected);
  });
});

describe("stripAzureFields on a chat completion (§4.3)", () => {
  test("strict: prompt and choice annotations removed, everything else kept, input untouched", () => {
    const { ctx } = makeContext("strict");
    const before = snapshot(wire.CHAT_COMPLETION_BODY);
    const stripped = stripAzureFields(wire.CHAT_COMPLETION_BODY, ctx);
    expect(findKeys(stripped, AZURE_ONLY_KEYS)).toEqual([]);
    const { prompt_filter_results: _p, choices: _c, ...rest } = wire.CHAT_COMPLETION_BODY;
    expect(stripped).toMatchObject(rest);
    expect(stripped.choices).toEqual([{ index: 0, finish_reason: "stop", logprobs: null, message: { role: "assistant", content: "Hello!", refusal: null } }]);
    expect(wire.CHAT_COMPLETION_BODY).toEqual(before);
  });

  test("stripping only strips: collecting the annotations for the log is its own step", () => {
    const { ctx, observed } = makeContext("strict");
    stripAzureFields(wire.CHAT_COMPLETION_BODY, ctx);
    stripChoiceFields(wire.ASYNC_VIOLATION_CHUNK.choices[0]!, ctx);
    expect(observed).toEqual([]);
  });

  test("azure: the body comes back unchanged", () => {
    const { ctx } = makeContext("azure");
    expect(stripAzureFields(wire.CHAT_COMPLETION_BODY, ctx)).toEqual(wire.CHAT_COMPLETION_BODY);
  });

  test.each(["strict", "azure"] as const)("%s: prompt and choice annotations are collected with their indexes", (mode) => {
    const { ctx, observed } = makeContext(mode);
    collectBodyAnnotations(wire.CHAT_COMPLETION_BODY, ctx);
    expect(observed).toEqual([
      { source: "prompt", index: 0, results: wire.CHAT_COMPLETION_BODY.prompt_filter_results[0]?.content_filter_results, flagged: false },
      { source: "choice", index: 0, results: wire.CHAT_COMPLETION_BODY.choices[0]?.content_filter_results, flagged: false },
    ]);
  });
});

describe("stripAzureFields on images (§4.6)", () => {
  test("strict: both per-image annotations removed, url and revised_prompt kept", () => {
    const { ctx, observed } = makeContext("strict");
    const stripped = stripAzureFields(wire.IMAGE_GENERATION_BODY, ctx);
    collectBodyAnnotations(wire.IMAGE_GENERATION_BODY, ctx);
    const [image] = wire.IMAGE_GENERATION_BODY.data;
    expect(stripped).toEqual({ created: 1698342300, data: [{ revised_prompt: image?.revised_prompt, url: image?.url }] });
    expect(observed.map(({ source, index }) => [source, index])).toEqual([["prompt", 0], ["choice", 0]]);
    expect(observed[0]?.results).toEqual(image?.prompt_filter_results);
  });
});

describe("stripChoiceFields", () => {
  test("strict removes content_filter_results and content_filter_offsets; the violation is reported as flagged", () => {
    const { ctx, observed } = makeContext("strict");
    const choice = wire.ASYNC_VIOLATION_CHUNK.choices[0]!;
    expect(stripChoiceFields(choice, ctx)).toEqual({ index: 0, finish_reason: "content_filter" });
    collectChoiceAnnotations(choice, 0, ctx);
    expect(observed).toEqual([{ source: "choice", index: 0, results: choice.content_filter_results, flagged: true }]);
  });

  test("the role chunk's empty {} is removed but not reported", () => {
    const { ctx, observed } = makeContext("strict");
    expect(stripChoiceFields(wire.ROLE_CHUNK.choices[0]!, ctx)).not.toHaveProperty("content_filter_results");
    collectChoiceAnnotations(wire.ROLE_CHUNK.choices[0]!, 0, ctx);
    expect(observed).toEqual([]);
  });
});

describe("stripErrorFields (§4.1 spellings)", () => {
  const results = { violence: { filtered: true, severity: "medium" } };
  test.each([
    ["wire: innererror.content_filter_result", { innererror: { code: "ResponsibleAIPolicyViolation", content_filter_result: results } }],
    ["spec: inner_error.content_filter_results", { inner_error: { code: "ResponsibleAIPolicyViolation", content_filter_results: results } }],
    ["doc sample: innererror.content_filter_results", { innererror: { code: "ResponsibleAIPolicyViolation", content_filter_results: results } }],
  ])("%s: reported as an error annotation; strict removes it with status", (_name, inner) => {
    const error = { message: "filtered", type: "invalid_request_error", param: "prompt", code: "content_filter", status: 400, ...inner };
    const strict = makeContext("strict");
    expect(stripErrorFields(error, strict.ctx)).toEqual({ message: "filtered", type: "invalid_request_error", param: "prompt", code: "content_filter" });
    collectErrorAnnotations(error, strict.ctx);
    expect(strict.observed).toEqual([{ source: "error", index: 0, results, flagged: true }]);
    const azure = makeContext("azure");
    expect(stripErrorFields(error, azure.ctx)).toEqual(error);
    collectErrorAnnotations(error, azure.ctx);
    expect(azure.observed).toHaveLength(1);
  });
});
