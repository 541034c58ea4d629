import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { ALICE_TOKEN, PRIMARY_KEY, postJson, serverKeyEnv, startHaigpt, upstreamCalls, jsonOf, useServerKeyServers } from "../support/harness.ts";

const servers = useServerKeyServers({ resetEach: true });

describe("POST /v1/chat/completions", () => {
  test("a completion through the official SDK, with haigpt's headers", async () => {
    const { data, response } = await servers.haigpt
      .client()
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hello there" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toContain('you said "Hello there"');
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-haigpt-upstream")).toBe("primary");
    expect(response.headers.get("x-haigpt-attempts")).toBe("1");
    expect(response.headers.get("apim-request-id")).toBeTruthy();
  });

  test("Azure is called at its URL with api-key; the client's credential and headers are not forwarded", async () => {
    await postJson(
      `${servers.haigpt.baseURL}/chat/completions`,
      { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] },
      { authorization: `Bearer ${ALICE_TOKEN}`, cookie: "session=secret" },
    );
    const [call] = upstreamCalls(servers.azure.sim);
    expect(call?.path).toBe("/primary-res/openai/deployments/gpt4o-prod/chat/completions");
    expect(call?.search).toBe("?api-version=2024-10-21");
    expect(call?.headers["api-key"]).toBe(PRIMARY_KEY);
    expect(call?.headers.authorization).toBeUndefined();
    expect(call?.headers.cookie).toBeUndefined();
    expect(JSON.stringify(call?.headers)).not.toContain(ALICE_TOKEN);
  });

  test("every field of the body, known or not, reaches Azure untouched", async () => {
    const body = {
      model: "gpt-4o",
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hi", name: "u1" }],
      temperature: 0.25,
      max_tokens: 17,
      user: "end-user-7",
      data_sources: [{ type: "azure_search", parameters: { endpoint: "https://search.example", index_name: "docs" } }],
      some_future_field: { nested: [1, "two", null, true] },
    };
    const response = await postJson(`${servers.haigpt.baseURL}/chat/completions`, body, { authorization: `Bearer ${ALICE_TOKEN}` });
    expect(response.status).toBe(200);
    expect(upstreamCalls(servers.azure.sim)[0]?.body).toEqual(body);
  });

  test("a streamed completion through the SDK arrives chunk by chunk, not all at once", async () => {
    // The simulator sends the first word, then holds the stream at a gate until this test opens it.
    // If haigpt buffered the stream, the first chunk would never arrive and the test would time out.
    const stream = await servers.haigpt.client().chat.completions.create({
      model: "gpt-4o",
      stream: true,
      messages: [{ role: "user", content: "count for me sim:gate=g1" }],
    });
    const iterator = stream[Symbol.asyncIterator]();
    let text = "";
    let chunks = 0;
    while (!text) {
      const { value, done } = await iterator.next();
      if (done) throw new Error("stream ended before any content");
      chunks++;
      text += value.choices[0]?.delta?.content ?? "";
    }
    expect(upstreamCalls(servers.azure.sim)[0]?.completed).toBe(false);
    servers.azure.sim.release("g1");
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      chunks++;
      text += next.value.choices[0]?.delta?.content ?? "";
    }
    expect(text).toContain('you said "count for me sim:gate=g1"');
    expect(chunks).toBeGreaterThan(3);
  });

  test("a stream ends with data: [DONE] and carries the proxy headers", async () => {
    const response = await postJson(
      `${servers.haigpt.baseURL}/chat/completions`,
      { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] },
      { authorization: `Bearer ${ALICE_TOKEN}` },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    expect(response.headers.get("x-haigpt-upstream")).toBe("primary");
    expect(response.headers.get("x-request-id")).toBeTruthy();
    const text = await response.text();
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(text.match(/data: \[DONE\]/g)?.length).toBe(1);
  });

  test("a model no key maps is a 404 model_not_found listing the models, with no call to Azure", async () => {
    const error = await servers.haigpt
      .client()
      .chat.completions.create({ model: "gpt-5-turbo-ultra", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const apiError = error as InstanceType<typeof OpenAI.NotFoundError>;
    expect(apiError.code).toBe("model_not_found");
    expect(apiError.param).toBe("model");
    expect(apiError.message).toContain("gpt-4o, text-embedding-3-small");
    expect(servers.azure.sim.requests).toHaveLength(0);
  });

  test.each([
    ["not JSON", "{ this is not json", "invalid_json", null],
    ["no model", { messages: [{ role: "user", content: "hi" }] }, "missing_required_parameter", "model"],
    ["no messages", { model: "gpt-4o" }, "missing_required_parameter", "messages"],
    ["empty messages", { model: "gpt-4o", messages: [] }, "empty_array", "messages"],
    ["a model that is not a string", { model: 4, messages: [{ role: "user", content: "hi" }] }, "invalid_type", "model"],
    ["a body that is not an object", "[1,2]", "invalid_type", null],
  ])("%s: 400 in the OpenAI shape, no call to Azure", async (_name, body, code, param) => {
    const response = await postJson(`${servers.haigpt.baseURL}/chat/completions`, body, { authorization: `Bearer ${ALICE_TOKEN}` });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(await jsonOf(response)).toEqual({
      error: { message: expect.any(String), type: "invalid_request_error", param, code },
    });
    expect(servers.azure.sim.requests).toHaveLength(0);
  });

  test("a JSON body sent as a form (curl -d without -H) is a 415 that says which content type to send", async () => {
    const response = await fetch(`${servers.haigpt.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/x-www-form-urlencoded" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(415);
    expect((await jsonOf(response)).error).toMatchObject({ code: "unsupported_media_type", message: expect.stringContaining("Content-Type: application/json") });
    expect(servers.azure.sim.requests).toHaveLength(0);
  });

  test("an unknown URL is a 404 in the OpenAI shape", async () => {
    const response = await fetch(`${servers.haigpt.baseURL}/nothing/here`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    expect(response.status).toBe(404);
    expect(await jsonOf(response)).toEqual({
      error: { message: "Invalid URL (GET /v1/nothing/here).", type: "not_found_error", param: null, code: "unknown_url" },
    });
  });
});

describe("model mapping", () => {
  test("the catch-all deployment serves models without an entry of their own", async () => {
    const env = serverKeyEnv(servers.azure.url);
    const local = await startHaigpt({ ...env, PrimaryApiKey: `primary-res:gpt-4o|gpt4o-prod,*|gpt4o-prod:${PRIMARY_KEY}:2024-10-21` });
    try {
      const completion = await local.client().chat.completions.create({ model: "my-alias", messages: [{ role: "user", content: "hi" }] });
      expect(completion.choices[0]?.message.content).toContain("gpt4o-prod");
      expect(upstreamCalls(servers.azure.sim)[0]?.path).toBe("/primary-res/openai/deployments/gpt4o-prod/chat/completions");
    } finally {
      await local.stop();
    }
  });
});

describe("GET /v1/models and /healthz", () => {
  test("the configured model names, in OpenAI's list shape, through the SDK", async () => {
    const models = [];
    for await (const model of servers.haigpt.client().models.list()) models.push(model);
    expect(models.map((m) => m.id)).toEqual(["gpt-4o", "text-embedding-3-small"]);
    for (const model of models) {
      expect(model).toEqual({ id: model.id, object: "model", created: expect.any(Number), owned_by: "azure-openai" });
    }
  });

  test("models need a token like everything else", async () => {
    expect((await fetch(`${servers.haigpt.baseURL}/models`)).status).toBe(401);
  });

  test("healthz answers without auth", async () => {
    const response = await fetch(`${servers.haigpt.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ status: "ok" });
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("POST /v1/embeddings", () => {
  test("embeddings through the SDK (which asks for base64 by default) are mapped to the deployment", async () => {
    const result = await servers.haigpt.client().embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(typeof result.data[0]?.embedding[0]).toBe("number");
    expect(upstreamCalls(servers.azure.sim, "embeddings")[0]?.path).toBe("/primary-res/openai/deployments/emb-prod/embeddings");
  });

  test("an embeddings body without input is a 400 with no call to Azure", async () => {
    const response = await postJson(`${servers.haigpt.baseURL}/embeddings`, { model: "text-embedding-3-small" }, { authorization: `Bearer ${ALICE_TOKEN}` });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.param).toBe("input");
    expect(servers.azure.sim.requests).toHaveLength(0);
  });
});
