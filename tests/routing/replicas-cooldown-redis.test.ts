/**
 * Two real haigpt processes sharing upstream state through a real redis-server: a 429 cooldown seen by
 * one replica routes the other replica's next request away from that upstream, and /admin/upstreams
 * on either shows it.
 */
import { expect } from "bun:test";
import { afterAll, beforeAll, test } from "../support/redis-tests.ts";
import { PRIMARY_KEY, SECONDARY_KEY, postJson, upstreamCalls, type Simulator } from "../support/harness.ts";
import type { RunningProcess } from "../support/process.ts";
import { startReplicas, type Replicas } from "../support/replicas.ts";
import { ERIN_TOKEN, REDIS_ADMIN_TOKEN } from "../support/secrets.ts";

const USER_TOKEN = ERIN_TOKEN;
let setup: Replicas | undefined;
let azure: Simulator;
let replicas: RunningProcess[] = [];

beforeAll(async () => {
  setup = await startReplicas(
    {
      upstreams: [
        { name: "ptu", resourceId: "primary-res", deployment: { "gpt-4o": "gpt4o-prod" }, apiKey: PRIMARY_KEY, apiVersion: "2024-10-21", priority: 0 },
        { name: "paygo", resourceId: "secondary-res", deployment: { "gpt-4o": "gpt4o-dr" }, apiKey: SECONDARY_KEY, apiVersion: "2024-10-21", priority: 1 },
      ],
      userTokens: [{ userId: "erin", token: USER_TOKEN }],
    },
    {
      HAIGPT_ADMIN_TOKEN: REDIS_ADMIN_TOKEN,
      // A wait longer than this takes the upstream out of the request at once (no real sleep in the test).
      HAIGPT_RETRY_MAX_DELAY_MS: "1000",
    },
  );
  ({ azure, replicas } = setup);
});

afterAll(() => setup?.stop());

const chat = (replica: RunningProcess, content: string) =>
  postJson(`${replica.url}/v1/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content }] }, { authorization: `Bearer ${USER_TOKEN}` });

test("a 429 cooldown seen by one replica routes the other replica's next request away from that upstream", async () => {
  const [a, b] = replicas as [RunningProcess, RunningProcess];
  // Before: both replicas send to the priority-0 upstream.
  for (const replica of [a, b]) {
    const response = await chat(replica, "before");
    expect(response.headers.get("x-haigpt-upstream")).toBe("ptu");
    await response.arrayBuffer();
  }
  azure.sim.reset();
  // Replica A meets Azure's 429 with a minute's retry-after-ms and spills over.
  const throttled = await chat(a, "sim:429=60000@primary-res");
  expect(throttled.headers.get("x-haigpt-upstream")).toBe("paygo");
  await throttled.arrayBuffer();
  expect(upstreamCalls(azure.sim).map((call) => call.resource)).toEqual(["primary-res", "secondary-res"]);
  azure.sim.reset();
  // Replica B has never seen a 429, yet its next request does not go to the cooling upstream.
  const next = await chat(b, "after");
  expect(next.status).toBe(200);
  expect(next.headers.get("x-haigpt-upstream")).toBe("paygo");
  expect(upstreamCalls(azure.sim).map((call) => call.resource)).toEqual(["secondary-res"]);
  const listed = (await (await fetch(`${b.url}/admin/upstreams`, { headers: { authorization: `Bearer ${REDIS_ADMIN_TOKEN}` } })).json()) as any;
  expect(listed.upstreams[0]).toMatchObject({ name: "ptu", state: expect.stringMatching(/^cooling down until \d{4}-/) });
  expect(JSON.stringify(listed)).not.toContain(PRIMARY_KEY);
});
