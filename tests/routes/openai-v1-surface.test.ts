import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI, { toFile } from "openai";
import { ALICE_TOKEN, allOperationsEnv, jsonOf, postJson, startHaigpt, startSimulator, upstreamCalls, type Haigpt, type Simulator } from "../support/harness.ts";

// Clients configured for Azure's v1 surface use `<haigpt>/openai/v1` as their base URL.
let azure: Simulator;
let haigpt: Haigpt;
let client: OpenAI;

beforeAll(async () => {
  azure = await startSimulator();
  haigpt = await startHaigpt(allOperationsEnv(azure.url, "2025-03-01-preview"));
  client = new OpenAI({ apiKey: ALICE_TOKEN, baseURL: `${haigpt.url}/openai/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await haigpt.stop();
  await azure.stop();
});
beforeEach(() => azure.sim.reset());

describe("/openai/v1 through the openai SDK", () => {
  test("chat completion with the OpenAI model name", async () => {
    const completion = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "via v1" }] });
    expect(completion.choices[0]?.message.content).toContain('you said "via v1"');
    expect(upstreamCalls(azure.sim)[0]?.deployment).toBe("gpt4o-prod");
  });

  test("streamed chat completion with the deployment name as model", async () => {
    const stream = await client.chat.completions.create({ model: "gpt4o-prod", stream: true, messages: [{ role: "user", content: "streamed v1" }] });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toContain('you said "streamed v1"');
    expect(upstreamCalls(azure.sim)[0]?.deployment).toBe("gpt4o-prod");
  });

  test("embeddings, responses (plain and streamed), completions, images, uploads", async () => {
    const embedding = await client.embeddings.create({ model: "text-embedding-3-small", input: "x" });
    expect(embedding.data[0]?.embedding.length).toBeGreaterThan(0);
    const response = await client.responses.create({ model: "gpt-4o", input: "respond v1" });
    expect(response.output_text).toContain("respond v1");
    const events = await client.responses.create({ model: "gpt-4o", input: "respond streamed", stream: true });
    const types: string[] = [];
    for await (const event of events) types.push(event.type);
    expect(types.at(-1)).toBe("response.completed");
    const completion = await client.completions.create({ model: "gpt-35-turbo-instruct", prompt: "legacy" });
    expect(completion.choices[0]?.text).toContain("legacy");
    const image = await client.images.generate({ model: "dall-e-3", prompt: "a cat" });
    expect(image.data?.length).toBe(1);
    const file = await toFile(new Uint8Array(3000), "v1.wav", { type: "audio/wav" });
    const transcript = await client.audio.transcriptions.create({ file, model: "whisper-1" });
    expect(transcript.text).toContain("v1.wav (3000 bytes)");
  });

  test("models are listed and retrieved", async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toContain("gpt-4o");
    expect((await client.models.retrieve("gpt-4o")).id).toBe("gpt-4o");
  });

  test("authenticated like every other path", async () => {
    const anonymous = await postJson(`${haigpt.url}/openai/v1/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "x" }] });
    expect(anonymous.status).toBe(401);
    expect((await jsonOf(anonymous)).error.type).toBe("authentication_error");
    const wrong = new OpenAI({ apiKey: "not-a-token", baseURL: `${haigpt.url}/openai/v1`, maxRetries: 0 });
    const refused = await wrong.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }).catch((error) => error);
    expect(refused.status).toBe(401);
    expect(upstreamCalls(azure.sim)).toHaveLength(0);
  });

  test("an unknown model or deployment is a 404 naming what is served", async () => {
    const failure = await client.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }).catch((error) => error);
    expect(failure.status).toBe(404);
    expect(failure.message).toContain("gpt-4o");
  });
});

describe("/openai/v1 as @ai-sdk/azure calls it", () => {
  test("POST {baseURL}/chat/completions with the deployment as model and api-version v1 in the query", async () => {
    const response = await fetch(`${haigpt.url}/openai/v1/chat/completions?api-version=v1`, {
      method: "POST",
      headers: { "api-key": ALICE_TOKEN, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt4o-prod", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "ai sdk" }] }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('"content":"gpt4o-prod: "');
    expect(text).toContain('"usage":{"prompt_tokens"');
    expect(upstreamCalls(azure.sim)[0]?.deployment).toBe("gpt4o-prod");
  });
});
