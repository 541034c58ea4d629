/**
 * Every recorded Azure chunk and error shape of AZURE-FACTS.md, replayed byte for byte by a scripted
 * upstream, through the real haigpt, to the official openai SDK: each answer parses without error and
 * gives the same text, and each error arrives as the SDK's error class with Azure's message.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { runtime, type Listener } from "../../src/runtime.ts";
import * as wire from "../fixtures/azure-wire.ts";
import { startHaigpt, type Haigpt } from "../support/harness.ts";

const KEY = "5c5c5c5c6d6d6d6d7e7e7e7e8f8f8f8f";
const sse = (...chunks: unknown[]) => `${chunks.map((c) => `data: ${typeof c === "string" ? c : JSON.stringify(c)}\n\n`).join("")}`;

/** Deployment name → what Azure answers, as recorded. */
const STREAMS: Record<string, { body: string; text: string; finish: string }> = {
  // §4.4 prompt annotations first, per-choice filter results, §4.5 an async annotation after the stop chunk.
  "annotated-stream": {
    body: sse(wire.PROMPT_ANNOTATION_CHUNK, wire.ROLE_CHUNK, wire.contentChunk("Hello"), wire.contentChunk(" world"), wire.finishChunk("stop"), wire.ASYNC_ANNOTATION_CHUNK, "[DONE]"),
    text: "Hello world",
    finish: "stop",
  },
  // §4.4 the older spelling.
  "old-annotations": {
    body: sse(wire.PROMPT_ANNOTATIONS_OLD_CHUNK, wire.ROLE_CHUNK, wire.contentChunk("Hi"), wire.finishChunk("stop"), "[DONE]"),
    text: "Hi",
    finish: "stop",
  },
  // §6.1 include_usage: two kinds of empty-choices chunks, annotations first and usage last.
  "usage-stream": {
    body: sse(wire.PROMPT_ANNOTATION_CHUNK, wire.ROLE_CHUNK, wire.contentChunk("Counted"), wire.finishChunk("stop"), wire.USAGE_CHUNK, "[DONE]"),
    text: "Counted",
    finish: "stop",
  },
  // §4.5 a violation found by the asynchronous filter after content was sent.
  "async-violation": {
    body: sse(wire.PROMPT_ANNOTATION_CHUNK, wire.ROLE_CHUNK, wire.contentChunk("Partial"), wire.ASYNC_ANNOTATION_CHUNK, wire.ASYNC_VIOLATION_CHUNK, "[DONE]"),
    text: "Partial",
    finish: "content_filter",
  },
};

/** Status and body of each recorded error (§4.1, §5). */
const ERRORS: Record<string, { status: number; body: unknown; type: string; message: string }> = {
  "prompt-filter": { status: 400, body: wire.PROMPT_FILTER_400, type: "invalid_request_error", message: wire.PROMPT_FILTER_400.error.message },
  "prompt-filter-spec": { status: 400, body: wire.PROMPT_FILTER_400_SPEC_SPELLING, type: "invalid_request_error", message: wire.PROMPT_FILTER_400_SPEC_SPELLING.error.message },
  "unknown-argument": { status: 400, body: wire.UNRECOGNIZED_ARGUMENT_400, type: "invalid_request_error", message: wire.UNRECOGNIZED_ARGUMENT_400.error.message },
  "bad-key": { status: 401, body: wire.BAD_KEY_401, type: "authentication_error", message: wire.BAD_KEY_401.error.message },
  "entra-unwrapped": { status: 401, body: wire.ENTRA_401_UNWRAPPED, type: "authentication_error", message: wire.ENTRA_401_UNWRAPPED.message },
  rbac: { status: 401, body: wire.RBAC_401, type: "authentication_error", message: wire.RBAC_401.error.message },
  "no-deployment": { status: 404, body: wire.DEPLOYMENT_404, type: "not_found_error", message: wire.DEPLOYMENT_404.error.message },
  "no-resource": { status: 404, body: wire.RESOURCE_404, type: "not_found_error", message: wire.RESOURCE_404.error.message },
  timeout: { status: 408, body: wire.TIMEOUT_408, type: "server_error", message: wire.TIMEOUT_408.error.message },
  throttled: { status: 429, body: wire.RATE_LIMIT_429, type: "rate_limit_error", message: wire.RATE_LIMIT_429.error.message },
  "server-error": { status: 500, body: wire.SERVER_500, type: "server_error", message: wire.SERVER_500.error.message },
};

function replay(request: Request): Response {
  const deployment = new URL(request.url).pathname.split("/")[4] ?? "";
  const stream = STREAMS[deployment];
  if (stream) return new Response(stream.body, { headers: { "content-type": "text/event-stream" } });
  const error = ERRORS[deployment];
  if (error) return Response.json(error.body, { status: error.status });
  if (deployment === "in-stream-error") {
    return new Response(sse(wire.PROMPT_ANNOTATION_CHUNK, wire.ROLE_CHUNK, wire.contentChunk("Before"), wire.IN_STREAM_ERROR), {
      headers: { "content-type": "text/event-stream" },
    });
  }
  return Response.json(wire.CHAT_COMPLETION_BODY);
}

let upstream: Listener;
let haigpt: Haigpt;
let client: OpenAI;

beforeAll(async () => {
  upstream = runtime.serve(replay, { port: 0, hostname: "127.0.0.1" });
  // Pure-proxy mode, so Azure's 401s reach the client as they are; no retries, so each shape is seen once.
  haigpt = await startHaigpt({ HAIGPT_AZURE_ENDPOINT: `${upstream.url}/{resourceId}`, HAIGPT_MAX_RETRIES: "0" });
  const deployments = [...Object.keys(STREAMS), ...Object.keys(ERRORS), "in-stream-error", "body"].map((d) => `${d}|${d}`).join(",");
  client = haigpt.client(`replay:${deployments}:${KEY}:2024-10-21`);
});
afterAll(async () => {
  await haigpt.stop();
  await upstream.stop();
});

const messages = [{ role: "user" as const, content: "hi" }];

describe("recorded Azure streams through haigpt", () => {
  test.each(Object.entries(STREAMS))("%s: the plain chunk loop and the stream helper both work and give the same text", async (model, expected) => {
    // The loop clients write (and crash on with Azure's raw chunks): choices[0].delta.content.
    const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (chunk.usage) continue;
      text += chunk.choices[0]!.delta.content ?? "";
      finish = chunk.choices[0]!.finish_reason ?? finish;
      expect(chunk.model).toBe(model);
    }
    expect(text).toBe(expected.text);
    expect(finish).toBe(expected.finish);
    const final = await client.chat.completions.stream({ model, messages }).finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe(expected.text);
    expect(final.choices[0]?.finish_reason as string).toBe(expected.finish);
    expect(JSON.stringify(final)).not.toMatch(/filter_results|prompt_annotations|content_filter_offsets/);
  });

  test("an error after content: the text so far, then the SDK raises Azure's error", async () => {
    const stream = await client.chat.completions.create({ model: "in-stream-error", messages, stream: true });
    let text = "";
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(text).toBe("Before");
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain("currently overloaded");
  });

  test("a recorded non-streamed completion: same text, the requested model, no Azure fields", async () => {
    const completion = await client.chat.completions.create({ model: "body", messages });
    expect(completion.choices[0]?.message.content).toBe("Hello!");
    expect(completion.model).toBe("body");
    expect(JSON.stringify(completion)).not.toMatch(/filter_results/);
  });
});

describe("recorded Azure errors through haigpt", () => {
  test.each(Object.entries(ERRORS))("%s: the SDK raises its error class with Azure's message and the OpenAI shape", async (model, expected) => {
    const error = await client.chat.completions.create({ model, messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(expected.status);
    expect(apiError.error).toMatchObject({ message: expected.message, type: expected.type });
    expect(Object.keys(apiError.error as object).sort()).toEqual(["code", "message", "param", "type"]);
  });
});
