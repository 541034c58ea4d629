import { expect } from "bun:test";
import { afterAll, beforeAll, test, REDIS_AVAILABLE } from "../support/redis-tests.ts";
import { Redis } from "ioredis";
import { createRedisStore } from "../../src/state/redis-store.ts";
import { startRedisServer, type RedisServer } from "../support/redis-server.ts";
import { describeStoreContract, manualClock, redisWindowSize } from "./store-contract.ts";

let server: RedisServer;
let admin: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url, { lazyConnect: true });
  await admin.connect();
});
afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

let opened = 0;
// Each store gets a key prefix of its own: nothing carries over between tests.
if (REDIS_AVAILABLE) {
  describeStoreContract(
    "redis",
    (now) => createRedisStore({ url: server.url, now, keyPrefix: `t${opened++}:` }),
    (key) => redisWindowSize(admin, `t${opened - 1}:`)(key),
  );
}

test("temporary state lapses with Redis TTLs; usage totals are kept", async () => {
  const clock = manualClock();
  const store = await createRedisStore({ url: server.url, now: clock.now, keyPrefix: "ttl:" });
  try {
    await store.hitWindow("rpm:alice", { limit: 5, windowMs: 60_000, cost: 1, id: "r1" });
    await store.acquireSlot("conc:alice", { limit: 5, leaseId: "r1", ttlMs: 30_000 });
    await store.setCooldown("ptu-east", clock.now() + 4_000);
    await store.recordBreakerFailure("paygo-west", { threshold: 5, openMs: 30_000 });
    await store.recordUsage({ userId: "alice", model: "gpt-4o", requests: 1, promptTokens: 1, completionTokens: 1, totalTokens: 2 });
    const ttl = async (key: string) => admin.pttl(`ttl:${key}`);
    expect(await ttl("window:rpm:alice")).toBeWithin(59_000, 60_001);
    expect(await ttl("slots:conc:alice")).toBeWithin(29_000, 30_001);
    expect(await ttl("cooldown:ptu-east")).toBeWithin(3_000, 4_001);
    expect(await ttl("breaker:paygo-west")).toBeGreaterThan(0);
    expect(await ttl("month:alice:2026-11")).toBeGreaterThan(0);
    expect(await ttl("usage:alice")).toBe(-1);
  } finally {
    await store.close();
  }
});

test("two replicas' stores on one Redis enforce one limit", async () => {
  const clock = manualClock();
  const [a, b] = await Promise.all([0, 1].map(() => createRedisStore({ url: server.url, now: clock.now, keyPrefix: "shared:" })));
  try {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a! : b!).hitWindow("rpm:alice", { limit: 10, windowMs: 60_000, cost: 1, id: `r${i}` })),
    );
    expect(results.filter((result) => result.allowed)).toHaveLength(10);
    await a!.setCooldown("ptu-east", clock.now() + 5_000);
    expect(await b!.readCooldowns(["ptu-east"])).toEqual({ "ptu-east": clock.now() + 5_000 });
  } finally {
    await Promise.all([a!.close(), b!.close()]);
  }
});

test("a window stored before folding existed (every admission a member) folds at its next admission", async () => {
  const clock = manualClock();
  const start = clock.now();
  const members: Array<string | number> = [];
  for (let i = 0; i < 1_000; i++) members.push(start + i * 50, `old${i}|1`);
  await admin.zadd("legacy:window:rpm:alice", ...members);
  clock.set(start + 50_000);
  const store = await createRedisStore({ url: server.url, now: clock.now, keyPrefix: "legacy:" });
  try {
    expect(await store.hitWindow("rpm:alice", { limit: 2_000, windowMs: 60_000, cost: 1, id: "new" })).toMatchObject({ allowed: true, used: 1_001 });
    expect(await admin.zcard("legacy:window:rpm:alice")).toBe(64);
    // 937 older admissions, 20 a second over 47 seconds, in one folded entry per second.
    expect(await admin.zcard("legacy:folded:rpm:alice")).toBe(47);
    expect(await store.hitWindow("rpm:alice", { limit: 2_000, windowMs: 60_000, cost: 0, id: "read" })).toMatchObject({ used: 1_001 });
  } finally {
    await store.close();
  }
});
