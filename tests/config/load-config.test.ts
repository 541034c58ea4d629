import { afterAll, describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { makeTempDir } from "../support/temp-files.ts";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const NO_DEFAULT = "/nonexistent/haigpt/config.json";
const load = (env: Record<string, string>, argv: string[] = []) => loadConfig({ env, argv, defaultConfigPath: NO_DEFAULT });

import { CONFIG_KEY as PRIMARY_KEY } from "../support/secrets.ts";
const fileConfig = {
  primaryApiKey: { resourceId: "gpt1", deployment: { "gpt-4o": "gpt4o-prod", "*": "gpt35" }, apiKey: PRIMARY_KEY },
  secondaryApiKey: {
    resourceId: "gpt2",
    deployment: { "gpt-4o": "gpt4o-dr" },
    apiKey: "aaaabbbbccccddddeeeeffff00001111",
    apiVersion: "2024-10-21",
    endpoint: "https://gpt2.openai.azure.cn/",
  },
  userTokens: [{ userId: "alice", token: "alice-token-0123456789" }],
  maxRetries: 5,
  port: 8080,
};

async function expectConfigError(promise: Promise<unknown>, source: RegExp, field: string | null) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).source).toMatch(source);
  expect((error as ConfigError).field).toBe(field);
  return error as ConfigError;
}

describe("config.json", () => {
  test("reads keys, tokens and settings in the original format, with defaults filled in", async () => {
    const path = tmp.write("full.json", fileConfig);
    const { config } = await load({}, ["--config", path]);
    expect(config.primary).toEqual({
      resourceId: "gpt1",
      apiKey: PRIMARY_KEY,
      apiVersion: "2023-05-15",
      endpoint: "https://gpt1.openai.azure.com",
      deployments: { "gpt-4o": "gpt4o-prod", "*": "gpt35" },
    });
    expect(config.secondary?.endpoint).toBe("https://gpt2.openai.azure.cn");
    expect(config.secondary?.apiVersion).toBe("2024-10-21");
    expect(config.userTokens).toEqual([{ userId: "alice", token: "alice-token-0123456789" }]);
    expect(config.maxRetries).toBe(5);
    expect(config.port).toBe(8080);
    expect(config.retryBaseMs).toBe(500);
    expect(config.sources).toEqual({ primary: `config file ${path}`, secondary: `config file ${path}`, userTokens: `config file ${path}` });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test("HAIGPT_CONFIG names the file; --config=PATH wins over it", async () => {
    const a = tmp.write("a.json", { ...fileConfig, port: 1111 });
    const b = tmp.write("b.json", { ...fileConfig, port: 2222 });
    expect((await load({ HAIGPT_CONFIG: a })).config.port).toBe(1111);
    expect((await load({ HAIGPT_CONFIG: a }, [`--config=${b}`])).config.port).toBe(2222);
  });

  test("./config.json is read when present and nothing names a file", async () => {
    const path = tmp.write("default.json", fileConfig);
    const { config } = await loadConfig({ env: {}, argv: [], defaultConfigPath: path });
    expect(config.configPath).toBe(path);
  });

  test.each([
    ["unreadable", null, null, /cannot read the file/],
    ["not JSON", "{ not json", null, /not valid JSON/],
    ["wrong type", { ...fileConfig, maxRetries: "three" }, "maxRetries", /whole number/],
    ["key without apiKey", { ...fileConfig, primaryApiKey: { resourceId: "gpt1", deployment: { a: "b" } } }, "primaryApiKey.apiKey", /required/],
    ["key without resourceId", { ...fileConfig, primaryApiKey: { deployment: { a: "b" }, apiKey: "k" } }, "primaryApiKey.resourceId", /required/],
    ["key without deployment", { ...fileConfig, secondaryApiKey: { resourceId: "gpt2", apiKey: "k" } }, "secondaryApiKey.deployment", /required/],
    ["resource id with a dot", { ...fileConfig, primaryApiKey: { ...fileConfig.primaryApiKey, resourceId: "evil.com" } }, "primaryApiKey.resourceId", /resource name/],
    ["deployment with a slash", { ...fileConfig, primaryApiKey: { ...fileConfig.primaryApiKey, deployment: { m: "a/b" } } }, "primaryApiKey.deployment.m", /path segment/],
    ["a model name with a space", { ...fileConfig, primaryApiKey: { ...fileConfig.primaryApiKey, deployment: { "gpt 4o": "dep" } } }, "primaryApiKey.deployment", /entry 1 must map a model name/],
    ["the key as a model name", { ...fileConfig, primaryApiKey: { ...fileConfig.primaryApiKey, deployment: { m: "d", [PRIMARY_KEY]: "dep" } } }, "primaryApiKey.deployment", /entry 2 must map a model name/],
    ["the key as a deployment", { ...fileConfig, primaryApiKey: { ...fileConfig.primaryApiKey, deployment: { m: PRIMARY_KEY } } }, "primaryApiKey.deployment.m", /path segment/],
    ["bad endpoint", { ...fileConfig, primaryApiKey: { ...fileConfig.primaryApiKey, endpoint: "ftp://x" } }, "primaryApiKey.endpoint", /http/],
    ["bad api version", { ...fileConfig, apiVersion: "latest-and-greatest" }, "apiVersion", /api-version/],
    ["token without userId", { ...fileConfig, userTokens: [{ token: "t" }] }, "userTokens.0.userId", /required/],
  ])("stops on a bad file (%s), naming the file and the field", async (_name, content, field, detail) => {
    const path = content === null ? `${tmp.dir}/missing.json` : tmp.write(`bad-${_name.replaceAll(" ", "-")}.json`, content as object);
    const error = await expectConfigError(load({}, ["--config", path]), new RegExp(`config file ${path}`), field);
    expect(error.message).toMatch(detail);
    expect(error.message).toContain(path);
    expect(error.message).not.toContain(PRIMARY_KEY);
  });

  test("unknown top-level fields are reported as warnings, not ignored silently", async () => {
    const path = tmp.write("unknown.json", { ...fileConfig, maxRetry: 2 });
    const { warnings } = await load({}, ["--config", path]);
    expect(warnings).toEqual([`config file ${path}: unknown field "maxRetry" is ignored`]);
  });
});

describe("environment variables", () => {
  const env = {
    PrimaryApiKey: `gpt1:gpt-4o|gpt4o-prod:${PRIMARY_KEY}:2024-10-21`,
    SecondaryApiKey: "gpt2:gpt-4o|gpt4o-dr:aaaabbbbccccddddeeeeffff00001111",
    UserTokens: "alice|alice-token-0123456789,bob|bob-token-0123456789",
  };

  test("read keys and tokens in the original formats", async () => {
    const { config } = await load(env);
    expect(config.primary).toMatchObject({ resourceId: "gpt1", apiVersion: "2024-10-21", deployments: { "gpt-4o": "gpt4o-prod" } });
    expect(config.secondary).toMatchObject({ resourceId: "gpt2", apiVersion: "2023-05-15" });
    expect(config.userTokens.map((u) => u.userId)).toEqual(["alice", "bob"]);
    expect(config.sources).toEqual({
      primary: "environment variable PrimaryApiKey",
      secondary: "environment variable SecondaryApiKey",
      userTokens: "environment variable UserTokens",
    });
  });

  test("each variable replaces the file's whole corresponding part, and says so", async () => {
    const path = tmp.write("merge.json", fileConfig);
    const { config } = await load({ PrimaryApiKey: env.PrimaryApiKey, HAIGPT_MAX_RETRIES: "1" }, ["--config", path]);
    expect(config.primary?.deployments).toEqual({ "gpt-4o": "gpt4o-prod" }); // the file's "*" is gone with the file's key
    expect(config.sources.primary).toBe("environment variable PrimaryApiKey");
    expect(config.secondary?.resourceId).toBe("gpt2");
    expect(config.sources.secondary).toBe(`config file ${path}`);
    expect(config.maxRetries).toBe(1);
    expect(config.port).toBe(8080);
  });

  test("settings: variables are converted and checked", async () => {
    const { config } = await load({
      ...env,
      PORT: "4000",
      HOST: "127.0.0.1",
      HAIGPT_RETRY_BASE_MS: "10",
      HAIGPT_RETRY_MAX_DELAY_MS: "20",
      HAIGPT_FIRST_BYTE_TIMEOUT_MS: "30",
      HAIGPT_API_VERSION: "2024-10-21",
      HAIGPT_AZURE_ENDPOINT: "http://127.0.0.1:9/{resourceId}",
      HAIGPT_ALLOW_CLIENT_CREDENTIALS: "true",
    });
    expect(config).toMatchObject({ port: 4000, host: "127.0.0.1", retryBaseMs: 10, retryMaxDelayMs: 20, firstByteTimeoutMs: 30, allowClientCredentials: true });
    expect(config.secondary?.apiVersion).toBe("2024-10-21");
    expect(config.primary?.endpoint).toBe("http://127.0.0.1:9/gpt1");
  });

  test("the timeouts and the connection limit: defaults, and variables that set them", async () => {
    const defaults = (await load(env)).config;
    expect(defaults).toMatchObject({ streamIdleTimeoutMs: 120_000, requestTimeoutMs: 600_000, maxUpstreamConnections: 4096 });
    const { config } = await load({
      ...env,
      HAIGPT_STREAM_IDLE_TIMEOUT_MS: "5000",
      HAIGPT_REQUEST_TIMEOUT_MS: "90000",
      HAIGPT_MAX_UPSTREAM_CONNECTIONS: "2000",
    });
    expect(config).toMatchObject({ streamIdleTimeoutMs: 5000, requestTimeoutMs: 90_000, maxUpstreamConnections: 2000 });
  });

  test.each([
    ["HAIGPT_MAX_RETRIES", "many", /whole number/],
    ["HAIGPT_MAX_RETRIES", "99", /at most 20 \(got 99\)/],
    ["PORT", "70000", /at most 65535/],
    ["HAIGPT_MAX_UPSTREAM_CONNECTIONS", "100000", /at most 65535/],
    ["HAIGPT_STREAM_IDLE_TIMEOUT_MS", "0", /at least 1/],
    ["HAIGPT_ALLOW_ANONYMOUS", "perhaps", /true or false/],
    ["HAIGPT_AZURE_ENDPOINT", "not a url", /URL/],
    ["HAIGPT_API_VERSION", "someday", /api-version/],
  ])("a bad %s stops start-up naming the variable", async (name, value, detail) => {
    const error = await expectConfigError(load({ ...env, [name]: value }), new RegExp(`environment variable ${name}`), null);
    expect(error.message).toMatch(detail);
  });

  test("a malformed credential string names the variable and the part, never the key", async () => {
    const error = await expectConfigError(load({ ...env, PrimaryApiKey: `evil.com/x:gpt-4o:${PRIMARY_KEY}` }), /environment variable PrimaryApiKey/, null);
    expect(error.message).toContain("RESOURCE_ID");
    expect(error.message).not.toContain(PRIMARY_KEY);
  });

  test("a malformed UserTokens entry is named by position, never quoted", async () => {
    const error = await expectConfigError(load({ ...env, UserTokens: "alice|t1-aaaaaaaaaaaa,secret-without-user" }), /UserTokens/, null);
    expect(error.message).toContain("entry 2");
    expect(error.message).not.toContain("secret-without-user");
  });

  test("two users with one token is refused", async () => {
    await expectConfigError(load({ ...env, UserTokens: "alice|same-token-123,bob|same-token-123" }), /UserTokens/, null);
  });
});

describe("access configuration", () => {
  test("nothing configured: a pure proxy", async () => {
    const { config } = await load({});
    expect(config.primary).toBeNull();
    expect(config.userTokens).toEqual([]);
  });

  test("user tokens without Azure keys are refused: the tokens would have nothing to use", async () => {
    const error = await expectConfigError(load({ UserTokens: "alice|alice-token-0123456789" }), /UserTokens/, null);
    expect(error.message).toMatch(/no Azure key/);
  });

  test("Azure keys without user tokens are refused as an open relay, unless anonymous use is allowed", async () => {
    const primary = `gpt1:gpt-4o:${PRIMARY_KEY}`;
    const error = await expectConfigError(load({ PrimaryApiKey: primary }), /PrimaryApiKey/, null);
    expect(error.message).toMatch(/anyone who can reach this server/);
    expect(error.message).toContain("HAIGPT_ALLOW_ANONYMOUS");
    const { config } = await load({ PrimaryApiKey: primary, HAIGPT_ALLOW_ANONYMOUS: "true" });
    expect(config.allowAnonymous).toBe(true);
  });

  test("a secondary without a primary is refused", async () => {
    await expectConfigError(load({ SecondaryApiKey: `gpt2:gpt-4o:${PRIMARY_KEY}`, HAIGPT_ALLOW_ANONYMOUS: "true" }), /SecondaryApiKey/, null);
  });
});
