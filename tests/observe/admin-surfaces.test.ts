import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ALICE_TOKEN, BOB_TOKEN, PRIMARY_KEY, postJson, serverKeyEnv, startHaigpt, startSimulator, type Haigpt, type Simulator } from "../support/harness.ts";

import { ADMIN_TOKEN } from "../support/secrets.ts";

let azure: Simulator;
let haigpt: Haigpt;
beforeAll(async () => {
  azure = await startSimulator();
  haigpt = await startHaigpt({ ...serverKeyEnv(azure.url), HAIGPT_ADMIN_TOKEN: ADMIN_TOKEN });
});
afterAll(async () => {
  await haigpt.stop();
  await azure.stop();
});

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const chat = (url: string, token: string, content = "hello", model = "gpt-4o") =>
  postJson(`${url}/v1/chat/completions`, { model, messages: [{ role: "user", content }] }, { authorization: `Bearer ${token}` });

describe("admin surfaces", () => {
  test("hidden (404, OpenAI-shaped) when no admin token is configured", async () => {
    const plain = await startHaigpt(serverKeyEnv(azure.url));
    try {
      for (const path of ["/metrics", "/admin/usage"]) {
        const response = await fetch(`${plain.url}${path}`, { headers: admin });
        expect(response.status).toBe(404);
        expect(((await response.json()) as any).error.code).toBe("unknown_url");
      }
    } finally {
      await plain.stop();
    }
  });

  test.each([["no token", {}], ["a user's token", { authorization: `Bearer ${ALICE_TOKEN}` }], ["a wrong one", { authorization: `Bearer ${ADMIN_TOKEN}x` }]])(
    "401 with %s",
    async (_name, headers) => {
      for (const path of ["/metrics", "/admin/usage"]) {
        const response = await fetch(`${haigpt.url}${path}`, { headers });
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ error: { type: "authentication_error", code: "invalid_admin_token" } });
      }
    },
  );

  test("GET /admin/usage: requests and tokens per user and model asked for", async () => {
    await chat(haigpt.url, ALICE_TOKEN);
    await chat(haigpt.url, ALICE_TOKEN);
    await chat(haigpt.url, BOB_TOKEN);
    const report: any = await (await fetch(`${haigpt.url}/admin/usage`, { headers: admin })).json();
    const alice = report.users.alice["gpt-4o"];
    expect(alice.requests).toBe(2);
    expect(alice.prompt_tokens).toBeGreaterThan(0);
    expect(alice.completion_tokens).toBeGreaterThan(0);
    expect(alice.total_tokens).toBe(alice.prompt_tokens + alice.completion_tokens);
    expect(report.users.bob["gpt-4o"].requests).toBe(1);
  });

  test("GET /metrics: Prometheus text with requests, attempts, failovers, retries, histograms, tokens and gauges", async () => {
    await chat(haigpt.url, ALICE_TOKEN, "sim:500@primary-res");
    const response = await fetch(`${haigpt.url}/metrics`, { headers: admin });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/plain");
    const text = await response.text();
    expect(text).toContain('haigpt_requests_total{model="gpt-4o",upstream="secondary",status="200"}');
    expect(text).toMatch(/haigpt_upstream_attempts_total\{upstream="primary",outcome="server_error"\} [1-9]/);
    expect(text).toMatch(/haigpt_failovers_total\{reason="server_error"\} [1-9]/);
    expect(text).toMatch(/haigpt_retries_total\{reason="server_error"\} [1-9]/);
    expect(text).toContain("haigpt_request_duration_seconds_bucket");
    expect(text).toContain("haigpt_time_to_first_byte_seconds_bucket");
    expect(text).toMatch(/haigpt_tokens_total\{user="alice",model="gpt-4o",kind="prompt"\} [1-9]/);
    // The scrape itself is in flight while it is answered.
    expect(text).toMatch(/haigpt_requests_in_flight [1-9]/);
    expect(text).toContain("haigpt_streams_open 0");
    for (const secret of [ADMIN_TOKEN, ALICE_TOKEN, PRIMARY_KEY]) expect(text).not.toContain(secret);
    expect(JSON.stringify(haigpt.logs)).not.toContain(ADMIN_TOKEN);
    expect(haigpt.logs.find((line) => String(line.msg).startsWith("haigpt listening"))?.admin).toStartWith("on");
  });

  test("pure-proxy traffic counts under proxy:<resource>, anonymous traffic under anonymous", async () => {
    const { UserTokens: _unused, ...anonymousEnv } = serverKeyEnv(azure.url);
    const anonymous = await startHaigpt({ ...anonymousEnv, HAIGPT_ALLOW_ANONYMOUS: "true", HAIGPT_ALLOW_CLIENT_CREDENTIALS: "true", HAIGPT_ADMIN_TOKEN: ADMIN_TOKEN });
    try {
      await chat(anonymous.url, "anything");
      await chat(anonymous.url, `secondary-res:gpt-4o|gpt4o-dr:${"e5e5e5e5f6f6f6f6a7a7a7a7b8b8b8b8"}:2024-10-21`);
      const report: any = await (await fetch(`${anonymous.url}/admin/usage`, { headers: admin })).json();
      expect(report.users.anonymous["gpt-4o"].requests).toBe(1);
      expect(report.users["proxy:secondary-res"]["gpt-4o"].requests).toBe(1);
    } finally {
      await anonymous.stop();
    }
  });
});

describe("health", () => {
  test("/healthz is alive and /readyz is ready, without a token", async () => {
    expect(await (await fetch(`${haigpt.url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${haigpt.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      state: { kind: "memory", serving: "memory", degraded: false, degradedSince: null, reason: null },
    });
  });
});
