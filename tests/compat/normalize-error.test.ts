import { describe, expect, test } from "bun:test";
import { normalizeErrorBody, normalizeStreamError } from "../../src/compat/normalize-error.ts";
import { normalizeUpstreamError } from "../../src/errors/upstream-error.ts";
import * as wire from "../fixtures/azure-wire.ts";
import { makeContext, snapshot } from "./compat-helpers.ts";

const CONTENT_FILTER_STRICT = {
  error: { message: wire.PROMPT_FILTER_400.error.message, type: "invalid_request_error", param: "prompt", code: "content_filter" },
};

describe("normalizeErrorBody, strict: exactly message/type/param/code, Azure's code strings kept", () => {
  test.each([
    [401, wire.BAD_KEY_401, "authentication_error", null, "401"],
    [401, wire.RBAC_401, "authentication_error", null, "PermissionDenied"],
    [404, wire.DEPLOYMENT_404, "not_found_error", null, "DeploymentNotFound"],
    [404, wire.RESOURCE_404, "not_found_error", null, "404"],
    [408, wire.TIMEOUT_408, "server_error", null, "Timeout"],
    [429, wire.RATE_LIMIT_429, "rate_limit_error", null, "429"],
    [500, wire.SERVER_500, "server_error", null, null],
    [400, wire.UNRECOGNIZED_ARGUMENT_400, "invalid_request_error", "", null],
  ])("HTTP %d", (status, body, type, param, code) => {
    const normalized = normalizeErrorBody(status, body, makeContext("strict").ctx);
    expect(normalized).toEqual({ error: { message: body.error.message, type, param, code } });
  });

  test("the unwrapped Entra 401 gets the OpenAI shape", () => {
    expect(normalizeErrorBody(401, wire.ENTRA_401_UNWRAPPED, makeContext("strict").ctx)).toEqual({
      error: { message: wire.ENTRA_401_UNWRAPPED.message, type: "authentication_error", param: null, code: null },
    });
  });

  test("the prompt filter's 400 (§4.1 wire spelling) comes out exactly as OpenAI's", () => {
    const before = snapshot(wire.PROMPT_FILTER_400);
    const normalized = normalizeErrorBody(400, wire.PROMPT_FILTER_400, makeContext("strict").ctx);
    expect(JSON.stringify(normalized)).toBe(JSON.stringify(CONTENT_FILTER_STRICT));
    expect(wire.PROMPT_FILTER_400).toEqual(before);
  });

  test("the spec spelling (only inner_error.code) gains code content_filter and param prompt", () => {
    expect(normalizeErrorBody(400, wire.PROMPT_FILTER_400_SPEC_SPELLING, makeContext("strict").ctx)).toEqual({
      error: { message: "The response was filtered", type: "invalid_request_error", param: "prompt", code: "content_filter" },
    });
  });
});

describe("normalizeErrorBody, azure", () => {
  test.each([
    [400, wire.PROMPT_FILTER_400],
    [400, wire.PROMPT_FILTER_400_SPEC_SPELLING],
    [429, wire.RATE_LIMIT_429],
    [401, wire.ENTRA_401_UNWRAPPED],
  ])("HTTP %d: normalizeUpstreamError's result unchanged (Azure's extras kept)", (status, body) => {
    expect(normalizeErrorBody(status, body, makeContext("azure").ctx)).toEqual(normalizeUpstreamError(status, body));
  });
  test("the wire filter error keeps status and innererror", () => {
    const { error } = normalizeErrorBody(400, wire.PROMPT_FILTER_400, makeContext("azure").ctx);
    expect(error.status).toBe(400);
    expect(error.innererror).toEqual(wire.PROMPT_FILTER_400.error.innererror);
  });
});

describe("filter results of an error are reported in both modes", () => {
  test.each([
    ["strict", wire.PROMPT_FILTER_400, wire.PROMPT_FILTER_400.error.innererror.content_filter_result],
    ["azure", wire.PROMPT_FILTER_400, wire.PROMPT_FILTER_400.error.innererror.content_filter_result],
    ["strict", wire.PROMPT_FILTER_400_SPEC_SPELLING, wire.PROMPT_FILTER_400_SPEC_SPELLING.error.inner_error.content_filter_results],
  ] as const)("%s", (mode, body, results) => {
    const { ctx, observed } = makeContext(mode);
    normalizeErrorBody(400, body, ctx);
    expect(observed).toEqual([{ source: "error", index: 0, results, flagged: true }]);
  });
  test("an error without filter results reports nothing", () => {
    const { ctx, observed } = makeContext("strict");
    normalizeErrorBody(429, wire.RATE_LIMIT_429, ctx);
    expect(observed).toEqual([]);
  });
});

describe("normalizeStreamError", () => {
  test("the recorded in-stream error keeps its message, type and nulls", () => {
    expect(normalizeStreamError(wire.IN_STREAM_ERROR, makeContext("strict").ctx)).toEqual(wire.IN_STREAM_ERROR);
  });
  test("a missing type becomes server_error; extras go in strict, stay in azure", () => {
    const payload = { error: { code: "429", message: "Rate limit", status: 429 } };
    expect(normalizeStreamError(payload, makeContext("strict").ctx)).toEqual({
      error: { message: "Rate limit", type: "server_error", param: null, code: "429" },
    });
    expect(normalizeStreamError(payload, makeContext("azure").ctx).error).toMatchObject({ type: "server_error", status: 429 });
  });
  test("an error without a message says it came from the stream, not an HTTP status", () => {
    const { error } = normalizeStreamError({ error: { code: null } }, makeContext("strict").ctx);
    expect(error.message).toContain("inside the stream");
    expect(error.message).not.toContain("HTTP");
  });
});
