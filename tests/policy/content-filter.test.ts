import { describe, expect, test } from "bun:test";
import { hasContent, hasContentFilterFinish, isContentFilterError, isErrorChunk } from "../../src/policy/content-filter.ts";
import * as wire from "../fixtures/azure-wire.ts";

describe("isContentFilterError", () => {
  test.each([
    ["Azure's wire body (code content_filter, innererror)", true, wire.PROMPT_FILTER_400],
    ["the spec's spelling (inner_error only)", true, wire.PROMPT_FILTER_400_SPEC_SPELLING],
    ["innererror without the code", true, { error: { message: "x", innererror: { code: "ResponsibleAIPolicyViolation" } } }],
    ["an unrecognised argument 400", false, wire.UNRECOGNIZED_ARGUMENT_400],
    ["a 429 body", false, wire.RATE_LIMIT_429],
    ["not an error", false, { choices: [] }],
    ["not JSON", false, "Bad Request"],
  ])("%s → %p", (_name, expected, body) => {
    expect(isContentFilterError(body)).toBe(expected);
  });
});

describe("hasContentFilterFinish", () => {
  test("a completion whose choice finished content_filter", () => {
    expect(hasContentFilterFinish({ choices: [{ index: 0, finish_reason: "stop" }, { index: 1, finish_reason: "content_filter" }] })).toBe(true);
    expect(hasContentFilterFinish({ choices: [{ index: 0, finish_reason: "stop" }] })).toBe(false);
  });
  test("stream chunks, including the async filter's violation chunk", () => {
    expect(hasContentFilterFinish(wire.finishChunk("content_filter"))).toBe(true);
    expect(hasContentFilterFinish(wire.ASYNC_VIOLATION_CHUNK)).toBe(true);
    expect(hasContentFilterFinish(wire.PROMPT_ANNOTATION_CHUNK)).toBe(false);
    expect(hasContentFilterFinish(wire.finishChunk("stop"))).toBe(false);
  });
});

describe("hasContent", () => {
  test.each([
    ["prompt annotations", false, wire.PROMPT_ANNOTATION_CHUNK],
    ["old prompt annotations", false, wire.PROMPT_ANNOTATIONS_OLD_CHUNK],
    ["the role chunk (empty content)", false, wire.ROLE_CHUNK],
    ["an async annotation (no delta)", false, wire.ASYNC_ANNOTATION_CHUNK],
    ["a finish chunk", false, wire.finishChunk("stop")],
    ["content", true, wire.contentChunk("Hello")],
    ["a tool call", true, { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_1", function: { name: "f", arguments: "" } }] } }] }],
    ["a function call", true, { choices: [{ index: 0, delta: { function_call: { name: "f" } } }] }],
    ["a refusal", true, { choices: [{ index: 0, delta: { refusal: "I can't" } }] }],
    ["audio only (gpt-4o-audio streams)", true, { choices: [{ index: 0, delta: { audio: { id: "audio_1", data: "UklGR", transcript: "" } } }] }],
    ["legacy completion text", true, { choices: [{ index: 0, text: "Hi", finish_reason: null }] }],
    ["empty legacy text", false, { choices: [{ index: 0, text: "", finish_reason: null }] }],
  ])("%s → %p", (_name, expected, chunk) => {
    expect(hasContent(chunk)).toBe(expected);
  });
});

test("isErrorChunk recognises an error event inside a stream", () => {
  expect(isErrorChunk(wire.IN_STREAM_ERROR)).toBe(true);
  expect(isErrorChunk(wire.contentChunk("x"))).toBe(false);
});
