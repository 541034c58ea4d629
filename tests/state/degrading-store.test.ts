import { expect } from "bun:test";
import { afterAll, beforeAll, test, REDIS_AVAILABLE } from "../support/redis-tests.ts";
import { Redis } from "ioredis";
import { createDegradingStore, type DegradationEvent } from "../../src/state/degrading-store.ts";
import { createMemoryStore } from "../../src/state/open-store.ts";
import { createRedisStore } from "../../src/state/redis-store.ts";
import type { StoreStatus } from "../../src/state/state-store.ts";
import { startRedisServer, type RedisServer } from "../support/redis-server.ts";
import { describeStoreContract, redisWindowSize } from "./store-contract.ts";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(() => server?.stop());

let opened = 0;
let admin: Redis;
if (REDIS_AVAILABLE) {
  describeStoreContract(
    "redis behind the degrading wrapper",
    async (now) =>
      createDegradingStore({ remote: await createRedisStore({ url: server.url, now, keyPrefix: `d${opened++}:` }), local: createMemoryStore(now), now }),
    async (key) => {
      admin ??= new Redis(server.url);
      return redisWindowSize(admin, `d${opened - 1}:`)(key);
    },
  );
}
afterAll(() => admin?.disconnect());

/** A wrapper over the test server that records each status change and lets a test await the next one. */
async function openWatched(keyPrefix: string) {
  const events: StoreStatus[] = [];
  let notify: (() => void) | null = null;
  const now = () => Date.now();
  const store = createDegradingStore({
    remote: await createRedisStore({ url: server.url, now, keyPrefix, commandTimeoutMs: 300 }),
    local: createMemoryStore(now),
    now,
    timeoutMs: 300,
    probeIntervalMs: 50,
    onChange: (event: DegradationEvent) => {
      events.push(event.status);
      notify?.();
    },
  });
  const nextChange = () => new Promise<void>((resolve) => (notify = resolve));
  return { store, events, nextChange };
}

async function redisKeys(pattern: string): Promise<string[]> {
  const admin = new Redis(server.url, { lazyConnect: true });
  await admin.connect();
  try {
    return (await admin.keys(pattern)).sort();
  } finally {
    admin.disconnect();
  }
}

const usage = (userId: string) => ({ userId, model: "gpt-4o", requests: 1, promptTokens: 2, completionTokens: 3, totalTokens: 5 });
const window = (id: string) => ({ limit: 2, windowMs: 60_000, cost: 1, id });

test("with Redis stopped every operation answers from local memory, reported once; Redis is used again when it is back", async () => {
  const { store, events, nextChange } = await openWatched("down:");
  try {
    await store.recordUsage(usage("before"));
    expect(await redisKeys("down:usage:*")).toEqual(["down:usage:before"]);
    expect(store.status()).toMatchObject({ kind: "redis", serving: "redis", degraded: false });

    await server.stop();
    // Limits now hold per replica, from a fresh local state; nothing throws.
    expect(await store.hitWindow("rpm:alice", window("a"))).toMatchObject({ allowed: true, used: 1 });
    expect(await store.hitWindow("rpm:alice", window("b"))).toMatchObject({ allowed: true, used: 2 });
    expect((await store.hitWindow("rpm:alice", window("c"))).allowed).toBe(false);
    expect((await store.acquireSlot("conc:alice", { limit: 1, leaseId: "a", ttlMs: 60_000 })).acquired).toBe(true);
    await store.recordUsage(usage("during"));
    await store.setCooldown("ptu-east", Date.now() + 60_000);
    expect(Object.keys(await store.readCooldowns(["ptu-east"]))).toEqual(["ptu-east"]);
    expect(await store.tryBreakerProbe("ptu-east", 1_000)).toBe(false);
    expect(Object.keys((await store.readUsage()).users)).toEqual(["during"]);
    // The rest of the interface answers too.
    const entry = (await store.hitWindow("tpm:alice", { limit: 100, windowMs: 60_000, cost: 50, id: "t" })).entry!;
    await store.settleWindow("tpm:alice", entry, 10);
    expect(await store.renewSlot("conc:alice", "a", 60_000)).toBe(true);
    await store.releaseSlot("conc:alice", "a");
    expect(await store.readMonthTokens("during")).toBe(5);
    expect((await store.recordBreakerFailure("up", { threshold: 1, openMs: 1_000 })).openUntil).toBeNumber();
    expect(await store.recordBreakerSuccess("up")).toMatchObject({ consecutiveFailures: 0 });
    expect(Object.keys(await store.readBreakers(["up"]))).toEqual(["up"]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ serving: "memory", degraded: true });
    expect(events[0]!.reason).toBeString();
    expect(store.status()).toMatchObject({ serving: "memory", degraded: true });

    const recovered = nextChange();
    await server.start();
    await recovered;
    expect(events).toHaveLength(2);
    expect(store.status()).toEqual({ kind: "redis", serving: "redis", degraded: false, degradedSince: null, reason: null });
    // The usage counted while Redis was away was added to Redis on its return.
    expect(await redisKeys("down:usage:*")).toEqual(["down:usage:during"]);
    expect(await store.hitWindow("rpm:alice", window("d"))).toMatchObject({ allowed: true, used: 1 });
    expect(await redisKeys("down:window:*")).toEqual(["down:window:rpm:alice"]);

  } finally {
    await store.close();
  }
});

test("with no traffic at all, pings see Redis go away and come back", async () => {
  const { store, events, nextChange } = await openWatched("idle:");
  try {
    expect(store.status()).toMatchObject({ serving: "redis", degraded: false });
    const degraded = nextChange();
    await server.stop();
    await degraded;
    expect(store.status()).toMatchObject({ serving: "memory", degraded: true });
    expect(store.status().reason).toStartWith("Redis unavailable");
    const recovered = nextChange();
    await server.start();
    await recovered;
    expect(store.status()).toMatchObject({ serving: "redis", degraded: false });
    expect(events.map((event) => event.degraded)).toEqual([true, false]);
  } finally {
    await store.close();
  }
});

test("a Redis that is down at start-up is reported before any operation", async () => {
  await server.stop();
  try {
    const { store, events, nextChange } = await openWatched("start:");
    try {
      if (events.length === 0) await nextChange();
      expect(store.status()).toMatchObject({ serving: "memory", degraded: true });
    } finally {
      await store.close();
    }
  } finally {
    await server.start();
  }
});

test("a Redis that holds the connection but answers nothing makes no call hang; what was released meanwhile is released there too", async () => {
  const { store, events, nextChange } = await openWatched("paused:");
  const slot = (leaseId: string) => store.acquireSlot("conc:bob", { limit: 1, leaseId, ttlMs: 600_000 });
  try {
    await store.hitWindow("rpm:bob", window("a"));
    expect((await slot("held")).acquired).toBe(true);
    server.pause();
    try {
      expect(await store.hitWindow("rpm:bob", window("b"))).toMatchObject({ allowed: true, used: 1 });
      await store.releaseSlot("conc:bob", "held");
      expect(await store.readMonthTokens("bob")).toBe(0);
      expect(events).toMatchObject([{ degraded: true }]);
    } finally {
      server.resume();
    }
    await nextChange();
    expect(store.status().degraded).toBe(false);
    // Redis kept its data through the pause; the lease released during it was released there on return.
    expect((await slot("next")).acquired).toBe(true);
  } finally {
    await store.close();
  }
});
