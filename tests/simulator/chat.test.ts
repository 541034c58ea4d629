// Chat completions: Azure body and stream shapes, version-dependent annotations, usage chunk, tools.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { buildChatBody, buildChatPath, joinContent, parseChunks, readAllFrames, readJson, startHarness, type Harness } from "./sim-helpers.ts";

const SAFE = { filtered: false, severity: "safe" };
const PROMPT_RESULTS = [
  { prompt_index: 0, content_filter_results: { hate: SAFE, jailbreak: { filtered: false, detected: false }, self_harm: SAFE, sexual: SAFE, violence: SAFE } },
];
const REPLY = 'Simulated answer from deployment gpt-4o: you said "hello there".';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.stop());
beforeEach(() => h.sim.reset());

test("non-streamed answer has Azure's full shape and the underlying model name", async () => {
  const res = await h.post(buildChatPath(), buildChatBody("hello there"));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/json");
  const body = await readJson(res);
  expect(body).toMatchObject({ object: "chat.completion", model: "gpt-4o-2024-08-06", prompt_filter_results: PROMPT_RESULTS });
  expect(body.id).toMatch(/^chatcmpl-[A-Za-z0-9]+$/);
  expect(body.created).toBeNumber();
  expect(body.system_fingerprint).toMatch(/^fp_/);
  expect(body.choices).toEqual([
    {
      content_filter_results: {
        hate: SAFE, protected_material_code: { filtered: false, detected: false }, protected_material_text: { filtered: false, detected: false },
        self_harm: SAFE, sexual: SAFE, violence: SAFE,
      },
      finish_reason: "stop", index: 0, logprobs: null,
      message: { content: REPLY, refusal: null, role: "assistant" },
    },
  ]);
  expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
});

test("the reply quotes the last user message truncated to 60 characters", async () => {
  const long = "x".repeat(80);
  const body = await readJson(await h.post(buildChatPath(), { messages: [{ role: "user", content: "first" }, { role: "assistant", content: "ok" }, { role: "user", content: [{ type: "text", text: long }] }] }));
  expect(body.choices[0].message.content).toBe(`Simulated answer from deployment gpt-4o: you said "${"x".repeat(60)}".`);
});

test("n choices, streamed and not", async () => {
  const body = await readJson(await h.post(buildChatPath(), buildChatBody("hello there", { n: 3 })));
  expect(body.choices.map((c: { index: number }) => c.index)).toEqual([0, 1, 2]);
  const chunks = parseChunks(await readAllFrames(await h.post(buildChatPath(), buildChatBody("hello there", { n: 2, stream: true }))));
  expect(joinContent(chunks, 0)).toBe(REPLY);
  expect(joinContent(chunks, 1)).toBe(REPLY);
});

describe("stream", () => {
  test("annotation chunk, role chunk, one chunk per word, finish chunk, [DONE]", async () => {
    const res = await h.post(buildChatPath(), buildChatBody("hello there", { stream: true }));
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    const frames = await readAllFrames(res);
    expect(frames.at(-1)?.data).toBe("[DONE]");
    const chunks = parseChunks(frames);
    expect(frames[0]?.data).toBe(JSON.stringify({ id: "", object: "", created: 0, model: "", prompt_filter_results: PROMPT_RESULTS, choices: [], usage: null }));
    expect(chunks[1]?.choices).toEqual([{ content_filter_results: {}, delta: { content: "", refusal: null, role: "assistant" }, finish_reason: null, index: 0, logprobs: null }]);
    const words = chunks.slice(2, -1);
    expect(words.map((c) => c.choices[0].delta.content)).toEqual(REPLY.match(/\S+\s*/g)!);
    for (const chunk of words) {
      expect(chunk).toMatchObject({ object: "chat.completion.chunk", model: "gpt-4o-2024-08-06", id: chunks[1]!.id });
      expect(chunk.choices[0].content_filter_results.violence).toEqual(SAFE);
    }
    expect(chunks.at(-1)?.choices).toEqual([{ content_filter_results: {}, delta: {}, finish_reason: "stop", index: 0, logprobs: null }]);
    expect(chunks.some((c) => "usage" in c && c.usage !== null)).toBe(false);
  });

  test("include_usage adds a usage chunk with empty choices before [DONE]", async () => {
    const frames = await readAllFrames(await h.post(buildChatPath("2024-09-01-preview"), buildChatBody("hello there", { stream: true, stream_options: { include_usage: true } })));
    const chunks = parseChunks(frames);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) });
    expect(last.id).toBe(chunks[1]!.id);
    expect(chunks.slice(1, -1).every((c) => c.usage === null)).toBe(true);
  });
});

describe("api-version dependent output", () => {
  test("2023-05-15: no annotations, no empty-choices first chunk", async () => {
    const body = await readJson(await h.post(buildChatPath("2023-05-15"), buildChatBody("hello there")));
    expect(body.prompt_filter_results).toBeUndefined();
    expect(body.choices[0].content_filter_results).toBeUndefined();
    const chunks = parseChunks(await readAllFrames(await h.post(buildChatPath("2023-05-15"), buildChatBody("hello there", { stream: true }))));
    expect(chunks[0]?.choices[0].delta.role).toBe("assistant");
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
  });

  test("2023-07-01-preview names the field prompt_annotations", async () => {
    const body = await readJson(await h.post(buildChatPath("2023-07-01-preview"), buildChatBody("hi")));
    expect(body.prompt_annotations).toEqual(PROMPT_RESULTS);
    expect(body.prompt_filter_results).toBeUndefined();
    const chunks = parseChunks(await readAllFrames(await h.post(buildChatPath("2023-07-01-preview"), buildChatBody("hi", { stream: true }))));
    expect(chunks[0]).toEqual({ id: "", object: "", created: 0, model: "", prompt_annotations: PROMPT_RESULTS, choices: [], usage: null });
  });

  test("2024-02-01 GA and 2023-08-01-preview use prompt_filter_results", async () => {
    for (const version of ["2024-02-01", "2023-08-01-preview"]) {
      const body = await readJson(await h.post(buildChatPath(version), buildChatBody("hi")));
      expect(body.prompt_filter_results).toEqual(PROMPT_RESULTS);
    }
  });

  test("a parameter the api-version does not know is refused with Azure's 400", async () => {
    const res = await h.post(buildChatPath("2024-06-01"), buildChatBody("hi", { stream: true, stream_options: { include_usage: true } }));
    expect(res.status).toBe(400);
    expect(await readJson(res)).toEqual({
      error: {
        message: "Unrecognized request argument supplied: stream_options. Please contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 for further questions.",
        type: "invalid_request_error", param: "", code: null,
      },
    });
    const tools = await h.post(buildChatPath("2023-07-01-preview"), buildChatBody("hi", { tools: [{ type: "function", function: { name: "f" } }] }));
    expect(tools.status).toBe(400);
    expect((await readJson(tools)).error.message).toStartWith("Unrecognized request argument supplied: tools.");
    const v1 = await h.post("/primary/openai/v1/chat/completions", { model: "gpt-4o", ...buildChatBody("hi", { store: true, stream_options: { include_usage: true } }) });
    expect(v1.status).toBe(200);
  });
});

describe("tool calls", () => {
  const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }];

  test("non-streamed tool call", async () => {
    const body = await readJson(await h.post(buildChatPath(), buildChatBody("weather? sim:tool-call", { tools })));
    const choice = body.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([{ function: { arguments: JSON.stringify({ request: "weather? sim:tool-call" }), name: "get_weather" }, id: expect.stringMatching(/^call_/), type: "function" }]);
  });

  test("streamed tool call arrives as delta.tool_calls pieces", async () => {
    const chunks = parseChunks(await readAllFrames(await h.post(buildChatPath(), buildChatBody("weather? sim:tool-call", { tools, stream: true }))));
    const calls = chunks.flatMap((c) => c.choices).flatMap((c: any) => c.delta?.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/), type: "function", function: { name: "get_weather", arguments: "" } });
    expect(calls.map((c: any) => c.function.arguments).join("")).toBe(JSON.stringify({ request: "weather? sim:tool-call" }));
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe("tool_calls");
  });

  test("without tools the marker is plain text", async () => {
    const body = await readJson(await h.post(buildChatPath(), buildChatBody("sim:tool-call")));
    expect(body.choices[0].finish_reason).toBe("stop");
  });
});
