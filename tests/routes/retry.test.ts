import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { ALICE_TOKEN, PRIMARY_KEY, postJson, serverKeyEnv, startHaigpt, startSimulator, upstreamCalls, type Haigpt, type Simulator, jsonOf } from "../support/harness.ts";

let azure: Simulator;
/** Primary key only: every retry stays on one resource. */
let single: Haigpt;
/** Primary and secondary. */
let pair: Haigpt;

beforeAll(async () => {
  azure = await startSimulator();
  const env = serverKeyEnv(azure.url);
  const { SecondaryApiKey: _unused, ...primaryOnly } = env;
  single = await startHaigpt(primaryOnly);
  pair = await startHaigpt(env);
});
afterAll(async () => {
  await single.stop();
  await pair.stop();
  await azure.stop();
});
beforeEach(() => {
  azure.sim.reset();
  single.resetWaits();
  pair.resetWaits();
});

function ask(haigpt: Haigpt, content: string, extra: Record<string, unknown> = {}) {
  return haigpt
    .client()
    .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming)
    .withResponse();
}

describe("retry on one key", () => {
  test.each(["408", "429", "500", "502", "503", "504"])("HTTP %s is retried until Azure answers", async (status) => {
    const { data, response } = await ask(single, `retry me sim:${status}*2`);
    expect(data.choices[0]?.message.content).toContain("retry me");
    expect(response.headers.get("x-haigpt-attempts")).toBe("3");
    expect(response.headers.get("x-haigpt-upstream")).toBe("primary");
    expect(upstreamCalls(azure.sim)).toHaveLength(3);
  });

  test("retry-after-ms is honoured", async () => {
    await ask(single, "throttled sim:429=1234*1");
    expect(single.waits).toEqual([1234]);
  });

  test("retry-after in seconds is honoured", async () => {
    await ask(single, "throttled sim:429s=2*1");
    expect(single.waits).toEqual([2000]);
  });

  test("retry-after as an HTTP date is honoured", async () => {
    await ask(single, "throttled sim:429-date=3*1");
    expect(single.waits).toHaveLength(1);
    expect(single.waits[0]).toBeGreaterThan(1000);
    expect(single.waits[0]).toBeLessThanOrEqual(3000);
  });

  test("without Retry-After, waits back off exponentially (full jitter, random fixed at 0.5)", async () => {
    await ask(single, "failing sim:500*3");
    expect(single.waits).toEqual([250, 500, 1000]);
  });

  test("after the limit, the last status reaches the client in the OpenAI shape, and clients are told not to retry", async () => {
    const error = await ask(single, "always throttled sim:429").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const apiError = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(apiError.status).toBe(429);
    expect(apiError.error).toEqual({ message: expect.stringContaining("exceeded token rate limit"), type: "rate_limit_error", param: null, code: "429" });
    expect(apiError.headers?.get("x-haigpt-attempts")).toBe("4");
    expect(apiError.headers?.get("x-should-retry")).toBe("false");
    expect(upstreamCalls(azure.sim)).toHaveLength(4);
  });

  test("a 5xx given up on keeps Azure's message and gets the OpenAI type", async () => {
    const response = await postJson(`${single.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "sim:503" }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
    expect(response.status).toBe(503);
    const body = await jsonOf(response);
    expect(body.error).toMatchObject({ type: "server_error", param: null });
    expect(Object.keys(body.error).sort()).toEqual(expect.arrayContaining(["code", "message", "param", "type"]));
  });

  test("a 400 from Azure is not retried and keeps Azure's message", async () => {
    // §1.1: Azure refuses an api-version sent in the body instead of the query.
    const response = await postJson(
      `${single.baseURL}/chat/completions`,
      { model: "gpt-4o", "api-version": "2024-10-21", messages: [{ role: "user", content: "hi" }] },
      { authorization: `Bearer ${ALICE_TOKEN}` },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("x-haigpt-attempts")).toBe("1");
    expect((await jsonOf(response)).error).toMatchObject({ message: expect.stringContaining("Unrecognized request argument supplied: api-version"), type: "invalid_request_error" });
    expect(upstreamCalls(azure.sim)).toHaveLength(1);
  });

  test("a 404 DeploymentNotFound for the server's own key is not retried: 502 deployment_not_found, not to be retried", async () => {
    const env = serverKeyEnv(azure.url);
    const local = await startHaigpt({ ...env, PrimaryApiKey: `primary-res:gpt-4o|no-such-deployment:${PRIMARY_KEY}:2024-10-21`, SecondaryApiKey: "" });
    try {
      const response = await postJson(`${local.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
      expect(response.status).toBe(502);
      expect(response.headers.get("x-haigpt-attempts")).toBe("1");
      expect(response.headers.get("x-should-retry")).toBe("false");
      expect((await jsonOf(response)).error).toEqual({
        message: expect.stringContaining('resource "primary-res" has no deployment for this model'),
        type: "server_error",
        param: null,
        code: "deployment_not_found",
      });
      expect(upstreamCalls(azure.sim)).toHaveLength(1);
    } finally {
      await local.stop();
    }
  });

  test("a 401 from Azure for the server's own key is a 502 upstream_auth_failed, logged as an error", async () => {
    const response = await postJson(`${single.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "sim:401" }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
    expect(response.status).toBe(502);
    const body = await jsonOf(response);
    expect(body).toEqual({
      error: { message: expect.stringContaining('Azure key for resource "primary-res" was rejected'), type: "server_error", param: null, code: "upstream_auth_failed" },
    });
    expect(upstreamCalls(azure.sim)).toHaveLength(1);
    expect(single.logs.some((line) => line.level === "error" && line.resource === "primary-res")).toBe(true);
  });

  test("a 403 from Azure for the server's own key is a 502 too", async () => {
    const response = await postJson(`${single.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "sim:403" }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
    expect(response.status).toBe(502);
    expect((await jsonOf(response)).error.code).toBe("upstream_auth_failed");
  });
});

describe("retry across keys", () => {
  test("a throttled primary hands the request to the secondary at once, without waiting", async () => {
    const { data, response } = await ask(pair, "busy sim:429=5000@primary-res");
    expect(data.choices[0]?.message.content).toContain("gpt4o-dr");
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
    expect(response.headers.get("x-haigpt-attempts")).toBe("2");
    expect(pair.waits).toEqual([]);
    expect(upstreamCalls(azure.sim).map((r) => r.resource)).toEqual(["primary-res", "secondary-res"]);
  });

  test("a failing primary (5xx) hands over too", async () => {
    const { response } = await ask(pair, "broken sim:500@primary-res");
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
  });

  test("the retry limit counts attempts on both keys", async () => {
    const error = await ask(pair, "everyone busy sim:429=100").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const resources = upstreamCalls(azure.sim).map((r) => r.resource);
    expect(resources).toEqual(["primary-res", "secondary-res", "primary-res", "secondary-res"]);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("x-haigpt-attempts")).toBe("4");
  });

  test("HAIGPT_MAX_RETRIES=0 makes one attempt only", async () => {
    const env = serverKeyEnv(azure.url);
    const none = await startHaigpt({ ...env, HAIGPT_MAX_RETRIES: "0" });
    try {
      const error = await ask(none, "sim:500").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect(upstreamCalls(azure.sim)).toHaveLength(1);
      expect((error as InstanceType<typeof OpenAI.InternalServerError>).headers?.get("x-should-retry")).toBeNull();
    } finally {
      await none.stop();
    }
  });
});

describe("connection failures and timeouts", () => {
  test("an unreachable Azure is retried, then answered with 502", async () => {
    const closed = await startSimulator();
    const url = closed.url;
    await closed.stop();
    const env = serverKeyEnv(url);
    const { SecondaryApiKey: _unused, ...primaryOnly } = env;
    const local = await startHaigpt({ ...primaryOnly, HAIGPT_MAX_RETRIES: "2" });
    try {
      const response = await postJson(`${local.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
      expect(response.status).toBe(502);
      expect(response.headers.get("x-haigpt-attempts")).toBe("3");
      expect((await jsonOf(response)).error).toMatchObject({ type: "server_error", code: "upstream_unreachable" });
      expect(local.waits).toHaveLength(2);
    } finally {
      await local.stop();
    }
  });

  test("an attempt that does not answer within the first-byte timeout is abandoned and retried; at the end, 504", async () => {
    const env = serverKeyEnv(azure.url);
    const { SecondaryApiKey: _unused, ...primaryOnly } = env;
    const local = await startHaigpt({ ...primaryOnly, HAIGPT_MAX_RETRIES: "1", HAIGPT_FIRST_BYTE_TIMEOUT_MS: "150" });
    try {
      const response = await postJson(`${local.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "sim:hang" }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
      expect(response.status).toBe(504);
      expect((await jsonOf(response)).error.code).toBe("upstream_timeout");
      expect(response.headers.get("x-haigpt-attempts")).toBe("2");
      // Both abandoned attempts were closed, not left running against Azure.
      await azure.sim.waitForAbort((r) => r.seq === 1);
      await azure.sim.waitForAbort((r) => r.seq === 2);
    } finally {
      await local.stop();
    }
  });

  test("a slow attempt is retried and the retry's answer is used", async () => {
    const env = serverKeyEnv(azure.url);
    const local = await startHaigpt({ ...env, HAIGPT_FIRST_BYTE_TIMEOUT_MS: "150" });
    try {
      const { data, response } = await ask(local, "sim:hang@primary-res");
      expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
      expect(data.choices[0]?.message.content).toContain("gpt4o-dr");
    } finally {
      await local.stop();
    }
  });
});
