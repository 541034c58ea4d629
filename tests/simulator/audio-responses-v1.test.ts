// Audio (transcriptions, translations, speech), the Responses API and the v1 surface.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { KEY, readAllFrames, readJson, startHarness, type Harness } from "./sim-helpers.ts";

const DATED = "?api-version=2024-10-21";
const PREVIEW = "?api-version=2025-03-01-preview";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.stop());
beforeEach(() => h.sim.reset());

describe("audio", () => {
  function upload(operation: string, fields: Record<string, string>): Promise<Response> {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(1234)]), "speech.wav");
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return fetch(`${h.server.url}/primary/openai/deployments/whisper/${operation}${DATED}`, { method: "POST", headers: { "api-key": KEY }, body: form });
  }

  test("transcription as JSON, text and verbose_json", async () => {
    const json = await readJson(await upload("audio/transcriptions", {}));
    expect(json).toEqual({ text: "Simulated transcription from deployment whisper of speech.wav (1234 bytes)." });
    const text = await upload("audio/transcriptions", { response_format: "text" });
    expect(text.headers.get("content-type")).toStartWith("text/plain");
    expect(await text.text()).toBe(json.text);
    const verbose = await readJson(await upload("audio/transcriptions", { response_format: "verbose_json", language: "german" }));
    expect(verbose).toMatchObject({ task: "transcribe", language: "german", text: json.text, segments: [expect.objectContaining({ id: 0, text: json.text })] });
  });

  test("translation, and directives in multipart text fields", async () => {
    const json = await readJson(await upload("audio/translations", { prompt: "context" }));
    expect(json.text).toStartWith("Simulated translation from deployment whisper");
    const limited = await upload("audio/translations", { prompt: "sim:429" });
    expect(limited.status).toBe(429);
    expect(h.sim.requests.at(-1)?.operation).toBe("audio/translations");
  });

  test("speech on a preview api-version streams octet-stream bytes", async () => {
    const res = await h.post("/primary/openai/deployments/tts/audio/speech?api-version=2024-02-15-preview", { input: "hello", voice: "alloy", response_format: "mp3" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 3))).toBe("ID3");
    const again = new Uint8Array(await (await h.post("/primary/openai/deployments/tts/audio/speech?api-version=2025-03-01-preview", { input: "hello", voice: "alloy" })).arrayBuffer());
    expect(again).toEqual(bytes);
  });
});

describe("Responses API", () => {
  const text = 'Simulated answer from deployment gpt-4o: you said "hello".';

  test("non-streamed response object", async () => {
    const body = await readJson(await h.post(`/primary/openai/responses${PREVIEW}`, { model: "gpt-4o", input: [{ role: "user", content: "hello" }] }));
    expect(body).toMatchObject({ object: "response", status: "completed", model: "gpt-4o-2024-08-06", error: null, incomplete_details: null });
    expect(body.id).toMatch(/^resp_/);
    expect(body.output).toEqual([{ type: "message", id: expect.stringMatching(/^msg_/), status: "completed", role: "assistant", content: [{ type: "output_text", text, annotations: [] }] }]);
    expect(body.usage.total_tokens).toBe(body.usage.input_tokens + body.usage.output_tokens);
    expect(h.sim.requests[0]).toMatchObject({ surface: "responses", operation: "responses", deployment: "gpt-4o" });
  });

  test("streamed named events from response.created to response.completed", async () => {
    const frames = await readAllFrames(await h.post(`/primary/openai/responses${PREVIEW}`, { model: "gpt-4o", input: "hello", stream: true }));
    const events = frames.map((f) => f.event);
    expect(events.slice(0, 4)).toEqual(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]);
    expect(events.slice(-4)).toEqual(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"]);
    const payloads = frames.map((f) => JSON.parse(f.data));
    payloads.forEach((p, i) => expect(p.type).toBe(events[i]!));
    expect(payloads.filter((p) => p.type === "response.output_text.delta").map((p) => p.delta).join("")).toBe(text);
    expect(payloads.at(-1).response).toMatchObject({ status: "completed", output: [{ content: [{ text }] }] });
    expect(frames.some((f) => f.data === "[DONE]")).toBe(false);
  });

  test("unknown model in the body is DeploymentNotFound", async () => {
    const res = await h.post(`/primary/openai/responses${PREVIEW}`, { model: "nope", input: "x" });
    expect(res.status).toBe(404);
    expect((await readJson(res)).error.code).toBe("DeploymentNotFound");
  });
});

describe("v1 surface", () => {
  test("chat, embeddings and responses by model name with a Bearer key", async () => {
    const bearer = { "api-key": "", authorization: `Bearer ${KEY}` };
    const chat = await readJson(await h.post("/primary/openai/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, bearer));
    expect(chat.model).toBe("gpt-4o-2024-08-06");
    expect(chat.prompt_filter_results).toHaveLength(1);
    const emb = await readJson(await h.post("/primary/openai/v1/embeddings", { model: "emb", input: "hi" }, bearer));
    expect(emb.data).toHaveLength(1);
    const resp = await readJson(await h.post("/primary/openai/v1/responses", { model: "gpt-4o", input: "hi" }, bearer));
    expect(resp.object).toBe("response");
  });

  test("GET models lists the resource's models; other methods or bad keys fail", async () => {
    const res = await fetch(`${h.server.url}/primary/openai/v1/models`, { headers: { "api-key": KEY } });
    const body = await readJson(res);
    expect(body.object).toBe("list");
    expect(body.data).toContainEqual({ id: "gpt-4o-2024-08-06", object: "model", created: expect.any(Number), owned_by: "system" });
    expect((await fetch(`${h.server.url}/primary/openai/v1/models`, { headers: { "api-key": "bad" } })).status).toBe(401);
    expect((await h.post("/primary/openai/v1/models", {})).status).toBe(404);
  });
});
