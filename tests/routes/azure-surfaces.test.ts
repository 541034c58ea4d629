import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI, { AzureOpenAI, toFile } from "openai";
import {
  ALICE_TOKEN,
  ALL_MODELS,
  PRIMARY_KEY,
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
let pair: Haigpt;

beforeAll(async () => {
  azure = await startSimulator();
  pair = await startHaigpt(serverKeyEnv(azure.url, "2024-10-21"));
});
afterAll(async () => {
  await pair.stop();
  await azure.stop();
});
beforeEach(() => {
  azure.sim.reset();
  // A 429 cools its upstream down for every later request: each test starts with fresh shared state.
  pair.resetWaits();
});

describe("Azure's v1 surface (api-version v1)", () => {
  let v1: Haigpt;
  beforeAll(async () => {
    v1 = await startHaigpt({ HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}` });
  });
  afterAll(() => v1.stop());
  const credential = `primary-res:${ALL_MODELS}:${PRIMARY_KEY}:v1`;

  test("chat goes to /openai/v1/chat/completions with the deployment as model and no api-version", async () => {
    const completion = await v1.client(credential).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "v1 please" }] });
    expect(completion.choices[0]?.message.content).toContain("v1 please");
    expect(completion.model).toBe("gpt-4o");
    const [call] = upstreamCalls(azure.sim);
    expect(call?.path).toBe("/primary-res/openai/v1/chat/completions");
    expect(call?.search).toBe("");
    expect((call?.body as { model: string }).model).toBe("gpt4o-prod");
  });

  test("nothing is dropped for v1: every parameter reaches Azure", async () => {
    const { response } = await v1.client(credential).chat.completions
      .create({ model: "gpt-4o", stream: true, stream_options: { include_usage: true }, reasoning_effort: "low", messages: [{ role: "user", content: "x" }] })
      .withResponse();
    expect(response.headers.get("x-haigpt-dropped-params")).toBeNull();
    expect(upstreamCalls(azure.sim)[0]?.body).toMatchObject({ stream_options: { include_usage: true }, reasoning_effort: "low" });
  });

  test("an upload's model field is rewritten to the deployment on the way", async () => {
    const file = await toFile(new Uint8Array(5000), "v1.wav", { type: "audio/wav" });
    const result = await v1.client(credential).audio.transcriptions.create({ file, model: "whisper-1" });
    expect(result.text).toContain("from deployment whisper of v1.wav (5000 bytes)");
    const [call] = upstreamCalls(azure.sim, "audio/transcriptions");
    expect(call?.path).toBe("/primary-res/openai/v1/audio/transcriptions");
    expect(call?.bodyText).toContain('name="model"\r\n\r\nwhisper\r\n');
  });

  test("embeddings and the Responses API on v1", async () => {
    const embedding = await v1.client(credential).embeddings.create({ model: "text-embedding-3-small", input: "x" });
    expect(embedding.model).toBe("text-embedding-3-small");
    const response = await v1.client(credential).responses.create({ model: "gpt-4o", input: "v1 responses" });
    expect(response.output_text).toContain("v1 responses");
    expect(upstreamCalls(azure.sim, "responses")[0]?.path).toBe("/primary-res/openai/v1/responses");
  });
});

describe("Azure-shaped clients (the SDK's AzureOpenAI class)", () => {
  test("a deployment-scoped AzureOpenAI client gets retry, failover and user tokens; the answer names the OpenAI model", async () => {
    const client = new AzureOpenAI({ apiKey: ALICE_TOKEN, endpoint: pair.url, apiVersion: "2025-01-01-preview", deployment: "gpt4o-prod", maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: "ignored-by-azure-clients", messages: [{ role: "user", content: "azure client sim:429@primary-res" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toContain("azure client");
    expect(data.model).toBe("gpt-4o");
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
    const calls = upstreamCalls(azure.sim);
    expect(calls.map((c) => c.path)).toEqual([
      "/primary-res/openai/deployments/gpt4o-prod/chat/completions",
      "/secondary-res/openai/deployments/gpt4o-dr/chat/completions",
    ]);
    // Azure is called with each key's own api-version, not the client's.
    expect(calls.map((c) => c.search)).toEqual(["?api-version=2024-10-21", "?api-version=2024-10-21"]);
    expect(calls[0]?.headers["api-key"]).toBe(PRIMARY_KEY);
  });

  test("the usual AzureOpenAI call with the deployment passed as model works too, streamed", async () => {
    const client = new AzureOpenAI({ apiKey: ALICE_TOKEN, endpoint: pair.url, apiVersion: "2024-10-21", maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "gpt4o-prod", stream: true, messages: [{ role: "user", content: "streamed azure" }] });
    let text = "";
    for await (const chunk of stream) {
      expect(chunk.model).toBe("gpt-4o");
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    expect(text).toContain("streamed azure");
  });

  test("embeddings through AzureOpenAI", async () => {
    const client = new AzureOpenAI({ apiKey: ALICE_TOKEN, endpoint: pair.url, apiVersion: "2024-10-21", maxRetries: 0 });
    const result = await client.embeddings.create({ model: "emb-prod", input: ["a", "b"] });
    expect(result.data).toHaveLength(2);
    expect(upstreamCalls(azure.sim, "embeddings")[0]?.path).toBe("/primary-res/openai/deployments/emb-prod/embeddings");
  });

  test("an unknown deployment is a 404, with no call to Azure", async () => {
    const client = new AzureOpenAI({ apiKey: ALICE_TOKEN, endpoint: pair.url, apiVersion: "2024-10-21", maxRetries: 0 });
    const error = await client.chat.completions.create({ model: "no-such-deployment", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).message).toContain("gpt4o-prod");
    expect(azure.sim.requests).toHaveLength(0);
  });

  test("Azure-shaped paths need a user token like the rest", async () => {
    const response = await postJson(`${pair.url}/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21`, { messages: [{ role: "user", content: "hi" }] }, { "api-key": "wrong-token-0000000000" });
    expect(response.status).toBe(401);
    expect((await jsonOf(response)).error.code).toBe("invalid_api_key");
    expect(azure.sim.requests).toHaveLength(0);
  });
});
