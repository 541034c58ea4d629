/**
 * Routing end to end: the real server with the README's "Scaling out" config against three simulated
 * upstreams (a PTU resource, two pay-as-you-go regions 3:1, one of them Entra-only) and the embedded
 * SQLite store (its own HAIGPT_DATA_DIR per test) on an injected clock — priority, weights, cooldown, breaker, content-filter failover, Entra,
 * a refusing token endpoint and /admin/upstreams.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createScalingOutSimulatorOptions, SCALING_OUT_CLIENT, SCALING_OUT_KEYS } from "../../src/simulator/scaling-out-options.ts";
import { join } from "node:path";
import { startHaigpt, startSimulator, upstreamCalls, type Haigpt, type Simulator } from "../support/harness.ts";
import { ROUTING_ADMIN_TOKEN, SCALING_OUT_USER_TOKEN } from "../support/secrets.ts";
import { makeTempDir } from "../support/temp-files.ts";

const USER_TOKEN = SCALING_OUT_USER_TOKEN;
const FIXTURE = readFileSync(new URL("../fixtures/scaling-out.config.json", import.meta.url), "utf8");
const RESOURCE_OF: Record<string, string> = { "contoso-east": "ptu-east", "contoso-west": "paygo-west", "contoso-swe": "paygo-swe" };

let azure: Simulator;
const tmp = makeTempDir();
let running: Haigpt | null = null;

beforeAll(async () => {
  azure = await startSimulator(createScalingOutSimulatorOptions());
});
afterEach(async () => {
  await running?.stop();
  running = null;
  azure.sim.reset();
});
afterAll(async () => {
  await azure.stop();
  tmp.cleanup();
});

/** A clock that moves only when the test (or a retry wait) moves it. */
function manualClock() {
  let now = Date.parse("2026-03-02T10:00:00Z");
  return {
    now: () => now,
    advance: (ms: number) => void (now += ms),
    clock: { now: () => now, random: () => 0.5, sleep: async (ms: number) => void (now += ms) },
  };
}

/** The README's example config against this simulator, with the embedded SQLite store in a fresh data directory, on `time`'s clock. */
async function startRouted(time = manualClock(), env: Record<string, string> = {}): Promise<Haigpt> {
  const path = tmp.write(`config-${crypto.randomUUID()}.json`, FIXTURE.replaceAll("http://127.0.0.1:4010", azure.url));
  running = await startHaigpt(
    { HAIGPT_CONFIG: path, HAIGPT_ADMIN_TOKEN: ROUTING_ADMIN_TOKEN, HAIGPT_RETRY_MAX_DELAY_MS: "1000", ...env },
    { deps: { clock: time.clock }, dataDir: join(tmp.dir, crypto.randomUUID()) },
  );
  return running;
}

function chat(haigpt: Haigpt, content = "hi"): Promise<Response> {
  return fetch(`${haigpt.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${USER_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content }] }),
  });
}

/** The upstream names the simulator saw chat calls for, in order. */
function calledUpstreams(): string[] {
  return upstreamCalls(azure.sim).map((call) => RESOURCE_OF[call.resource]!);
}

async function adminUpstreams(haigpt: Haigpt): Promise<Array<Record<string, any>>> {
  const response = await fetch(`${haigpt.url}/admin/upstreams`, { headers: { authorization: `Bearer ${ROUTING_ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { upstreams: Array<Record<string, any>> }).upstreams;
}

test("priority: the PTU upstream takes every request while usable; a 429 spills to the next group at once", async () => {
  const haigpt = await startRouted();
  // Upstreams alone make a server with user tokens, and its start-up line says so.
  expect(haigpt.logs.find((line) => typeof line.mode === "string")?.mode).toBe("user tokens (clients use the server's Azure keys)");
  // The embedded store, in this test's own data directory.
  expect(haigpt.logs.find((line) => typeof line.state === "string")?.state).toStartWith(`sqlite ${tmp.dir}`);
  for (let i = 0; i < 5; i++) {
    const response = await chat(haigpt);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-haigpt-upstream")).toBe("ptu-east");
  }
  const spilled = await chat(haigpt, "sim:429=60000@contoso-east");
  expect(spilled.status).toBe(200);
  expect(spilled.headers.get("x-haigpt-upstream")).toBe("paygo-west");
  expect(calledUpstreams().slice(-2)).toEqual(["ptu-east", "paygo-west"]);
  expect(haigpt.logs.some((line) => line.upstream === "paygo-west")).toBe(true);
});

test("weights 3:1 inside a priority group give 75% ± a few to the heavier upstream", async () => {
  const haigpt = await startRouted();
  // The PTU upstream cools down for ten minutes; every request meanwhile goes to the pay-as-you-go group.
  expect((await chat(haigpt, "sim:429=600000@contoso-east")).status).toBe(200);
  azure.sim.reset();
  const counts: Record<string, number> = {};
  for (let i = 0; i < 200; i++) {
    const response = await chat(haigpt);
    expect(response.status).toBe(200);
    const name = response.headers.get("x-haigpt-upstream")!;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  expect(counts["ptu-east"]).toBeUndefined();
  expect(counts["paygo-west"]! / 200).toBeGreaterThanOrEqual(0.72);
  expect(counts["paygo-west"]! / 200).toBeLessThanOrEqual(0.78);
  expect(counts["paygo-west"]! + counts["paygo-swe"]!).toBe(200);
});

test("cooldown: a 429 keeps its upstream out of every request for exactly retry-after-ms", async () => {
  const time = manualClock();
  const haigpt = await startRouted(time);
  expect((await chat(haigpt, "sim:429=2500@contoso-east")).headers.get("x-haigpt-upstream")).toBe("paygo-west");
  time.advance(2499);
  expect((await chat(haigpt)).headers.get("x-haigpt-upstream")).not.toBe("ptu-east");
  expect((await adminUpstreams(haigpt))[0]!.state).toBe(`cooling down until ${new Date(time.now() + 1).toISOString()}`);
  time.advance(1);
  expect((await chat(haigpt)).headers.get("x-haigpt-upstream")).toBe("ptu-east");
});

test("nothing usable: the client gets the 429 with the shortest remaining wait, and later requests get it at once", async () => {
  const time = manualClock();
  const haigpt = await startRouted(time);
  const all = await chat(haigpt, "sim:429=5000@contoso-east sim:429=3000@contoso-west sim:429=4000@contoso-swe");
  expect(all.status).toBe(429);
  expect(all.headers.get("retry-after-ms")).toBe("3000");
  expect(all.headers.get("retry-after")).toBe("3");
  // Azure's text said the last upstream's wait (4 s); the message agrees with the header instead.
  const message: string = ((await all.json()) as any).error.message;
  expect(message).toContain("Please retry after 3 seconds.");
  expect(message).toContain("exceeded token rate limit");
  azure.sim.reset();
  time.advance(1000);
  const refused = await chat(haigpt);
  expect(refused.status).toBe(429);
  expect(refused.headers.get("retry-after-ms")).toBe("2000");
  expect(((await refused.json()) as any).error).toMatchObject({ code: "rate_limit_exceeded", type: "rate_limit_error" });
  expect(upstreamCalls(azure.sim)).toHaveLength(0);
  time.advance(2000);
  expect((await chat(haigpt)).headers.get("x-haigpt-upstream")).toBe("paygo-west");
});

test("circuit breaker: failures open it for the cooldown, then one probe; success closes, failure reopens", async () => {
  const time = manualClock();
  const haigpt = await startRouted(time, { HAIGPT_BREAKER_FAILURES: "2", HAIGPT_BREAKER_COOLDOWN_MS: "30000" });
  for (let i = 0; i < 2; i++) expect((await chat(haigpt, "sim:500@contoso-east")).headers.get("x-haigpt-upstream")).not.toBe("ptu-east");
  const opened = time.now();
  expect((await adminUpstreams(haigpt))[0]!.state).toMatch(/^circuit open until /);
  expect(await haigpt.waitForLog((line) => line.msg === "upstream circuit open")).toMatchObject({ level: "warn", upstream: "ptu-east", consecutiveFailures: 2 });
  azure.sim.reset();
  expect((await chat(haigpt)).headers.get("x-haigpt-upstream")).not.toBe("ptu-east");
  expect(calledUpstreams()).not.toContain("ptu-east");

  time.advance(30_000 - (time.now() - opened));
  expect((await adminUpstreams(haigpt))[0]!.state).toBe("half-open");
  // The probe fails: open again for a whole cooldown.
  expect((await chat(haigpt, "sim:500@contoso-east")).status).toBe(200);
  expect((await adminUpstreams(haigpt))[0]!.state).toBe(`circuit open until ${new Date(time.now() + 30_000).toISOString()}`);
  time.advance(30_000);
  azure.sim.reset();
  // The next probe succeeds: closed, and the PTU upstream takes requests again.
  expect((await chat(haigpt)).headers.get("x-haigpt-upstream")).toBe("ptu-east");
  expect((await adminUpstreams(haigpt))[0]!.state).toBe("healthy");
  expect((await chat(haigpt)).headers.get("x-haigpt-upstream")).toBe("ptu-east");
});

function chatStream(haigpt: Haigpt, content: string): Promise<Response> {
  return fetch(`${haigpt.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${USER_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content }] }),
  });
}

test("a retry skips an upstream whose cooldown began after the request was planned", async () => {
  const time = manualClock();
  const haigpt = await startRouted(time);
  // A's first attempt (ptu-east) is held, then ends before any content: A retries.
  const a = chatStream(haigpt, "sim:end-after=1@contoso-east sim:gate=a@contoso-east");
  await azure.sim.waitForRequest((r) => r.resource === "contoso-east");
  // Meanwhile B puts paygo-west, A's planned next upstream, in a one-minute cooldown.
  const b = await chat(haigpt, "sim:500@contoso-east sim:429=60000@contoso-west");
  expect(b.headers.get("x-haigpt-upstream")).toBe("paygo-swe");
  azure.sim.release("a");
  const answered = await a;
  expect(answered.status).toBe(200);
  expect(answered.headers.get("x-haigpt-upstream")).toBe("paygo-swe");
  await answered.text();
  // ptu-east (A), ptu-east, paygo-west, paygo-swe (B), then A's retry: never paygo-west again.
  expect(calledUpstreams()).toEqual(["ptu-east", "ptu-east", "paygo-west", "paygo-swe", "paygo-swe"]);
});

test("a circuit opened by one request is not reopened by another that was already out", async () => {
  const time = manualClock();
  const haigpt = await startRouted(time, { HAIGPT_BREAKER_FAILURES: "1", HAIGPT_BREAKER_COOLDOWN_MS: "30000" });
  const held = "sim:end-after=1@contoso-east sim:gate=both@contoso-east";
  const first = chatStream(haigpt, `${held} one`);
  const second = chatStream(haigpt, `${held} two`);
  while (upstreamCalls(azure.sim).length < 2) await azure.sim.waitForRequest((r) => r.seq >= 2);
  const opened = time.now();
  azure.sim.release("both");
  for (const answered of await Promise.all([first, second])) {
    expect(answered.status).toBe(200);
    expect(answered.headers.get("x-haigpt-upstream")).not.toBe("ptu-east");
    await answered.text();
  }
  expect(haigpt.logs.filter((line) => line.msg === "upstream circuit open")).toHaveLength(1);
  expect((await adminUpstreams(haigpt))[0]!.state).toBe(`circuit open until ${new Date(opened + 30_000).toISOString()}`);
  // Neither request went back to ptu-east once its circuit was open.
  expect(calledUpstreams().filter((name) => name === "ptu-east")).toHaveLength(2);
});

test("a 429 does not count towards the breaker", async () => {
  const time = manualClock();
  const haigpt = await startRouted(time, { HAIGPT_BREAKER_FAILURES: "1" });
  await chat(haigpt, "sim:429=10@contoso-east");
  time.advance(10);
  expect((await adminUpstreams(haigpt))[0]!.state).toBe("healthy");
  expect((await chat(haigpt)).headers.get("x-haigpt-upstream")).toBe("ptu-east");
});

test("content-filter failover tries the other upstreams serving the model in order, skipping those that refused", async () => {
  const haigpt = await startRouted();
  const response = await chat(haigpt, "sim:filter-prompt@contoso-east sim:filter-prompt@contoso-west");
  expect(response.status).toBe(200);
  expect(response.headers.get("x-haigpt-upstream")).toBe("paygo-swe");
  expect(calledUpstreams()).toEqual(["ptu-east", "paygo-west", "paygo-swe"]);
  azure.sim.reset();
  const refusedEverywhere = await chat(haigpt, "sim:filter-prompt@contoso-east sim:filter-prompt@contoso-west sim:filter-prompt@contoso-swe");
  expect(refusedEverywhere.status).toBe(400);
  expect(calledUpstreams()).toEqual(["ptu-east", "paygo-west", "paygo-swe"]);
});

test("a streamed answer fails over on content filters across three upstreams, through the openai SDK", async () => {
  const haigpt = await startRouted();
  // ptu-east refuses the prompt (400); paygo-west's stream is filtered before any content; paygo-swe answers.
  const stream = await haigpt.client(USER_TOKEN).chat.completions.create({
    model: "gpt-4o",
    stream: true,
    messages: [{ role: "user", content: "tell me sim:filter-prompt@contoso-east sim:filter-output@contoso-west" }],
  }).withResponse();
  expect(stream.response.headers.get("x-haigpt-upstream")).toBe("paygo-swe");
  expect(stream.response.headers.get("x-haigpt-attempts")).toBe("3");
  let text = "";
  let finish: string | null = null;
  for await (const chunk of stream.data) {
    text += chunk.choices[0]?.delta.content ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  expect(text.length).toBeGreaterThan(0);
  expect(finish).toBe("stop");
  expect(calledUpstreams()).toEqual(["ptu-east", "paygo-west", "paygo-swe"]);
});

test("Entra: the key-less upstream gets a bearer token from the token endpoint, fetched once and never an api-key", async () => {
  const haigpt = await startRouted();
  expect((await chat(haigpt, "sim:429=600000@contoso-east")).status).toBe(200);
  for (let i = 0; i < 8; i++) expect((await chat(haigpt)).status).toBe(200);
  const swe = upstreamCalls(azure.sim).filter((call) => call.resource === "contoso-swe");
  expect(swe.length).toBeGreaterThanOrEqual(2);
  for (const call of swe) {
    expect(call.headers.authorization).toMatch(/^Bearer sim-entra-/);
    expect(call.headers["api-key"]).toBeUndefined();
  }
  for (const call of upstreamCalls(azure.sim).filter((c) => c.resource === "contoso-west")) {
    expect(call.headers["api-key"]).toBe(SCALING_OUT_KEYS.west);
    expect(call.headers.authorization).toBeUndefined();
  }
  expect(azure.sim.entra.tokenRequests).toBe(1);
});

test("a refusing token endpoint: a logged warning and 502 upstream_auth_failed naming the upstream, after the others; no secret shown", async () => {
  const haigpt = await startRouted();
  azure.sim.entra.setFault({ refuse: "invalid_client" });
  const response = await chat(haigpt, "sim:429=600000@contoso-east sim:429=600000@contoso-west");
  expect(response.status).toBe(502);
  const body = (await response.json()) as any;
  expect(body.error).toMatchObject({ code: "upstream_auth_failed" });
  expect(body.error.message).toContain('"paygo-swe"');
  expect(calledUpstreams()).toEqual(["ptu-east", "paygo-west"]);
  const warning = await haigpt.waitForLog((line) => line.msg === "upstream token unavailable");
  expect(warning).toMatchObject({ level: "warn", upstream: "paygo-swe" });
  const everything = JSON.stringify(body) + JSON.stringify(haigpt.logs);
  expect(everything).not.toContain(SCALING_OUT_CLIENT.clientSecret);
  expect(everything).not.toMatch(/sim-entra-/);
});

test("GET /admin/upstreams: each upstream's routing facts, state and recent numbers; admin token needed; no secret", async () => {
  const haigpt = await startRouted();
  for (let i = 0; i < 3; i++) await chat(haigpt);
  expect((await fetch(`${haigpt.url}/admin/upstreams`)).status).toBe(401);
  expect((await fetch(`${haigpt.url}/admin/upstreams`, { headers: { authorization: `Bearer ${USER_TOKEN}` } })).status).toBe(401);
  const listed = await adminUpstreams(haigpt);
  expect(listed.map((u) => [u.name, u.resource, u.priority, u.weight, u.auth, u.state])).toEqual([
    ["ptu-east", "contoso-east", 0, 1, "apiKey", "healthy"],
    ["paygo-west", "contoso-west", 1, 3, "apiKey", "healthy"],
    ["paygo-swe", "contoso-swe", 1, 1, "entra", "healthy"],
  ]);
  expect(listed[0]!.recent).toMatchObject({ attempts: 3, successRate: 1 });
  expect(listed[0]!.recent.latencyMs).toEqual({ p50: expect.any(Number), p95: expect.any(Number) });
  expect(listed[1]!.recent).toEqual({ attempts: 0, successRate: null, latencyMs: null });
  const text = JSON.stringify(listed);
  for (const secret of [SCALING_OUT_KEYS.east, SCALING_OUT_KEYS.west, SCALING_OUT_CLIENT.clientSecret, ROUTING_ADMIN_TOKEN, USER_TOKEN]) {
    expect(text).not.toContain(secret);
  }
});

test("upstreams alone make a server of its own (not a pure proxy); a pure-proxy client's 429 cools nothing down for others", async () => {
  // Anonymous mode over `upstreams` only: no credential string needed, the configured upstreams answer.
  const path = tmp.write("upstreams-only.json", {
    azureEndpoint: `${azure.url}/{resourceId}`,
    upstreams: [{ name: "west-only", resourceId: "contoso-west", apiKey: SCALING_OUT_KEYS.west, apiVersion: "2024-10-21", deployment: { "gpt-4o": "gpt-4o" } }],
    allowAnonymous: true,
  });
  running = await startHaigpt({ HAIGPT_CONFIG: path });
  const anonymous = await fetch(`${running.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
  });
  expect(anonymous.status).toBe(200);
  expect(anonymous.headers.get("x-haigpt-upstream")).toBe("west-only");
  await running.stop();

  // Pure proxy: each client's key is its own resource, so a 429 on it is not a shared cooldown.
  running = await startHaigpt({ HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}`, HAIGPT_RETRY_MAX_DELAY_MS: "1000" });
  const credential = `contoso-west:gpt-4o|gpt-4o:${SCALING_OUT_KEYS.west}:2024-10-21`;
  const send = (content: string) =>
    fetch(`${running!.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${credential}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content }] }),
    });
  expect((await send("sim:429=600000@contoso-west")).status).toBe(429);
  azure.sim.reset();
  expect((await send("next")).status).toBe(200);
  expect(upstreamCalls(azure.sim)).toHaveLength(1);
});
