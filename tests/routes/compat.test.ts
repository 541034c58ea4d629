import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import {
  ALICE_TOKEN,
  allOperationsEnv,
  jsonOf,
  postJson,
  serverKeyEnv,
  startHaigpt,
  startSimulator,
  upstreamCalls,
  type Haigpt,
  type Simulator,
} from "../support/harness.ts";

let azure: Simulator;
let strict: Haigpt;
let azureMode: Haigpt;

beforeAll(async () => {
  azure = await startSimulator();
  strict = await startHaigpt(allOperationsEnv(azure.url, "2025-03-01-preview"));
  azureMode = await startHaigpt({ ...allOperationsEnv(azure.url, "2025-03-01-preview"), HAIGPT_COMPAT: "azure" });
});
afterAll(async () => {
  await strict.stop();
  await azureMode.stop();
  await azure.stop();
});
beforeEach(() => azure.sim.reset());

/** The raw chunks of a chat stream through haigpt, parsed, without the SDK in between. */
async function rawChunks(haigpt: Haigpt, content: string, extra: Record<string, unknown> = {}) {
  const response = await postJson(
    `${haigpt.baseURL}/chat/completions`,
    { model: "gpt-4o", stream: true, messages: [{ role: "user", content }], ...extra },
    { authorization: `Bearer ${ALICE_TOKEN}` },
  );
  const text = await response.text();
  const frames = text.trim().split("\n\n").map((frame) => frame.replace(/^data: /, ""));
  expect(frames.at(-1)).toBe("[DONE]");
  return { response, chunks: frames.slice(0, -1).map((frame) => JSON.parse(frame)) };
}

function expectOpenAIChunk(chunk: Record<string, any>, model: string) {
  // Checked before toMatchObject: Bun's asymmetric matchers can leave themselves in the object they matched.
  expect(typeof chunk.created === "number" && chunk.created > 0).toBe(true);
  expect(typeof chunk.id === "string" && chunk.id.length > 0).toBe(true);
  expect(chunk).toMatchObject({ object: "chat.completion.chunk", model });
  if (chunk.usage) {
    expect(chunk.choices).toEqual([]);
    return;
  }
  expect(chunk.choices.length).toBeGreaterThan(0);
  for (const choice of chunk.choices) {
    expect(choice).toHaveProperty("index");
    expect(choice).toHaveProperty("delta");
  }
}

describe("strict mode (default): answers look like OpenAI's", () => {
  test("no prompt-annotation chunk, no Azure field, the requested model name on every chunk", async () => {
    const { chunks } = await rawChunks(strict, "hello");
    for (const chunk of chunks) expectOpenAIChunk(chunk, "gpt-4o");
    expect(JSON.stringify(chunks)).not.toMatch(/prompt_filter_results|content_filter_results|prompt_annotations/);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  test("a non-streamed body has the requested model and no Azure fields", async () => {
    const response = await postJson(`${strict.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
    const body = await jsonOf(response);
    expect(body.model).toBe("gpt-4o");
    expect(JSON.stringify(body)).not.toMatch(/filter_results/);
    expect(body.choices[0].message.content).toContain("hi");
  });

  test("asynchronous-filter annotation chunks are not sent; the SDK's stream helper assembles the answer", async () => {
    const { chunks } = await rawChunks(strict, "story sim:filter-async");
    for (const chunk of chunks) expectOpenAIChunk(chunk, "gpt-4o");
    const runner = strict.client().chat.completions.stream({ model: "gpt-4o", messages: [{ role: "user", content: "story sim:filter-async" }] });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toContain("story sim:filter-async");
    expect(final.choices[0]?.finish_reason).toBe("stop");
  });

  test("an asynchronous-filter violation reaches the client as an ordinary content_filter finish with the stream's id", async () => {
    const { chunks } = await rawChunks(strict, "story sim:filter-async=violation");
    for (const chunk of chunks) expectOpenAIChunk(chunk, "gpt-4o");
    const last = chunks.at(-1)!;
    expect(last.choices[0]).toMatchObject({ delta: {}, finish_reason: "content_filter" });
    expect(last.id).toBe(chunks[0].id);
    expect(last.created).toBe(chunks[0].created);
    const runner = strict.client().chat.completions.stream({ model: "gpt-4o", messages: [{ role: "user", content: "story sim:filter-async=violation" }] });
    expect((await runner.finalChatCompletion()).choices[0]?.finish_reason).toBe("content_filter");
  });

  test("the prompt filter's 400 is exactly OpenAI's shape", async () => {
    const { SecondaryApiKey: _unused, ...env } = serverKeyEnv(azure.url);
    const single = await startHaigpt(env);
    try {
      const response = await postJson(`${single.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "sim:filter-prompt" }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
      expect(await jsonOf(response)).toEqual({
        error: { message: expect.stringContaining("content management policy"), type: "invalid_request_error", param: "prompt", code: "content_filter" },
      });
      // The request's one log line carries the annotation Azure's error held.
      const line = await single.waitForLog((entry) => entry.msg === "request" && entry.path === "/v1/chat/completions");
      const filterLog = (line.contentFilter as Record<string, unknown>[]).find((annotation) => annotation.source === "error");
      expect(filterLog).toMatchObject({ flagged: true, results: { violence: { filtered: true } } });
    } finally {
      await single.stop();
    }
  });

  test("Azure's unwrapped {statusCode, message} 401 becomes an OpenAI error", async () => {
    const proxy = await startHaigpt({ HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}` });
    try {
      const response = await postJson(`${proxy.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "sim:statuscode-401" }] }, {
        authorization: "Bearer primary-res:gpt-4o|gpt4o-prod:a1a1a1a1b2b2b2b2c3c3c3c3d4d4d4d4:2024-10-21",
      });
      expect(response.status).toBe(401);
      expect(await jsonOf(response)).toEqual({
        error: { message: expect.stringContaining("Access token is missing"), type: "authentication_error", param: null, code: null },
      });
    } finally {
      await proxy.stop();
    }
  });

  test("an error event inside a 200 stream is relayed as OpenAI relays it, the SDK raises it, and the stream ends with [DONE]", async () => {
    const { SecondaryApiKey: _unused, ...env } = serverKeyEnv(azure.url);
    const single = await startHaigpt({ ...env, HAIGPT_MAX_RETRIES: "0" });
    try {
      const { chunks } = await rawChunks(single, "sim:stream-error");
      expect(chunks.at(-1)).toEqual({ error: { message: expect.stringContaining("overloaded"), type: "server_error", param: null, code: null } });
      const stream = await single.client().chat.completions.create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "sim:stream-error" }] });
      const error = await (async () => {
        for await (const _chunk of stream);
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
    } finally {
      await single.stop();
    }
  });
});

describe("azure mode", () => {
  test("keeps Azure's fields and model names, but never an empty-choices chunk or a choice without delta", async () => {
    const { chunks } = await rawChunks(azureMode, "hello sim:filter-async");
    for (const chunk of chunks) expectOpenAIChunk(chunk, "gpt-4o-2024-08-06");
    expect(chunks[0].prompt_filter_results).toBeDefined();
    expect(chunks.some((c) => c.choices[0]?.content_filter_results)).toBe(true);
  });

  test("keeps Azure's error fields", async () => {
    const { SecondaryApiKey: _unused, ...env } = serverKeyEnv(azure.url);
    const local = await startHaigpt({ ...env, HAIGPT_COMPAT: "azure" });
    try {
      const response = await postJson(`${local.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "sim:filter-prompt" }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
      const body = await jsonOf(response);
      expect(body.error).toMatchObject({ code: "content_filter", status: 400, type: "invalid_request_error" });
      expect(body.error.innererror.code).toBe("ResponsibleAIPolicyViolation");
    } finally {
      await local.stop();
    }
  });
});

describe("usage in streams", () => {
  test("a client that did not ask for usage gets chunks without `usage`, as from OpenAI (haigpt asked Azure for it)", async () => {
    const { chunks } = await rawChunks(strict, "no usage please");
    // haigpt asked Azure for the usage chunk on its own behalf, so Azure put `"usage": null` on every chunk.
    expect((upstreamCalls(azure.sim).at(-1)?.body as any)?.stream_options).toEqual({ include_usage: true });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk).not.toHaveProperty("usage");
  });

  test("a client that asked for usage keeps `usage: null` on the chunks before the usage chunk", async () => {
    const { chunks } = await rawChunks(strict, "usage please", { stream_options: { include_usage: true } });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  test("include_usage is honoured where the api-version supports it: one usage chunk before [DONE]", async () => {
    const stream = await strict.client().chat.completions.create({
      model: "gpt-4o",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "count" }],
    });
    const usage = [];
    for await (const chunk of stream) if (chunk.usage) usage.push(chunk);
    expect(usage).toHaveLength(1);
    expect(usage[0]?.choices).toEqual([]);
    expect(usage[0]?.usage?.total_tokens).toBeGreaterThan(0);
  });

  test.each(["2024-10-21", "2024-06-01", "2024-08-01-preview"])(
    "api-version %s lacks stream_options: it is dropped instead of Azure's 400, and the answer says so",
    async (version) => {
      const local = await startHaigpt(allOperationsEnv(azure.url, version));
      try {
        const { data: stream, response } = await local.client().chat.completions
          .create({ model: "gpt-4o", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "count" }] })
          .withResponse();
        let text = "";
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
        expect(text).toContain("count");
        expect(response.headers.get("x-haigpt-dropped-params")).toBe("stream_options");
        expect(upstreamCalls(azure.sim).at(-1)?.body).not.toHaveProperty("stream_options");
      } finally {
        await local.stop();
      }
    },
  );
});

describe("parameters the api-version does not know", () => {
  test("max_completion_tokens becomes max_tokens; the others are dropped; all are listed", async () => {
    const local = await startHaigpt(allOperationsEnv(azure.url, "2024-06-01"));
    try {
      const { response } = await local.client().chat.completions
        .create({
          model: "gpt-4o",
          messages: [{ role: "user", content: "hi" }],
          max_completion_tokens: 50,
          parallel_tool_calls: false,
          store: true,
          metadata: { team: "a" },
          reasoning_effort: "low",
          prediction: { type: "content", content: "hi" },
          user_security_context: { application_name: "app" },
          tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
        } as never)
        .withResponse();
      expect(response.status).toBe(200);
      expect(response.headers.get("x-haigpt-dropped-params")).toBe(
        "max_completion_tokens,parallel_tool_calls,reasoning_effort,store,metadata,user_security_context,prediction",
      );
      const sent = upstreamCalls(azure.sim)[0]?.body as Record<string, unknown>;
      expect(sent.max_tokens).toBe(50);
      for (const name of ["max_completion_tokens", "parallel_tool_calls", "store", "metadata", "reasoning_effort", "prediction", "user_security_context"]) {
        expect(sent).not.toHaveProperty(name);
      }
      expect(sent.tools).toBeDefined();
    } finally {
      await local.stop();
    }
  });

  test("tools sent to an api-version without them are a 400 naming the version, with no call to Azure", async () => {
    const local = await startHaigpt(allOperationsEnv(azure.url, "2023-05-15"));
    try {
      const error = await local.client().chat.completions
        .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "f" } }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      const apiError = error as InstanceType<typeof OpenAI.BadRequestError>;
      expect(apiError.param).toBe("tools");
      expect(apiError.message).toContain("2023-05-15");
      expect(apiError.message).toContain("2024-02-01");
      expect(azure.sim.requests).toHaveLength(0);
    } finally {
      await local.stop();
    }
  });

  test("the decision is made per attempt: after failover, the secondary's api-version decides", async () => {
    const env = serverKeyEnv(azure.url, "2024-10-21");
    const local = await startHaigpt({
      ...env,
      SecondaryApiKey: env.SecondaryApiKey!.replace(/2024-10-21$/, "2025-03-01-preview"),
    });
    try {
      const { response } = await local.client().chat.completions
        .create({ model: "gpt-4o", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "sim:500@primary-res" }] })
        .withResponse();
      expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
      expect(response.headers.get("x-haigpt-dropped-params")).toBeNull();
      const [first, second] = upstreamCalls(azure.sim);
      expect(first?.body).not.toHaveProperty("stream_options");
      expect(second?.body).toHaveProperty("stream_options");
    } finally {
      await local.stop();
    }
  });

  test("HAIGPT_PARAMS=passthrough sends parameters as they are, and Azure's refusal reaches the client", async () => {
    const local = await startHaigpt({ ...allOperationsEnv(azure.url, "2024-10-21"), HAIGPT_PARAMS: "passthrough" });
    try {
      const response = await postJson(
        `${local.baseURL}/chat/completions`,
        { model: "gpt-4o", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }] },
        { authorization: `Bearer ${ALICE_TOKEN}` },
      );
      expect(response.status).toBe(400);
      expect((await jsonOf(response)).error.message).toContain("Unrecognized request argument supplied: stream_options");
    } finally {
      await local.stop();
    }
  });
});
