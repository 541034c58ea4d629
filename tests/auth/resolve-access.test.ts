import { describe, expect, test } from "bun:test";
import { createAccessResolver } from "../../src/auth/resolve-access.ts";
import { ProxyError } from "../../src/errors/openai-error.ts";
import { configFrom } from "../support/config.ts";

import { RESOLVE_CLIENT_KEY as CLIENT_KEY, RESOLVE_SERVER_KEY as SERVER_KEY } from "../support/secrets.ts";
const TOKEN = "alice-token-0123456789";
const serverEnv = {
  PrimaryApiKey: `gpt1:gpt-4o|gpt4o-prod:${SERVER_KEY}`,
  SecondaryApiKey: `gpt2:gpt-4o|gpt4o-dr:${SERVER_KEY}`,
  UserTokens: `alice|${TOKEN},bob|bob-token-0123456789`,
};
const clientCredential = `myres:gpt-4o|my-dep:${CLIENT_KEY}:2024-10-21`;

function refusal(resolve: (h: Headers) => unknown, headers: Record<string, string>): ProxyError {
  try {
    resolve(new Headers(headers));
  } catch (error) {
    if (error instanceof ProxyError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("user-token mode", async () => {
  const resolve = createAccessResolver(await configFrom(serverEnv));

  test.each([
    ["Authorization: Bearer", { authorization: `Bearer ${TOKEN}` }],
    ["Authentication: Bearer (the original design's spelling)", { authentication: `Bearer ${TOKEN}` }],
    ["api-key", { "api-key": TOKEN }],
  ])("a configured token in %s uses the server's keys", (_name, headers) => {
    const access = resolve(new Headers(headers));
    expect(access).toMatchObject({ mode: "user", userId: "alice", keys: { serverOwned: true } });
    expect(access.keys.upstreams.map((u) => [u.name, u.resourceId, u.priority])).toEqual([["primary", "gpt1", 0], ["secondary", "gpt2", 1]]);
  });

  test("the first present header counts, in the order Authorization, Authentication, api-key", () => {
    const access = resolve(new Headers({ authorization: "Bearer bob-token-0123456789", "api-key": TOKEN }));
    expect(access).toMatchObject({ userId: "bob" });
    expect(refusal(resolve, { authorization: "Bearer wrong-token-000000", "api-key": TOKEN }).status).toBe(401);
  });

  test("a missing or wrong token is a 401 in the OpenAI shape, with the token masked", () => {
    const missing = refusal(resolve, {});
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: { message: expect.stringContaining("Missing credentials"), type: "authentication_error", param: null, code: "invalid_api_key" } });
    const wrong = refusal(resolve, { authorization: "Bearer sk-wrongwrongwrongwrong1234" });
    expect(wrong.message).toContain("sk-w…1234");
    expect(wrong.message).not.toContain("sk-wrongwrongwrongwrong1234");
    expect(wrong.headers["www-authenticate"]).toContain("Bearer");
  });

  test("a client credential string is refused unless allowed", async () => {
    const refused = refusal(resolve, { authorization: `Bearer ${clientCredential}` });
    expect(refused.status).toBe(401);
    expect(refused.message).toContain("does not accept Azure credentials from clients");
    expect(refused.message).not.toContain(CLIENT_KEY);
    const allowing = createAccessResolver(await configFrom({ ...serverEnv, HAIGPT_ALLOW_CLIENT_CREDENTIALS: "true" }));
    const access = allowing(new Headers({ authorization: `Bearer ${clientCredential}` }));
    expect(access).toMatchObject({ mode: "client", keys: { serverOwned: false } });
    expect(access.keys.upstreams).toHaveLength(1);
    expect(access.keys.upstreams[0]).toMatchObject({ name: "primary", resourceId: "myres", auth: { type: "apiKey", apiKey: CLIENT_KEY }, apiVersion: "2024-10-21" });
  });
});

describe("anonymous mode", async () => {
  const resolve = createAccessResolver(await configFrom({ PrimaryApiKey: serverEnv.PrimaryApiKey, HAIGPT_ALLOW_ANONYMOUS: "true" }));
  test("any request uses the server's keys, with or without a key of its own", () => {
    expect(resolve(new Headers())).toMatchObject({ mode: "anonymous", keys: { serverOwned: true } });
    expect(resolve(new Headers({ authorization: "Bearer sk-anything" }))).toMatchObject({ mode: "anonymous" });
  });
});

describe("pure proxy mode", async () => {
  const resolve = createAccessResolver(await configFrom({ HAIGPT_AZURE_ENDPOINT: "https://{resourceId}.openai.azure.us" }));

  test.each([
    ["Authorization", { authorization: `Bearer ${clientCredential}` }],
    ["Authentication", { authentication: `Bearer ${clientCredential}` }],
    ["api-key", { "api-key": clientCredential }],
  ])("the credential string in %s is the key to use", (_name, headers) => {
    const access = resolve(new Headers(headers));
    expect(access).toMatchObject({ mode: "client", keys: { serverOwned: false } });
    expect(access.keys.upstreams).toHaveLength(1);
    expect(access.keys.upstreams[0]).toMatchObject({
      name: "primary",
      resourceId: "myres",
      auth: { type: "apiKey", apiKey: CLIENT_KEY },
      apiVersion: "2024-10-21",
      endpoint: "https://myres.openai.azure.us",
      deployments: { "gpt-4o": "my-dep" },
    });
  });

  test("no credential is a 401 that shows the expected format", () => {
    expect(refusal(resolve, {}).message).toContain("RESOURCE_ID:MODEL|DEPLOYMENT");
  });

  test.each([
    ["a host name", `evil.example.com:gpt-4o|d:${CLIENT_KEY}`, "RESOURCE_ID"],
    ["an IP address", `169.254.169.254:gpt-4o|d:${CLIENT_KEY}`, "RESOURCE_ID"],
    ["user info", `x@evil:gpt-4o|d:${CLIENT_KEY}`, "RESOURCE_ID"],
    ["a fragment", `x#y:gpt-4o|d:${CLIENT_KEY}`, "RESOURCE_ID"],
    ["a deployment with a path", `myres:gpt-4o|../../admin:${CLIENT_KEY}`, "deployment"],
    ["a deployment with a query", `myres:gpt-4o|d?x=1:${CLIENT_KEY}`, "deployment"],
    ["too few parts", "justakey", "expected"],
  ])("a credential with %s is refused with invalid_api_key, naming the part", (_name, credential, part) => {
    const error = refusal(resolve, { authorization: `Bearer ${credential}` });
    expect(error.status).toBe(401);
    expect(error.code).toBe("invalid_api_key");
    expect(error.message).toContain(part);
    expect(error.message).not.toContain(CLIENT_KEY);
  });
});

test("a user's access carries the token's limits and nothing else of it (never the token)", () => {
  const config = {
    primary: { resourceId: "gpt1", apiKey: "k", deployments: { "gpt-4o": "d" } },
    secondary: null,
    upstreams: [],
    sources: { primary: null, secondary: null },
    allowClientCredentials: false,
    userTokens: [{ userId: "alice", token: TOKEN, models: ["gpt-4o"], rpm: 5 }, { userId: "bob", token: "bob-token-0123456789" }],
  } as unknown as Parameters<typeof createAccessResolver>[0];
  const resolve = createAccessResolver(config);
  const alice = resolve(new Headers({ authorization: `Bearer ${TOKEN}` }));
  expect(alice).toMatchObject({ mode: "user", userId: "alice", limits: { models: ["gpt-4o"], rpm: 5 } });
  expect(JSON.stringify(alice)).not.toContain(TOKEN);
  expect(resolve(new Headers({ authorization: "Bearer bob-token-0123456789" }))).toMatchObject({ limits: {} });
});
