import { describe, expect, test } from "bun:test";
import { classifyAttempt, operatorFailureOf } from "../../src/policy/classify-attempt.ts";
import { toStreamEvent } from "../../src/streaming/stream-event.ts";
import type { AttemptResult } from "../../src/upstream/attempt.ts";
import * as wire from "../fixtures/azure-wire.ts";

const json = (status: number, body: unknown): AttemptResult => ({ kind: "json", status, headers: new Headers(), body });
const sse = (...chunks: unknown[]): AttemptResult => ({
  kind: "sse",
  status: 200,
  headers: new Headers({ "content-type": "text/event-stream" }),
  head: chunks.map((chunk) => toStreamEvent({ data: typeof chunk === "string" ? chunk : JSON.stringify(chunk) })),
  rest: null,
});

describe("classifyAttempt", () => {
  test.each([
    ["a completion", json(200, { choices: [{ index: 0, finish_reason: "stop", message: { content: "hi" } }] }), "ok"],
    ["an embedding list", json(200, { object: "list", data: [] }), "ok"],
    ["a filtered completion (200, finish_reason content_filter)", json(200, { choices: [{ index: 0, finish_reason: "content_filter" }] }), "content_filter"],
    ["the prompt filter's 400", json(400, wire.PROMPT_FILTER_400), "content_filter"],
    ["the spec-spelled prompt filter 400", json(400, wire.PROMPT_FILTER_400_SPEC_SPELLING), "content_filter"],
    ["another 400", json(400, wire.UNRECOGNIZED_ARGUMENT_400), "fail"],
    ["401", json(401, wire.BAD_KEY_401), "fail"],
    ["403", json(403, wire.RBAC_401), "fail"],
    ["404", json(404, wire.DEPLOYMENT_404), "fail"],
    ["408", json(408, wire.TIMEOUT_408), "retry"],
    ["429", json(429, wire.RATE_LIMIT_429), "retry"],
    ["500", json(500, wire.SERVER_500), "retry"],
    ["502 with a non-JSON body", json(502, "Bad Gateway"), "retry"],
    ["503", json(503, null), "retry"],
    ["504", json(504, null), "retry"],
    ["a connection failure", { kind: "unreachable", reason: "connection", detail: "ECONNREFUSED" } as AttemptResult, "retry"],
    ["a first-byte timeout", { kind: "unreachable", reason: "timeout", detail: "60000 ms" } as AttemptResult, "retry"],
  ])("%s → %s", (_name, result, verdict) => {
    expect(classifyAttempt(result)).toBe(verdict as ReturnType<typeof classifyAttempt>);
  });

  test.each([
    ["a normal stream head", sse(wire.PROMPT_ANNOTATION_CHUNK, wire.ROLE_CHUNK, wire.contentChunk("Hi")), "ok"],
    ["a stream filtered before any content", sse(wire.PROMPT_ANNOTATION_CHUNK, wire.ROLE_CHUNK, wire.finishChunk("content_filter"), "[DONE]"), "content_filter"],
    ["the async filter's violation before content", sse(wire.PROMPT_ANNOTATION_CHUNK, wire.ASYNC_VIOLATION_CHUNK, "[DONE]"), "content_filter"],
    ["an error event before content", sse(wire.PROMPT_ANNOTATION_CHUNK, wire.IN_STREAM_ERROR), "retry"],
    ["an empty stream", sse("[DONE]"), "ok"],
    ["a stream that ended before its decision point", { ...sse(wire.PROMPT_ANNOTATION_CHUNK, wire.ROLE_CHUNK), endedEarly: true } as AttemptResult, "retry"],
    ["malformed data before content", sse(wire.PROMPT_ANNOTATION_CHUNK, "<html>"), "retry"],
  ])("%s → %s", (_name, result, verdict) => {
    expect(classifyAttempt(result)).toBe(verdict as ReturnType<typeof classifyAttempt>);
  });

  const withServerKeys: [string, AttemptResult, boolean, string][] = [
    ["401 with the server's keys", json(401, wire.BAD_KEY_401), true, "switch"],
    ["403 with the server's keys", json(403, wire.RBAC_401), true, "switch"],
    ["404 DeploymentNotFound with the server's keys", json(404, wire.DEPLOYMENT_404), true, "switch"],
    ["404 for a missing resource with the server's keys", json(404, wire.RESOURCE_404), true, "fail"],
    ["401 with the client's own key (pure proxy)", json(401, wire.BAD_KEY_401), false, "fail"],
    ["404 DeploymentNotFound with the client's own key", json(404, wire.DEPLOYMENT_404), false, "fail"],
    ["a redirect, whoever's key", json(307, null), false, "switch"],
    ["200 application/json with an HTML body", json(200, "<html><body>Sign in</body></html>"), true, "switch"],
    ["a body that went quiet after the answer began", { kind: "unreachable", reason: "idle", detail: "quiet" }, true, "fail"],
  ];
  test.each(withServerKeys)("%s → %s", (_name, result, serverOwned, verdict) => {
    expect(classifyAttempt(result, serverOwned)).toBe(verdict as ReturnType<typeof classifyAttempt>);
  });
});

describe("a 2xx that is not what its content type says", () => {
  const raw = (type: string) => ({ kind: "raw" as const, status: 200, headers: new Headers({ "content-type": type }), body: null });
  test("a raw text/plain answer is invalid where the operation answers JSON, and fails over", () => {
    expect(operatorFailureOf(raw("text/plain"), true, true)).toBe("invalid_answer");
    expect(classifyAttempt(raw("text/plain"), true, true)).toBe("switch");
  });
  test("a raw answer passes where the operation's answer may be audio or text (speech, transcripts)", () => {
    expect(operatorFailureOf(raw("audio/mpeg"), true, false)).toBeNull();
    expect(classifyAttempt(raw("text/plain"), true, false)).toBe("ok");
  });
  test("an empty JSON-labelled body is invalid; a 204 is not", () => {
    expect(operatorFailureOf({ kind: "json", status: 200, headers: new Headers(), body: null }, false)).toBe("invalid_answer");
    expect(operatorFailureOf({ kind: "json", status: 204, headers: new Headers(), body: null }, false)).toBeNull();
  });
});
