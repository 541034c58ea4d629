import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI, { toFile } from "openai";
import {
  ALICE_TOKEN,
  allOperationsEnv,
  jsonOf,
  postJson,
  startHaigpt,
  startSimulator,
  upstreamCalls,
  type Haigpt,
  type Simulator,
} from "../support/harness.ts";

let azure: Simulator;
/** Primary at a preview api-version that offers every operation. */
let preview: Haigpt;
/** Primary at the 2024-10-21 GA, which has neither speech nor the Responses API. */
let ga: Haigpt;

beforeAll(async () => {
  azure = await startSimulator();
  preview = await startHaigpt(allOperationsEnv(azure.url, "2025-03-01-preview"));
  ga = await startHaigpt(allOperationsEnv(azure.url, "2024-10-21"));
});
afterAll(async () => {
  await preview.stop();
  await ga.stop();
  await azure.stop();
});
beforeEach(() => azure.sim.reset());

const audioBytes = new Uint8Array(120_000).map((_, i) => (i * 31) % 251);

describe("POST /v1/completions (legacy)", () => {
  test("not streamed: text, the requested model name, no Azure fields", async () => {
    const completion = await preview.client().completions.create({ model: "gpt-35-turbo-instruct", prompt: "Say hi" });
    expect(completion.choices[0]?.text).toContain("Say hi");
    expect(completion.model).toBe("gpt-35-turbo-instruct");
    expect(JSON.stringify(completion)).not.toContain("content_filter_results");
    expect(upstreamCalls(azure.sim, "completions")[0]?.path).toBe("/primary-res/openai/deployments/instruct/completions");
  });

  test("streamed: every chunk has choices with text; the same text as not streamed", async () => {
    const stream = await preview.client().completions.create({ model: "gpt-35-turbo-instruct", prompt: "Say hi", stream: true });
    let text = "";
    for await (const chunk of stream) {
      expect(chunk.choices.length).toBeGreaterThan(0);
      expect(chunk.model).toBe("gpt-35-turbo-instruct");
      expect(chunk.object).toBe("text_completion");
      text += chunk.choices[0]?.text ?? "";
    }
    const whole = await preview.client().completions.create({ model: "gpt-35-turbo-instruct", prompt: "Say hi" });
    expect(text).toBe(whole.choices[0]!.text);
  });
});

describe("POST /v1/images/generations", () => {
  test("an image through the SDK, without Azure's filter fields", async () => {
    const result = await preview.client().images.generate({ model: "dall-e-3", prompt: "a lighthouse at dawn", response_format: "b64_json" });
    expect(result.data?.[0]?.b64_json).toBeTruthy();
    expect(result.data?.[0]?.revised_prompt).toContain("lighthouse");
    expect(JSON.stringify(result)).not.toMatch(/filter_results/);
    expect(upstreamCalls(azure.sim, "images/generations")[0]?.path).toBe("/primary-res/openai/deployments/dalle3/images/generations");
  });

  test("an image prompt refused by the filter is a 400 content_filter", async () => {
    const error = await preview.client().images.generate({ model: "dall-e-3", prompt: "sim:filter-prompt" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("POST /v1/audio/transcriptions and translations", () => {
  test("a transcription through the SDK (file before model) reaches the whisper deployment whole", async () => {
    const file = await toFile(audioBytes, "meeting.wav", { type: "audio/wav" });
    const result = await preview.client().audio.transcriptions.create({ file, model: "whisper-1" });
    expect(result.text).toContain("meeting.wav (120000 bytes)");
    const [call] = upstreamCalls(azure.sim, "audio/transcriptions");
    expect(call?.path).toBe("/primary-res/openai/deployments/whisper/audio/transcriptions");
    expect(call?.headers["content-type"]).toStartWith("multipart/form-data");
  });

  test("a translation as plain text is relayed as plain text", async () => {
    const file = await toFile(audioBytes.slice(0, 1000), "fr.wav", { type: "audio/wav" });
    const text = await preview.client().audio.translations.create({ file, model: "whisper-1", response_format: "text" });
    expect(String(text)).toContain("Simulated translation from deployment whisper of fr.wav (1000 bytes)");
  });

  test("the upload is relayed while it arrives: Azure is called before the client has sent the whole file", async () => {
    const form = new FormData();
    form.append("model", "whisper-1");
    form.append("file", new Blob([audioBytes], { type: "audio/wav" }), "long.wav");
    const encoded = new Request("http://localhost/", { method: "POST", body: form });
    const contentType = encoded.headers.get("content-type")!;
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const { promise: upstreamCalled, resolve: onUpstreamCalled } = Promise.withResolvers<void>();
    const local = await startHaigpt(allOperationsEnv(azure.url, "2025-03-01-preview"), {
      deps: {
        fetch: (input, init) => {
          onUpstreamCalled();
          return fetch(input, init);
        },
      },
    });
    try {
      // The body stops after the model field and the first part of the file until Azure has been called.
      const cut = 20_000;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          controller.enqueue(bytes.slice(0, cut));
          await upstreamCalled;
          controller.enqueue(bytes.slice(cut));
          controller.close();
        },
      });
      const response = await fetch(`${local.baseURL}/audio/transcriptions`, {
        method: "POST",
        headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": contentType },
        body,
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(200);
      expect((await jsonOf(response)).text).toContain(`long.wav (${audioBytes.length} bytes)`);
    } finally {
      await local.stop();
    }
  });

  test("an upload without a model is a 400 naming the parameter", async () => {
    const form = new FormData();
    form.append("file", new Blob([audioBytes.slice(0, 100)]), "a.wav");
    const response = await fetch(`${preview.baseURL}/audio/transcriptions`, { method: "POST", headers: { authorization: `Bearer ${ALICE_TOKEN}` }, body: form });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error).toMatchObject({ param: "model", code: "missing_required_parameter" });
    expect(azure.sim.requests).toHaveLength(0);
  });

  test("a throttled transcription is retried with the whole upload sent again", async () => {
    const file = await toFile(audioBytes, "retry.wav", { type: "audio/wav" });
    const result = await preview.client().audio.transcriptions.create({ file, model: "whisper-1", prompt: "sim:429*1" });
    expect(result.text).toContain("retry.wav (120000 bytes)");
    expect(upstreamCalls(azure.sim, "audio/transcriptions")).toHaveLength(2);
  });
});

describe("POST /v1/audio/speech", () => {
  test("binary audio is relayed as it streams, byte for byte", async () => {
    const response = await preview.client().audio.speech.create({ model: "tts-1", voice: "alloy", input: "Hello there", response_format: "mp3" });
    const fromHaigpt = new Uint8Array(await response.arrayBuffer());
    const direct = await fetch(`${azure.url}/primary-res/openai/deployments/tts/audio/speech?api-version=2025-03-01-preview`, {
      method: "POST",
      headers: { "api-key": "a1a1a1a1b2b2b2b2c3c3c3c3d4d4d4d4", "content-type": "application/json" },
      body: JSON.stringify({ model: "tts-1", voice: "alloy", input: "Hello there", response_format: "mp3" }),
    });
    expect(fromHaigpt).toEqual(new Uint8Array(await direct.arrayBuffer()));
    expect(new TextDecoder().decode(fromHaigpt.slice(0, 3))).toBe("ID3");
  });

  test("a key whose api-version has no speech gets a clear 400, and Azure is not called", async () => {
    const error = await ga.client().audio.speech.create({ model: "tts-1", voice: "alloy", input: "Hi" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain("2024-10-21");
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("unsupported_api_version");
    expect(azure.sim.requests).toHaveLength(0);
  });
});

describe("POST /v1/responses", () => {
  test("not streamed: the Azure Responses API at /openai/responses with the deployment as model", async () => {
    const response = await preview.client().responses.create({ model: "gpt-4o", input: "Tell me a fact" });
    expect(response.output_text).toContain("Tell me a fact");
    expect(response.model).toBe("gpt-4o");
    const [call] = upstreamCalls(azure.sim, "responses");
    expect(call?.path).toBe("/primary-res/openai/responses");
    expect(call?.search).toBe("?api-version=2025-03-01-preview");
    expect((call?.body as { model: string }).model).toBe("gpt4o-prod");
  });

  test("streamed: the named events arrive as they come and the SDK assembles the same text", async () => {
    const stream = await preview.client().responses.create({ model: "gpt-4o", input: "Tell me a fact", stream: true });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") expect(event.response.model).toBe("gpt-4o");
    }
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(types.filter((t) => t === "response.output_text.delta").length).toBeGreaterThan(2);
    expect(text).toContain("Tell me a fact");
  });

  test("a GA api-version without the Responses API gets a clear 400", async () => {
    const response = await postJson(`${ga.baseURL}/responses`, { model: "gpt-4o", input: "hi" }, { authorization: `Bearer ${ALICE_TOKEN}` });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.message).toContain("2025-03-01-preview");
  });
});

describe("body size limit", () => {
  test("a body over HAIGPT_MAX_BODY_BYTES is a 413 in the OpenAI shape, JSON or upload, with no call to Azure", async () => {
    const local = await startHaigpt({ ...allOperationsEnv(azure.url, "2025-03-01-preview"), HAIGPT_MAX_BODY_BYTES: "50000" });
    try {
      const big = "x".repeat(60_000);
      const json = await postJson(`${local.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: big }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
      expect(json.status).toBe(413);
      expect(await jsonOf(json)).toEqual({ error: { message: expect.stringContaining("50000 bytes"), type: "invalid_request_error", param: null, code: "request_too_large" } });
      const file = await toFile(audioBytes, "big.wav", { type: "audio/wav" });
      const error = await local.client().audio.transcriptions.create({ file, model: "whisper-1" }).catch((e: unknown) => e);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
      expect(azure.sim.requests).toHaveLength(0);
    } finally {
      await local.stop();
    }
  });
});

describe("models and paths", () => {
  test("GET /v1/models/{model} retrieves one model, and 404s an unknown one", async () => {
    const model = await preview.client().models.retrieve("whisper-1");
    expect(model).toEqual({ id: "whisper-1", object: "model", created: expect.any(Number), owned_by: "azure-openai" });
    const error = await preview.client().models.retrieve("gpt-9").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("a client whose base URL lacks /v1 is served the same", async () => {
    const client = new OpenAI({ apiKey: ALICE_TOKEN, baseURL: preview.url, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "no prefix" }] });
    expect(completion.choices[0]?.message.content).toContain("no prefix");
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain("gpt-4o");
    const embedding = await client.embeddings.create({ model: "text-embedding-3-small", input: "x" });
    expect(embedding.data).toHaveLength(1);
  });
});
