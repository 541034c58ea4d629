import { afterAll, expect, test } from "bun:test";
import { createKvStateStore, type KvBackend } from "../../src/state/kv-state-store.ts";
import { createMemoryKv } from "../../src/state/memory-kv.ts";
import { openSqliteStore } from "../../src/state/open-store.ts";
import type { UsageRecord } from "../../src/state/state-store.ts";
import { makeTempDir } from "../support/temp-files.ts";
import { manualClock } from "./store-contract.ts";

const temp = makeTempDir();
afterAll(() => temp.cleanup());

const usage = (userId: string, model: string, totalTokens: number): UsageRecord =>
  ({ userId, model, requests: 1, promptTokens: totalTokens - 1, completionTokens: 1, totalTokens });

/** A memory backend that counts its updates and transactions. */
function countingKv() {
  const kv = createMemoryKv();
  const counts = { updates: 0, transactions: 0 };
  const backend: KvBackend = {
    ...kv,
    update: (key, now, change) => (counts.updates++, kv.update(key, now, change)),
    transaction: (run) => (counts.transactions++, run()),
  };
  return { backend, counts };
}

test("usage recorded within USAGE_BATCH_MS is written in one transaction: one update per user and per user-month", async () => {
  const clock = manualClock();
  const { backend, counts } = countingKv();
  const store = createKvStateStore("memory", backend, clock.now);
  const writes = Array.from({ length: 100 }, (_, i) => store.recordUsage(usage(i % 2 ? "alice" : "bob", i % 3 ? "gpt-4o" : "o3", 10)));
  expect(counts.updates).toBe(0);
  await Promise.all(writes);
  expect(counts).toEqual({ updates: 4, transactions: 1 });
  const report = await store.readUsage();
  expect(report.users.alice!["gpt-4o"]!.requests + report.users.alice!.o3!.requests).toBe(50);
  expect(report.users.bob!["gpt-4o"]!.requests + report.users.bob!.o3!.requests).toBe(50);
  expect(report.users.alice!["gpt-4o"]).toEqual({ requests: 33, prompt_tokens: 297, completion_tokens: 33, total_tokens: 330 });
  expect(await store.readMonthTokens("alice")).toBe(500);
});

test("usage of requests finishing in different event-loop turns is still one transaction", async () => {
  const { backend, counts } = countingKv();
  const store = createKvStateStore("memory", backend, manualClock().now);
  const writes: Promise<void>[] = [];
  for (let i = 0; i < 5; i++) {
    writes.push(store.recordUsage(usage("alice", "gpt-4o", 10)));
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(counts.transactions).toBe(0);
  await Promise.all(writes);
  expect(counts).toEqual({ updates: 2, transactions: 1 });
  expect((await store.readUsage()).users.alice!["gpt-4o"]!.requests).toBe(5);
});

test("a read before the batch is written sees usage not yet written, and each month keeps its own tokens", async () => {
  const clock = manualClock(Date.UTC(2026, 10, 30, 23, 59, 59));
  const store = createKvStateStore("memory", createMemoryKv(), clock.now);
  void store.recordUsage(usage("alice", "gpt-4o", 7));
  expect(await store.readMonthTokens("alice")).toBe(7);
  void store.recordUsage(usage("alice", "gpt-4o", 5));
  clock.advance(2_000); // December now: the 5 tokens were November's
  void store.recordUsage(usage("alice", "gpt-4o", 3));
  expect(await store.readMonthTokens("alice")).toBe(3);
  clock.set(Date.UTC(2026, 10, 30, 23, 59, 59));
  expect(await store.readMonthTokens("alice")).toBe(12);
  expect((await store.readUsage()).users.alice!["gpt-4o"]!.requests).toBe(3);
});

test("SQLite: usage of one batch reaches the file for another store on it, and close writes what is pending", async () => {
  const dir = `${temp.dir}/batch`;
  const clock = manualClock();
  const [a, b] = await Promise.all([openSqliteStore(dir, clock.now), openSqliteStore(dir, clock.now)]);
  try {
    await Promise.all(Array.from({ length: 200 }, () => a.recordUsage(usage("alice", "gpt-4o", 2))));
    expect(await b.readMonthTokens("alice")).toBe(400);
    void a.recordUsage(usage("alice", "gpt-4o", 2));
    await a.close();
    expect((await b.readUsage()).users.alice!["gpt-4o"]).toEqual({ requests: 201, prompt_tokens: 201, completion_tokens: 201, total_tokens: 402 });
  } finally {
    await b.close();
  }
});
