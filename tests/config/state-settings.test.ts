import { afterAll, expect, test } from "bun:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { makeTempDir } from "../support/temp-files.ts";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const load = (env: Record<string, string>, argv: string[] = []) => loadConfig({ env, argv, defaultConfigPath: "/nonexistent/haigpt/config.json" });
const base = {
  primaryApiKey: { resourceId: "gpt1", deployment: { "gpt-4o": "gpt4o-prod" }, apiKey: "11112222333344445555666677778888" },
  userTokens: [{ userId: "alice", token: "alice-token-0123456789" }],
};
const REDIS_PASSWORD = "s3cret-redis-password-0123";

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

test("user tokens carry models, rpm, tpm, maxConcurrent and monthlyTokens", async () => {
  const limits = { models: ["gpt-4o"], rpm: 60, tpm: 200_000, maxConcurrent: 4, monthlyTokens: 5_000_000 };
  const path = tmp.write("limits.json", { ...base, userTokens: [{ userId: "alice", token: "alice-token-0123456789", ...limits }] });
  const { config, warnings } = await load({}, ["--config", path]);
  expect(config.userTokens).toEqual([{ userId: "alice", token: "alice-token-0123456789", ...limits }]);
  expect(Object.isFrozen(config.userTokens[0]!.models)).toBe(true);
  expect(warnings).toEqual([]);
});

test.each([
  [{ rpm: 0 }, "userTokens.0.rpm", /at least 1/],
  [{ tpm: 1.5 }, "userTokens.0.tpm", /whole number/],
  [{ maxConcurrent: "4" }, "userTokens.0.maxConcurrent", /whole number/],
  [{ monthlyTokens: -1 }, "userTokens.0.monthlyTokens", /at least 1/],
  [{ models: [] }, "userTokens.0.models", /./],
  [{ models: ["gpt-4o", ""] }, "userTokens.0.models.1", /empty/],
])("a bad limit %j is refused naming the field", async (limit, field, detail) => {
  const path = tmp.write("bad-limit.json", { ...base, userTokens: [{ userId: "alice", token: "alice-token-0123456789", ...limit }] });
  const error = await configError(load({}, ["--config", path]));
  expect(error.source).toBe(`config file ${path}`);
  expect(error.field).toBe(field);
  expect(error.message).toMatch(detail);
  expect(error.message).not.toContain("alice-token-0123456789");
});

test("no Redis and ./data by default; redisUrl and dataDir from the file, the variables win", async () => {
  const path = tmp.write("state.json", { ...base, redisUrl: "redis://127.0.0.1:6380", dataDir: "/var/lib/haigpt" });
  expect((await load({}, ["--config", tmp.write("plain.json", base)])).config).toMatchObject({ redisUrl: null, dataDir: "./data" });
  expect((await load({}, ["--config", path])).config).toMatchObject({ redisUrl: "redis://127.0.0.1:6380", dataDir: "/var/lib/haigpt" });
  const fromEnv = await load({ HAIGPT_REDIS_URL: "rediss://cache.example:6380/2", HAIGPT_DATA_DIR: "/tmp/haigpt" }, ["--config", path]);
  expect(fromEnv.config).toMatchObject({ redisUrl: "rediss://cache.example:6380/2", dataDir: "/tmp/haigpt" });
});

test("a redisUrl that is not a Redis URL is refused naming its source, never quoting it", async () => {
  const bad = `http://user:${REDIS_PASSWORD}@127.0.0.1:6379`;
  const fromEnv = await configError(load({ HAIGPT_REDIS_URL: bad }, ["--config", tmp.write("env.json", base)]));
  expect(fromEnv.source).toBe("environment variable HAIGPT_REDIS_URL");
  expect(fromEnv.message).toContain("redis://");
  expect(fromEnv.message).not.toContain(REDIS_PASSWORD);
  const path = tmp.write("bad-redis.json", { ...base, redisUrl: bad });
  const fromFile = await configError(load({}, ["--config", path]));
  expect(fromFile.field).toBe("redisUrl");
  expect(fromFile.message).not.toContain(REDIS_PASSWORD);
});
