import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { ALICE_TOKEN, postJson, serverKeyEnv, startHaigpt, startSimulator, upstreamCalls, type Haigpt, type Simulator, jsonOf } from "../support/harness.ts";

let azure: Simulator;
let pair: Haigpt;
let single: Haigpt;

beforeAll(async () => {
  azure = await startSimulator();
  const env = serverKeyEnv(azure.url);
  const { SecondaryApiKey: _unused, ...primaryOnly } = env;
  pair = await startHaigpt({ ...env, HAIGPT_MAX_RETRIES: "0" });
  single = await startHaigpt(primaryOnly);
});
afterAll(async () => {
  await pair.stop();
  await single.stop();
  await azure.stop();
});
beforeEach(() => azure.sim.reset());

async function streamText(client: OpenAI, content: string) {
  const { data: stream, response } = await client.chat.completions
    .create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content }] })
    .withResponse();
  let text = "";
  const finishes: string[] = [];
  for await (const chunk of stream) {
    for (const choice of chunk.choices) {
      text += choice.delta?.content ?? "";
      if (choice.finish_reason) finishes.push(choice.finish_reason);
    }
  }
  return { text, finishes, response };
}

describe("content-filter failover (the original design's failover)", () => {
  test("prompt filtered by the primary (400 content_filter): the secondary answers, even with retries off", async () => {
    const { data, response } = await pair.client()
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "edgy sim:filter-prompt@primary-res" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toContain("gpt4o-dr");
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
    expect(response.headers.get("x-haigpt-attempts")).toBe("2");
    expect(upstreamCalls(azure.sim).map((r) => r.resource)).toEqual(["primary-res", "secondary-res"]);
  });

  test("output filtered by the primary (200, finish_reason content_filter): the secondary answers", async () => {
    const { data, response } = await pair.client()
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "edgy sim:filter-output@primary-res" }] })
      .withResponse();
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
  });

  test("stream: prompt filtered by the primary: the secondary's stream is relayed", async () => {
    const { text, finishes, response } = await streamText(pair.client(), "edgy sim:filter-prompt@primary-res");
    expect(text).toContain("gpt4o-dr");
    expect(finishes).toEqual(["stop"]);
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
  });

  test("stream: filtered before any content by the primary: the secondary's stream is relayed, nothing of the primary's", async () => {
    const { text, finishes, response } = await streamText(pair.client(), "edgy sim:filter-output@primary-res");
    expect(text).toContain("gpt4o-dr");
    expect(finishes).toEqual(["stop"]);
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
    expect(response.headers.get("x-haigpt-attempts")).toBe("2");
  });

  test("both filter the prompt: the secondary's 400 content_filter reaches the client in the OpenAI shape", async () => {
    const response = await postJson(
      `${pair.baseURL}/chat/completions`,
      { model: "gpt-4o", messages: [{ role: "user", content: "very edgy sim:filter-prompt" }] },
      { authorization: `Bearer ${ALICE_TOKEN}` },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
    const body = await jsonOf(response);
    expect(body.error).toMatchObject({
      message: expect.stringContaining("content management policy"),
      type: "invalid_request_error",
      param: "prompt",
      code: "content_filter",
    });
    expect(upstreamCalls(azure.sim)).toHaveLength(2);
  });

  test("both filter the prompt, through the SDK: a BadRequestError with code content_filter", async () => {
    const error = await pair.client()
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "very edgy sim:filter-prompt" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("content_filter");
  });

  test("both filter the output: the secondary's filtered completion is the answer", async () => {
    const { data, response } = await pair.client()
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "edgy sim:filter-output" }] })
      .withResponse();
    expect(data.choices[0]?.finish_reason).toBe("content_filter");
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
  });

  test("both filter a stream: the secondary's filtered stream is relayed", async () => {
    const { text, finishes, response } = await streamText(pair.client(), "edgy sim:filter-output");
    expect(text).toBe("");
    expect(finishes).toEqual(["content_filter"]);
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
  });

  test("with no secondary, the primary's filter answer goes to the client as it is", async () => {
    const response = await postJson(
      `${single.baseURL}/chat/completions`,
      { model: "gpt-4o", messages: [{ role: "user", content: "edgy sim:filter-prompt" }] },
      { authorization: `Bearer ${ALICE_TOKEN}` },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("x-haigpt-upstream")).toBe("primary");
    expect(response.headers.get("x-haigpt-attempts")).toBe("1");
    expect((await jsonOf(response)).error.code).toBe("content_filter");
    const { finishes } = await streamText(single.client(), "edgy sim:filter-output");
    expect(finishes).toEqual(["content_filter"]);
  });

  test("a stream filtered only after content has been sent is not switched: nothing is taken back", async () => {
    const { text, finishes, response } = await streamText(pair.client(), "long answer sim:filter-async=violation@primary-res");
    expect(response.headers.get("x-haigpt-upstream")).toBe("primary");
    expect(text.length).toBeGreaterThan(0);
    expect(finishes).toContain("content_filter");
  });
});
