import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { ALICE_TOKEN, PRIMARY_KEY, postJson, serverKeyEnv, startHaigpt, startSimulator, upstreamCalls, type Haigpt, type Simulator, jsonOf } from "../support/harness.ts";

let azure: Simulator;
let proxy: Haigpt;
let tokens: Haigpt;
const chat = { model: "gpt-4o", messages: [{ role: "user" as const, content: "hi" }] };
const credential = (key = PRIMARY_KEY, resource = "primary-res", deployments = "gpt-4o|gpt4o-prod") =>
  `${resource}:${deployments}:${key}:2024-10-21`;

beforeAll(async () => {
  azure = await startSimulator();
  proxy = await startHaigpt({ HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}` });
  tokens = await startHaigpt(serverKeyEnv(azure.url));
});
afterAll(async () => {
  await proxy.stop();
  await tokens.stop();
  await azure.stop();
});
beforeEach(() => azure.sim.reset());

describe("pure proxy: the client's credential string", () => {
  test("works as the SDK's apiKey (Authorization: Bearer)", async () => {
    const completion = await proxy.client(credential()).chat.completions.create(chat);
    expect(completion.choices[0]?.message.content).toContain("gpt4o-prod");
    expect(upstreamCalls(azure.sim)[0]?.headers["api-key"]).toBe(PRIMARY_KEY);
  });

  test.each([["authentication", "Bearer "], ["api-key", ""]])("works in the %s header", async (header, prefix) => {
    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat, { [header]: `${prefix}${credential()}` });
    expect(response.status).toBe(200);
  });

  test("the API version of the credential is used, else the server's default (2023-05-15)", async () => {
    await proxy.client(`primary-res:gpt-4o|gpt4o-prod:${PRIMARY_KEY}`).chat.completions.create(chat);
    expect(upstreamCalls(azure.sim)[0]?.search).toBe("?api-version=2023-05-15");
  });

  test("GET /v1/models lists the credential's models", async () => {
    const page = await proxy.client(credential(PRIMARY_KEY, "primary-res", "gpt-4o|gpt4o-prod,o3-mini|o3")).models.list();
    expect(page.data.map((m) => m.id)).toEqual(["gpt-4o", "o3-mini"]);
  });

  test("no credential is a 401 in the OpenAI shape", async () => {
    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect(await jsonOf(response)).toEqual({
      error: { message: expect.stringContaining("RESOURCE_ID"), type: "authentication_error", param: null, code: "invalid_api_key" },
    });
  });

  test.each([
    ["another host", credential(PRIMARY_KEY, "evil.example.com")],
    ["an IP address and port", `127.0.0.1:8080:gpt-4o|gpt4o-prod:${PRIMARY_KEY}`],
    ["a metadata address", credential(PRIMARY_KEY, "169.254.169.254")],
    ["user info", credential(PRIMARY_KEY, "primary-res@evil")],
    ["a path in the resource", credential(PRIMARY_KEY, "primary-res/x")],
    ["a path in the deployment", credential(PRIMARY_KEY, "primary-res", "gpt-4o|../../other")],
    ["a query in the deployment", credential(PRIMARY_KEY, "primary-res", "gpt-4o|x?api-version=1")],
  ])("a credential with %s is refused with 401 invalid_api_key and no upstream request", async (_name, value) => {
    const error = await proxy.client(value).chat.completions.create(chat).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("invalid_api_key");
    expect(azure.sim.requests).toHaveLength(0);
  });

  test("Azure's 401 for a client's own wrong key reaches the client as a 401, not a 502", async () => {
    const error = await proxy.client(credential("0000000000000000wrongwrongwrong00")).chat.completions.create(chat).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({ type: "authentication_error", code: "401" });
  });
});

describe("user tokens", () => {
  test("a configured token uses the server's keys; the user is known to the logs", async () => {
    const { response } = await tokens.client(ALICE_TOKEN).chat.completions.create(chat).withResponse();
    const requestId = response.headers.get("x-request-id");
    expect(upstreamCalls(azure.sim)[0]?.headers["api-key"]).toBe(PRIMARY_KEY);
    expect(await tokens.waitForLog((line) => line.requestId === requestId && line.msg === "request")).toMatchObject({ userId: "alice", status: 200 });
  });

  test("a wrong token is a 401 and nothing is sent upstream", async () => {
    const error = await tokens.client("not-a-configured-token").chat.completions.create(chat).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(azure.sim.requests).toHaveLength(0);
  });

  test("a client credential string is refused unless HAIGPT_ALLOW_CLIENT_CREDENTIALS=true", async () => {
    const refused = await tokens.client(credential()).chat.completions.create(chat).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(azure.sim.requests).toHaveLength(0);
    const allowing = await startHaigpt({ ...serverKeyEnv(azure.url), HAIGPT_ALLOW_CLIENT_CREDENTIALS: "true" });
    try {
      const completion = await allowing.client(credential()).chat.completions.create(chat);
      expect(completion.choices[0]?.message.content).toContain("gpt4o-prod");
      expect(await allowing.client(ALICE_TOKEN).chat.completions.create(chat)).toBeTruthy();
    } finally {
      await allowing.stop();
    }
  });
});

describe("anonymous mode", () => {
  test("with HAIGPT_ALLOW_ANONYMOUS=true and no tokens, any client uses the server's keys", async () => {
    const { UserTokens: _unused, ...keysOnly } = serverKeyEnv(azure.url);
    const open = await startHaigpt({ ...keysOnly, HAIGPT_ALLOW_ANONYMOUS: "true" });
    try {
      const completion = await open.client("sk-whatever").chat.completions.create(chat);
      expect(completion.choices[0]?.message.content).toContain("gpt4o-prod");
    } finally {
      await open.stop();
    }
  });
});
