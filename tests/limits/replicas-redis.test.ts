/**
 * Two real haigpt processes sharing state through a real redis-server, in front of the simulator: one
 * rpm across both replicas, usage that adds up on either, and a Redis that goes away mid-test (no
 * request fails, /readyz stays 200 and says degraded) and comes back (picked up, shared again).
 */
import { expect } from "bun:test";
import { afterAll, beforeAll, test } from "../support/redis-tests.ts";
import { PRIMARY_KEY, SECONDARY_KEY, postJson, type Simulator } from "../support/harness.ts";
import type { RunningProcess } from "../support/process.ts";
import type { RedisServer } from "../support/redis-server.ts";
import { startReplicas, type Replicas } from "../support/replicas.ts";
import { REDIS_ADMIN_TOKEN } from "../support/secrets.ts";

const ADMIN = { authorization: `Bearer ${REDIS_ADMIN_TOKEN}` };
const TOKENS = {
  alice: "alice-token-a1b2c3d4e5f60718",
  bob: "bob-token-0f1e2d3c4b5a6978",
  carol: "carol-token-9a8b7c6d5e4f3021",
  dave: "dave-token-1a2b3c4d5e6f7081",
};

let setup: Replicas | undefined;
let azure: Simulator;
let redis: RedisServer;
let replicas: RunningProcess[] = [];

beforeAll(async () => {
  setup = await startReplicas(
    {
      primaryApiKey: { resourceId: "primary-res", deployment: { "gpt-4o": "gpt4o-prod" }, apiKey: PRIMARY_KEY, apiVersion: "2024-10-21" },
      secondaryApiKey: { resourceId: "secondary-res", deployment: { "gpt-4o": "gpt4o-dr" }, apiKey: SECONDARY_KEY, apiVersion: "2024-10-21" },
      userTokens: [
        { userId: "alice", token: TOKENS.alice, rpm: 10 },
        { userId: "bob", token: TOKENS.bob },
        { userId: "carol", token: TOKENS.carol, rpm: 1000, maxConcurrent: 50, tpm: 10_000_000, monthlyTokens: 10_000_000 },
        { userId: "dave", token: TOKENS.dave, rpm: 1 },
      ],
    },
    { HAIGPT_ADMIN_TOKEN: ADMIN.authorization.slice("Bearer ".length) },
  );
  ({ azure, redis, replicas } = setup);
});

afterAll(() => setup?.stop());

const chat = (replica: RunningProcess, user: keyof typeof TOKENS) =>
  postJson(`${replica.url}/v1/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "hello" }] }, { authorization: `Bearer ${TOKENS[user]}` });

/** `count` requests of `user`, alternating between the replicas, `parallel` at a time; their statuses. */
async function spread(user: keyof typeof TOKENS, count: number, parallel = 6): Promise<number[]> {
  const statuses: number[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, i) => chat(replicas[(start + i) % 2]!, user));
    for (const response of await Promise.all(batch)) {
      await response.arrayBuffer();
      statuses.push(response.status);
    }
  }
  return statuses;
}

const usageOn = async (replica: RunningProcess): Promise<any> => (await fetch(`${replica.url}/admin/usage`, { headers: ADMIN })).json();

/**
 * Reads /admin/usage on `replica` until `user`'s gpt-4o requests reach `requests` (bounded: 100 reads).
 * A replica records usage just after its answer has left, so the other may read a moment before it lands.
 */
async function usageReaching(replica: RunningProcess, user: string, requests: number): Promise<any> {
  let report: any;
  for (let reads = 0; reads < 100; reads++) {
    report = await usageOn(replica);
    if ((report.users[user]?.["gpt-4o"]?.requests ?? 0) >= requests) break;
    await Bun.sleep(10);
  }
  return report.users[user]?.["gpt-4o"];
}

test("both replicas name the shared store in their start-up line", () => {
  for (const replica of replicas) expect(replica.output()).toContain(`"state":"redis redis://127.0.0.1:${redis.port}"`);
});

test("rpm 10 over two replicas: of 30 requests spread over both, exactly 10 get through", async () => {
  const before = azure.sim.requests.length;
  const statuses = await spread("alice", 30);
  expect(statuses.filter((s) => s === 200).length).toBe(10);
  expect(statuses.filter((s) => s === 429).length).toBe(20);
  expect(azure.sim.requests.length - before).toBe(10);
});

test("usage from both replicas adds up in /admin/usage on either", async () => {
  const statuses = await spread("bob", 4);
  expect(statuses).toEqual([200, 200, 200, 200]);
  for (const replica of replicas) {
    const [alice, bob] = [await usageReaching(replica, "alice", 10), await usageReaching(replica, "bob", 4)];
    expect(alice.requests).toBe(10);
    expect(bob.requests).toBe(4);
    expect(bob.total_tokens).toBeGreaterThan(0);
    expect(bob.total_tokens).toBe(bob.prompt_tokens + bob.completion_tokens);
  }
  const [a, b] = await Promise.all(replicas.map(usageOn));
  expect(a).toEqual(b);
});

test("Redis stopped mid-test fails no request; /readyz stays 200 and says degraded; Redis back is picked up", async () => {
  await redis.stop();
  // Limited users ask the store before every attempt, everyone's usage is written after: no request may fail.
  const during = [...(await spread("carol", 12)), ...(await spread("bob", 4))];
  expect(during.every((status) => status === 200)).toBe(true);
  for (const replica of replicas) {
    await replica.waitForOutput(/state store unreachable/);
    const ready = await fetch(`${replica.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", state: { kind: "redis", serving: "memory", degraded: true, reason: expect.any(String) } });
    expect(await (await fetch(`${replica.url}/metrics`, { headers: ADMIN })).text()).toContain('haigpt_state_degraded{store="redis"} 1');
  }

  await redis.start();
  for (const replica of replicas) {
    await replica.waitForOutput(/state store reachable again/);
    expect(await (await fetch(`${replica.url}/readyz`)).json()).toMatchObject({ state: { serving: "redis", degraded: false } });
    expect(await (await fetch(`${replica.url}/metrics`, { headers: ADMIN })).text()).toContain('haigpt_state_degraded{store="redis"} 0');
    // Degradation is logged once each way, however many requests met it.
    expect(replica.output().match(/state store unreachable/g)).toHaveLength(1);
    expect(replica.output().match(/state store reachable again/g)).toHaveLength(1);
  }
  // The usage counted locally during the outage was handed to Redis (which came back empty: no persistence).
  expect((await usageReaching(replicas[0]!, "carol", 12)).requests).toBe(12);
  // Shared again: dave's one request a minute holds across both replicas.
  expect((await chat(replicas[0]!, "dave")).status).toBe(200);
  expect((await chat(replicas[1]!, "dave")).status).toBe(429);
});

test("with no traffic at all, a Redis outage and its return show in /readyz and haigpt_state_degraded", async () => {
  const metric = async (replica: RunningProcess) => (await (await fetch(`${replica.url}/metrics`, { headers: ADMIN })).text()).match(/haigpt_state_degraded\{store="redis"\} (\d)/)?.[1];
  await redis.stop();
  for (const replica of replicas) {
    // Only pings meet the outage: /readyz, /metrics and the log lines touch no state.
    await replica.waitForOutput(/reachable again[\s\S]*state store unreachable/);
    expect(await (await fetch(`${replica.url}/readyz`)).json()).toMatchObject({ state: { serving: "memory", degraded: true } });
    expect(await metric(replica)).toBe("1");
  }
  await redis.start();
  for (const replica of replicas) {
    await replica.waitForOutput(/reachable again[\s\S]*unreachable[\s\S]*state store reachable again/);
    expect(await (await fetch(`${replica.url}/readyz`)).json()).toMatchObject({ state: { serving: "redis", degraded: false } });
    expect(await metric(replica)).toBe("0");
  }
});
