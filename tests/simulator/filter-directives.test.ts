// Content-filter directives: prompt filtered (400), completion filtered, async-filter annotations.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { buildChatBody, buildChatPath, joinContent, parseChunks, readAllFrames, readJson, startHarness, type Harness } from "./sim-helpers.ts";

const SAFE = { filtered: false, severity: "safe" };
// §4.1 wire body, byte for byte.
const PROMPT_FILTERED_BODY =
  '{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI\'s content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":false,"detected":false},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":true,"severity":"medium"}}}}}';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.stop());
beforeEach(() => h.sim.reset());

describe("content filter", () => {
  test("filter-prompt: the §4.1 400 body, streamed or not", async () => {
    for (const stream of [false, true]) {
      const res = await h.post(buildChatPath(), buildChatBody("bad sim:filter-prompt", { stream }));
      expect(res.status).toBe(400);
      expect(await res.text()).toBe(PROMPT_FILTERED_BODY);
    }
    const hate = await readJson(await h.post(buildChatPath(), buildChatBody("sim:filter-prompt=hate")));
    expect(hate.error.innererror.content_filter_result.hate).toEqual({ filtered: true, severity: "medium" });
  });

  test("filter-prompt on images uses the DALL·E error shape", async () => {
    const res = await h.post("/primary/openai/deployments/dall-e-3/images/generations?api-version=2024-10-21", { prompt: "sim:filter-prompt" });
    expect(res.status).toBe(400);
    const body = await readJson(res);
    expect(body.error).toMatchObject({ code: "content_policy_violation", type: "invalid_request_error", inner_error: { code: "ResponsibleAIPolicyViolation" } });
    expect(body.error.inner_error.content_filter_results.violence).toEqual({ filtered: true, severity: "medium" });
  });

  test("filter-output, non-streamed: 200, finish_reason content_filter, no content", async () => {
    const body = await readJson(await h.post(buildChatPath(), buildChatBody("sim:filter-output=sexual")));
    const choice = body.choices[0];
    expect(choice.finish_reason).toBe("content_filter");
    expect(choice.message.content).toBeNull();
    expect(choice.content_filter_results.sexual).toEqual({ filtered: true, severity: "medium" });
    expect(choice.content_filter_results.violence).toEqual(SAFE);
  });

  test("filter-output, streamed: annotation, empty role chunk, content_filter finish, [DONE]", async () => {
    const frames = await readAllFrames(await h.post(buildChatPath(), buildChatBody("sim:filter-output", { stream: true })));
    const chunks = parseChunks(frames);
    expect(frames.map((f) => f.data === "[DONE]")).toEqual([false, false, false, true]);
    expect(chunks[0]?.choices).toEqual([]);
    expect(chunks[1]?.choices[0].delta).toEqual({ content: "", refusal: null, role: "assistant" });
    expect(chunks[2]?.choices[0]).toMatchObject({ delta: {}, finish_reason: "content_filter" });
    expect(chunks[2]?.choices[0].content_filter_results.violence).toEqual({ filtered: true, severity: "medium" });
  });

  test("filter-async: annotation-only chunks without delta, one after the stop chunk right before [DONE]", async () => {
    const frames = await readAllFrames(await h.post(buildChatPath(), buildChatBody("tell me a story sim:filter-async", { stream: true })));
    const chunks = parseChunks(frames);
    const annotations = chunks.filter((c) => c.choices[0]?.content_filter_offsets);
    expect(annotations.length).toBeGreaterThanOrEqual(2);
    for (const a of annotations) {
      expect(a).toMatchObject({ id: "", object: "", created: 0, model: "", usage: null });
      expect(a.choices[0]).not.toHaveProperty("delta");
      expect(a.choices[0].finish_reason).toBeNull();
    }
    const stopAt = chunks.findIndex((c) => c.choices[0]?.finish_reason === "stop");
    expect(chunks.at(-1)).toBe(annotations.at(-1));
    expect(stopAt).toBe(chunks.length - 2);
    expect(annotations.at(-1)!.choices[0].content_filter_offsets.end_offset).toBe(joinContent(chunks).length);
    expect(frames.at(-1)?.data).toBe("[DONE]");
  });

  test("filter-async=violation: stops at a content_filter annotation, then [DONE]", async () => {
    const frames = await readAllFrames(await h.post(buildChatPath(), buildChatBody("tell me a story sim:filter-async=violation", { stream: true })));
    const chunks = parseChunks(frames);
    const last = chunks.at(-1)!;
    expect(last.choices[0]).toMatchObject({ finish_reason: "content_filter", content_filter_results: { protected_material_text: { detected: true, filtered: true } } });
    expect(last.choices[0]).not.toHaveProperty("delta");
    expect(chunks.some((c) => c.choices[0]?.finish_reason === "stop")).toBe(false);
    expect(joinContent(chunks).length).toBeGreaterThan(0);
    expect(frames.at(-1)?.data).toBe("[DONE]");
  });
});
