import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { toFile } from "openai";
import { ALICE_TOKEN, allOperationsEnv, jsonOf, postJson, startHaigpt, startSimulator, type Haigpt, type Simulator } from "../support/harness.ts";
import { rawRequest } from "../support/raw-http.ts";

let azure: Simulator;
let haigpt: Haigpt;
const LIMIT = 50_000;
beforeAll(async () => {
  azure = await startSimulator();
  haigpt = await startHaigpt({ ...allOperationsEnv(azure.url, "2025-03-01-preview"), HAIGPT_MAX_BODY_BYTES: String(LIMIT) });
});
afterAll(async () => {
  await haigpt.stop();
  await azure.stop();
});
beforeEach(() => azure.sim.reset());

const alice = { authorization: `Bearer ${ALICE_TOKEN}` };
const chat = (content: string, extra: Record<string, unknown> = {}) => ({ model: "gpt-4o", messages: [{ role: "user", content }], ...extra });
const host = () => new URL(haigpt.url).host;

/** A body that arrives in pieces, without a Content-Length (fetch sends it chunked). */
function chunkedBody(pieces: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ === pieces) return controller.close();
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
}

describe("the token is checked before the body is read", () => {
  test("a body that is not JSON, without a token, is a 401 (not a 400)", async () => {
    const response = await postJson(`${haigpt.baseURL}/chat/completions`, "{ not json");
    expect(response.status).toBe(401);
    expect((await jsonOf(response)).error.code).toBe("invalid_api_key");
  });

  test("without a token, the 401 comes while the body is still being sent: it is never read", async () => {
    const head =
      `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host()}\r\ncontent-type: application/json\r\n` +
      "transfer-encoding: chunked\r\n\r\n";
    const answer = await rawRequest(haigpt.url, `${head}10\r\n{"model":"gpt-4o\r\n`);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).error.code).toBe("invalid_api_key");
  });

  test("with a token, the same unfinished body is waited for (the check above is not vacuous)", async () => {
    const head =
      `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host()}\r\nauthorization: Bearer ${ALICE_TOKEN}\r\n` +
      "content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    const body = JSON.stringify(chat("late"));
    const answer = await rawRequest(haigpt.url, `${head}${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    expect(answer.status).toBe(200);
  });
});

describe("bodies are counted as they arrive", () => {
  test("a chunked JSON body over HAIGPT_MAX_BODY_BYTES is a 413, Azure not called", async () => {
    const response = await fetch(`${haigpt.baseURL}/chat/completions`, {
      method: "POST",
      headers: { ...alice, "content-type": "application/json" },
      body: chunkedBody(20, 4096),
    });
    expect(response.status).toBe(413);
    expect(await jsonOf(response)).toEqual({
      error: { message: expect.stringContaining(`${LIMIT} bytes`), type: "invalid_request_error", param: null, code: "request_too_large" },
    });
    expect(azure.sim.requests).toHaveLength(0);
  });

  test("a chunked body under the limit is read whole", async () => {
    const text = JSON.stringify(chat("chunked"));
    const bytes = new TextEncoder().encode(text);
    const response = await fetch(`${haigpt.baseURL}/chat/completions`, {
      method: "POST",
      headers: { ...alice, "content-type": "application/json" },
      body: new ReadableStream({ start: (c) => (c.enqueue(bytes.subarray(0, 10)), c.enqueue(bytes.subarray(10)), c.close()) }),
    });
    expect(response.status).toBe(200);
  });

  test.each([
    ["before", ["file", "model"]],
    ["after", ["model", "file"]],
  ])("a chunked upload whose file comes %s the model is cut at the limit with a 413", async (_where, order) => {
    const form = new FormData();
    for (const field of order) {
      if (field === "file") form.append("file", new Blob([new Uint8Array(LIMIT * 2)]), "big.wav");
      else form.append("model", "whisper-1");
    }
    const encoded = new Response(form);
    const response = await fetch(`${haigpt.baseURL}/audio/transcriptions`, {
      method: "POST",
      headers: { ...alice, "content-type": encoded.headers.get("content-type")! },
      body: encoded.body,
    });
    expect(response.status).toBe(413);
    expect((await jsonOf(response)).error.code).toBe("request_too_large");
    expect(azure.sim.requests).toHaveLength(0);
  });
});

describe("a Content-Length over the limit", () => {
  test.each([
    ["just over", LIMIT + 1],
    ["megabytes over (past where Bun's own limit would answer)", LIMIT + 4 * 1024 * 1024],
  ])("%s: 413 in the OpenAI shape with a token, 401 without, the body never read", async (_name, length) => {
    const head = (auth: string) =>
      `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host()}\r\n${auth}content-type: application/json\r\ncontent-length: ${length}\r\n\r\n{"model":`;
    const withToken = await rawRequest(haigpt.url, head(`authorization: Bearer ${ALICE_TOKEN}\r\n`));
    expect(withToken.status).toBe(413);
    expect(withToken.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(withToken.body).error.code).toBe("request_too_large");
    const without = await rawRequest(haigpt.url, head(""));
    expect(without.status).toBe(401);
    expect(JSON.parse(without.body).error.code).toBe("invalid_api_key");
  });
});

describe("JSON endpoints take only application/json", () => {
  test.each([
    ["text/plain (a browser's simple request)", "text/plain;charset=UTF-8"],
    ["a form", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
    ["something that starts like JSON", "application/jsonp"],
  ])("%s is a 415, Azure not called", async (_name, contentType) => {
    const response = await fetch(`${haigpt.baseURL}/chat/completions`, {
      method: "POST",
      headers: { ...alice, "content-type": contentType },
      body: JSON.stringify(chat("hi")),
    });
    expect(response.status).toBe(415);
    expect(await jsonOf(response)).toEqual({
      error: { message: expect.stringContaining("application/json"), type: "invalid_request_error", param: null, code: "unsupported_media_type" },
    });
    expect(azure.sim.requests).toHaveLength(0);
  });

  test("no content type at all (a Blob without a type) is a 415", async () => {
    const response = await fetch(`${haigpt.baseURL}/chat/completions`, {
      method: "POST",
      headers: alice,
      body: new Blob([JSON.stringify(chat("hi"))]),
    });
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.status).toBe(415);
  });

  test("application/json with a charset parameter is fine", async () => {
    const response = await postJson(`${haigpt.baseURL}/chat/completions`, chat("hi"), { ...alice, "content-type": "Application/JSON; charset=utf-8" });
    expect(response.status).toBe(200);
  });
});

test.each([
  ["JSON", "application/json", 415, "unsupported_media_type"],
  ["no content type", null, 415, "unsupported_media_type"],
  ["multipart without a boundary", "multipart/form-data", 400, "invalid_content_type"],
])("an upload endpoint sent %s: %d %s, Azure not called", async (_name, contentType, status, code) => {
  const response = await fetch(`${haigpt.baseURL}/audio/transcriptions`, {
    method: "POST",
    headers: { ...alice, ...(contentType ? { "content-type": contentType } : {}) },
    body: new Blob(['{"model":"whisper-1"}']),
  });
  expect(response.status).toBe(status);
  expect((await jsonOf(response)).error.code).toBe(code);
  expect(azure.sim.requests).toHaveLength(0);
});

describe("nesting and field sizes are bounded", () => {
  test("100,000-deep JSON is a 400 naming the parameter, not a 500", async () => {
    const deep = `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"metadata":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const local = await startHaigpt(allOperationsEnv(azure.url, "2025-03-01-preview"));
    try {
      const response = await postJson(`${local.baseURL}/chat/completions`, deep, alice);
      expect(response.status).toBe(400);
      expect(await jsonOf(response)).toEqual({
        error: { message: expect.stringContaining("128 levels"), type: "invalid_request_error", param: "metadata", code: "nesting_too_deep" },
      });
      expect(azure.sim.requests).toHaveLength(0);
    } finally {
      await local.stop();
    }
  });

  test("nesting within the bound is relayed", async () => {
    const nested = JSON.parse(`${"[".repeat(100)}1${"]".repeat(100)}`);
    const response = await postJson(`${haigpt.baseURL}/chat/completions`, chat("hi", { metadata: { deep: nested } }), alice);
    expect(response.status).toBe(200);
  });

  test("a model name over 256 characters is a 400 naming it, and the name is not logged", async () => {
    const model = `gpt-${"x".repeat(40_000)}`;
    const response = await postJson(`${haigpt.baseURL}/chat/completions`, { ...chat("hi"), model }, alice);
    expect(response.status).toBe(400);
    const { error } = await jsonOf(response);
    expect(error).toMatchObject({ param: "model", code: "string_above_max_length" });
    expect(error.message).toContain("maximum length 256");
    expect(JSON.stringify(haigpt.logs)).not.toContain("x".repeat(300));
    expect(azure.sim.requests).toHaveLength(0);
  });

  test("an upload's model field over 256 characters is a 400 naming it", async () => {
    const file = await toFile(new Uint8Array(100), "a.wav", { type: "audio/wav" });
    const error = await haigpt.client().audio.transcriptions.create({ file, model: "w".repeat(300) }).catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(400);
    expect((error as { param: string }).param).toBe("model");
    expect(azure.sim.requests).toHaveLength(0);
  });
});
