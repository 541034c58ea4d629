/**
 * Per-user limits through the real server and the simulator, with the embedded store: the models
 * allow-list, rpm, tpm (estimated with the tokenizer, settled with the real usage), maxConcurrent,
 * monthlyTokens, the rate-limit headers on every answer, and limits and usage surviving a restart.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { openStateStore } from "../../src/state/open-store.ts";
import { ALICE_TOKEN, BOB_TOKEN, postJson, serverKeyEnv, startHaigpt, startSimulator, type Haigpt, type Simulator } from "../support/harness.ts";
import { join } from "node:path";
import { makeTempDir } from "../support/temp-files.ts";

import { SERVER_ADMIN_TOKEN as ADMIN_TOKEN } from "../support/secrets.ts";
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

let azure: Simulator;
const temp = makeTempDir();
const running: Haigpt[] = [];
beforeAll(async () => {
  azure = await startSimulator();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});
afterAll(async () => {
  await azure.stop();
  temp.cleanup();
});

/** haigpt with alice limited as given and bob unlimited, from a config.json (limits live only there). */
async function withLimits(alice: Record<string, unknown>, options: Parameters<typeof startHaigpt>[1] = {}): Promise<Haigpt> {
  const { UserTokens: _tokens, ...env } = serverKeyEnv(azure.url);
  const path = temp.write(`config-${crypto.randomUUID()}.json`, {
    userTokens: [{ userId: "alice", token: ALICE_TOKEN, ...alice }, { userId: "bob", token: BOB_TOKEN }],
  });
  // The embedded store, as users run it: SQLite in a data directory of this server's own.
  const server = await startHaigpt({ ...env, HAIGPT_CONFIG: path, HAIGPT_ADMIN_TOKEN: ADMIN_TOKEN }, { dataDir: join(temp.dir, crypto.randomUUID()), ...options });
  running.push(server);
  return server;
}

const chat = (server: Haigpt, body: Record<string, unknown> = {}, token = ALICE_TOKEN) =>
  postJson(`${server.url}/v1/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "hello" }], ...body }, { authorization: `Bearer ${token}` });

const rateHeaders = (response: Response) =>
  Object.fromEntries([...response.headers].filter(([name]) => name.startsWith("x-ratelimit-") || name.startsWith("retry-after")));

describe("models allow-list", () => {
  test("another model is 404 model_not_found naming only the allowed ones; /v1/models lists only those; other users see all", async () => {
    const server = await withLimits({ models: ["gpt-4o"] });
    const refused = await postJson(`${server.url}/v1/embeddings`, { model: "text-embedding-3-small", input: "x" }, { authorization: `Bearer ${ALICE_TOKEN}` });
    expect(refused.status).toBe(404);
    const body: any = await refused.json();
    expect(body.error).toMatchObject({ code: "model_not_found", param: "model" });
    expect(body.error.message).toContain("Available models: gpt-4o.");
    expect(azure.sim.requests.some((r) => r.operation === "embeddings")).toBe(false);

    const alice = await server.client(ALICE_TOKEN).models.list();
    expect(alice.data.map((m) => m.id)).toEqual(["gpt-4o"]);
    expect((await fetch(`${server.url}/v1/models/text-embedding-3-small`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } })).status).toBe(404);
    const bob = await server.client(BOB_TOKEN).models.list();
    expect(bob.data.map((m) => m.id).sort()).toEqual(["gpt-4o", "text-embedding-3-small"]);
    expect((await chat(server)).status).toBe(200);
    // The Azure-shaped path names a deployment: its model is checked the same way.
    const azureShaped = await server.azureClient(ALICE_TOKEN).embeddings.create({ model: "emb-prod", input: "x" }).catch((e) => e);
    expect(azureShaped.status).toBe(404);
  });
});

describe("rpm", () => {
  test("exactly rpm requests a minute get through; the next is 429 rate_limit_exceeded with retry-after and the headers", async () => {
    const server = await withLimits({ rpm: 3 });
    expect(server.logs.find((line) => typeof line.state === "string")?.state).toStartWith(`sqlite ${temp.dir}`);
    const before = azure.sim.requests.length;
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ok = await chat(server);
      expect(ok.status).toBe(200);
      expect(ok.headers.get("x-ratelimit-limit-requests")).toBe("3");
      remaining.push(ok.headers.get("x-ratelimit-remaining-requests")!);
      expect(ok.headers.get("x-ratelimit-limit-tokens")).toBeNull();
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const refused = await chat(server);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).error.code).toBe("rate_limit_exceeded");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after-ms"))).toBeGreaterThan(0);
    expect(refused.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(azure.sim.requests.length - before).toBe(3);
    // Another user is not held back by alice's limit.
    expect((await chat(server, {}, BOB_TOKEN)).status).toBe(200);
  });
});

describe("tpm", () => {
  test("prompt tokens are counted with the tokenizer plus max_tokens up front, and settled with the real usage", async () => {
    const server = await withLimits({ tpm: 1000 });
    const first = await chat(server, { max_tokens: 100 });
    expect(first.status).toBe(200);
    const usage = ((await first.json()) as any).usage;
    // "hello" as one user message: 3 per message + 1 token of text + 3 to prime the reply = 7, plus max_tokens.
    const estimate = 7 + 100;
    expect(rateHeaders(first)).toMatchObject({ "x-ratelimit-limit-tokens": "1000", "x-ratelimit-remaining-tokens": String(1000 - estimate) });
    const second = await chat(server, { max_tokens: 100 });
    expect(second.status).toBe(200);
    // The first request's estimate was replaced by its real total.
    expect(second.headers.get("x-ratelimit-remaining-tokens")).toBe(String(1000 - usage.total_tokens - estimate));
  });

  test("failures without a usage (Azure's 500, a content-filter 400, haigpt's own 502) hold none of the user's tokens", async () => {
    const server = await withLimits({ tpm: 1000 });
    const estimate = 7 + 100;
    // sim:401: Azure rejects both server keys, which haigpt answers itself (502 upstream_auth_failed).
    for (const content of ["sim:500*9", "sim:filter-prompt", "sim:401"]) {
      const failed = await chat(server, { max_tokens: 100, messages: [{ role: "user", content }] });
      expect(failed.status).toBeGreaterThanOrEqual(400);
      expect((await failed.json()) as any).not.toHaveProperty("usage");
    }
    // Each failure showed its estimate as taken; the next request finds all of them given back.
    const next = await chat(server, { max_tokens: 100 });
    expect(next.status).toBe(200);
    expect(next.headers.get("x-ratelimit-remaining-tokens")).toBe(String(1000 - estimate));
  });

  test("a request whose estimate alone exceeds tpm is refused without retry-after and with x-should-retry: false", async () => {
    const server = await withLimits({ tpm: 1000 });
    const refused = await chat(server, { max_tokens: 2000 });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).error.message).toStartWith("Request too large for gpt-4o on tokens per min (TPM)");
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(refused.headers.get("x-should-retry")).toBe("false");
    expect(refused.headers.get("x-ratelimit-remaining-tokens")).toBe("1000");
  });
});

describe("maxConcurrent", () => {
  test("a stream holds its slot until it ends; a second request meanwhile is 429; the slot is free again after", async () => {
    const server = await withLimits({ maxConcurrent: 1 });
    const stream = await chat(server, { stream: true, messages: [{ role: "user", content: "sim:gate=held" }] });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read();
    const refused = await chat(server);
    expect(refused.status).toBe(429);
    const error = ((await refused.json()) as any).error;
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.message).toContain("concurrent requests: Limit 1, In progress 1");
    expect(refused.headers.get("retry-after")).toBe("1");
    azure.sim.release("held");
    while (!(await reader.read()).done);
    expect((await chat(server)).status).toBe(200);
  });

  test("a stream the client leaves frees its slot", async () => {
    const server = await withLimits({ maxConcurrent: 1 });
    const controller = new AbortController();
    const stream = await postJson(`${server.url}/v1/chat/completions`, {
      model: "gpt-4o", stream: true, messages: [{ role: "user", content: "sim:gate=left" }],
    }, { authorization: `Bearer ${ALICE_TOKEN}` });
    const reader = stream.body!.getReader();
    await reader.read();
    await reader.cancel();
    controller.abort();
    await server.waitForLog((line) => line.msg === "request" && line.userId === "alice" && typeof line.stream === "string");
    expect((await chat(server)).status).toBe(200);
    azure.sim.release("left");
  });
});

describe("monthlyTokens", () => {
  test("charged with the real usage; once reached, 429 insufficient_quota until next month, not to be retried", async () => {
    const server = await withLimits({ monthlyTokens: 1 });
    expect((await chat(server)).status).toBe(200);
    const refused = await chat(server);
    expect(refused.status).toBe(429);
    const error = ((await refused.json()) as any).error;
    expect(error.code).toBe("insufficient_quota");
    expect(error.message).toContain("monthly token budget (1 tokens");
    expect(refused.headers.get("x-should-retry")).toBe("false");
    const now = new Date();
    const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(Math.floor((nextMonth - Date.now()) / 1000));
  });
});

describe("the rate-limit headers on every answer of a limited user", () => {
  test("success, stream, Azure's error, a refused model, a refusal, a bad body", async () => {
    const server = await withLimits({ rpm: 50, tpm: 100_000, models: ["gpt-4o"] });
    const raw = (body: string, type = "application/json") => fetch(`${server.url}/v1/chat/completions`, {
      method: "POST", headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": type }, body,
    });
    const answers = {
      success: await chat(server),
      stream: await chat(server, { stream: true }),
      upstreamError: await chat(server, { messages: [{ role: "user", content: "sim:500" }] }),
      operatorError: await chat(server, { messages: [{ role: "user", content: "sim:401" }] }),
      modelRefused: await postJson(`${server.url}/v1/embeddings`, { model: "text-embedding-3-small", input: "x" }, { authorization: `Bearer ${ALICE_TOKEN}` }),
      tooLarge: await chat(server, { max_tokens: 200_000 }),
      // Refused before the model is known: still the user's answers.
      invalidJson: await raw("{"),
      unsupportedType: await raw("{}", "text/plain"),
      missingModel: await raw(JSON.stringify({ messages: [] })),
    };
    expect([answers.invalidJson.status, answers.unsupportedType.status, answers.missingModel.status]).toEqual([400, 415, 400]);
    expect(answers.stream.headers.get("content-type")).toContain("text/event-stream");
    expect(answers.upstreamError.status).toBe(500);
    expect(answers.operatorError.status).toBe(502);
    expect(answers.modelRefused.status).toBe(404);
    expect(answers.tooLarge.status).toBe(429);
    for (const [name, response] of Object.entries(answers)) {
      await response.arrayBuffer();
      for (const header of ["limit", "remaining", "reset"].flatMap((part) => [`x-ratelimit-${part}-requests`, `x-ratelimit-${part}-tokens`])) {
        expect({ name, header, value: response.headers.get(header) }).toEqual({ name, header, value: expect.any(String) });
      }
      // The user's own limits, not Azure's deployment figures.
      expect({ name, limit: response.headers.get("x-ratelimit-limit-requests") }).toEqual({ name, limit: "50" });
    }
    // A user without limits gets Azure's own figures, as before: no limit of haigpt's.
    const bob = await chat(server, {}, BOB_TOKEN);
    expect(bob.headers.get("x-ratelimit-limit-requests")).toBeNull();
    expect(bob.headers.get("x-ratelimit-remaining-requests")).toBe("99");
  });
});

describe("a limited user without rpm or tpm", () => {
  test("keeps Azure's x-ratelimit-remaining-* (haigpt has no figures of its own to give)", async () => {
    const server = await withLimits({ maxConcurrent: 2 });
    const response = await chat(server);
    expect(response.status).toBe(200);
    expect(rateHeaders(response)).toEqual({ "x-ratelimit-remaining-requests": "99", "x-ratelimit-remaining-tokens": "149000" });
  });
});

describe("limits and usage survive a restart (SQLite under HAIGPT_DATA_DIR)", () => {
  test("a second server on the same data directory holds the same window and reports the same usage", async () => {
    const dataDir = `${temp.dir}/data-${crypto.randomUUID()}`;
    const open = () => openStateStore({ redisUrl: null, dataDir }, { now: Date.now });
    const first = await withLimits({ rpm: 2 }, { state: await open() });
    expect((await chat(first)).status).toBe(200);
    expect((await chat(first)).status).toBe(200);
    await first.stop();

    const second = await withLimits({ rpm: 2 }, { state: await open() });
    const refused = await chat(second);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    const usage: any = await (await fetch(`${second.url}/admin/usage`, { headers: admin })).json();
    expect(usage.users.alice["gpt-4o"].requests).toBe(2);
    expect(usage.users.alice["gpt-4o"].total_tokens).toBeGreaterThan(0);
  });
});
