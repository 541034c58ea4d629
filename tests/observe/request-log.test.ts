import { describe, expect, test } from "bun:test";
import { ALICE_TOKEN, PRIMARY_KEY, postJson, serverKeyEnv, startHaigpt, useServerKeyServers } from "../support/harness.ts";

const servers = useServerKeyServers({ resetEach: true });

const alice = { authorization: `Bearer ${ALICE_TOKEN}` };
const ask = (content: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = alice) =>
  postJson(`${servers.haigpt.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content }], ...extra }, headers);

/** Every log line of one request (there must be exactly one once it has ended). */
async function linesOf(response: Response): Promise<Record<string, unknown>[]> {
  await response.arrayBuffer();
  const requestId = response.headers.get("x-request-id");
  await servers.haigpt.waitForLog((line) => line.requestId === requestId);
  return servers.haigpt.logs.filter((line) => line.requestId === requestId);
}

describe("one log line per request", () => {
  test("a success: who, what, where, usage and timings, at info", async () => {
    const lines = await linesOf(await ask("hello"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "info", msg: "request", method: "POST", path: "/v1/chat/completions", mode: "user", userId: "alice",
      model: "gpt-4o", upstream: "primary", resource: "primary-res", deployment: "gpt4o-prod", status: 200,
      attempts: [{ upstream: "primary", status: 200, outcome: "ok" }],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
      ttfbMs: expect.any(Number), durationMs: expect.any(Number),
    });
  });

  test("a failed request writes exactly one line, at error, with every attempt and its wait", async () => {
    const { SecondaryApiKey: _unused, ...env } = serverKeyEnv(servers.azure.url);
    const single = await startHaigpt({ ...env, HAIGPT_MAX_RETRIES: "1" });
    try {
      const response = await postJson(`${single.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "sim:503" }] }, alice);
      expect(response.status).toBe(503);
      const requestId = response.headers.get("x-request-id");
      await single.waitForLog((line) => line.requestId === requestId);
      const lines = single.logs.filter((line) => line.requestId === requestId);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: "error", status: 503, attemptCount: 2,
        attempts: [{ upstream: "primary", status: 503, outcome: "server_error", waitMs: expect.any(Number) }, { upstream: "primary", status: 503 }],
      });
    } finally {
      await single.stop();
    }
  });

  test("a failover says why", async () => {
    const lines = await linesOf(await ask("sim:500@primary-res"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 200, upstream: "secondary", failover: "server_error" });
  });

  test("a request refused before any attempt has its line too, with the error's code", async () => {
    const lines = await linesOf(await ask("hi", {}, { authorization: "Bearer wrong-token-0000000000" }));
    expect(lines).toEqual([expect.objectContaining({ level: "warn", status: 401, code: "invalid_api_key", path: "/v1/chat/completions" })]);
    expect(JSON.stringify(lines)).not.toContain("wrong-token-0000000000");
  });

  test("a stream's line is written when it ends, with how it ended and the usage Azure reported", async () => {
    // stream_options needs a preview api-version.
    const preview = await startHaigpt(serverKeyEnv(servers.azure.url, "2025-03-01-preview"));
    try {
      const response = await postJson(`${preview.baseURL}/chat/completions`, {
        model: "gpt-4o", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "stream me" }],
      }, alice);
      await response.text();
      const requestId = response.headers.get("x-request-id");
      const line = await preview.waitForLog((entry) => entry.requestId === requestId);
      expect(preview.logs.filter((entry) => entry.requestId === requestId)).toHaveLength(1);
      expect(line).toMatchObject({ status: 200, stream: "completed", usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
      expect(line.contentFilter).toBeUndefined();
    } finally {
      await preview.stop();
    }
  });

  test("a client's oversized model name is cut in the line", async () => {
    const lines = await linesOf(await postJson(`${servers.haigpt.baseURL}/chat/completions`, { model: "m".repeat(100_000), messages: [] }, alice));
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines[0]).length).toBeLessThan(2_000);
  });

  test("no key or token appears in any line", () => {
    const everything = JSON.stringify(servers.haigpt.logs);
    expect(everything).not.toContain(PRIMARY_KEY);
    expect(everything).not.toContain(ALICE_TOKEN);
  });
});
