import { afterAll, expect, test } from "bun:test";
import { openSqliteStore } from "../../src/state/open-store.ts";
import { OTHERS_RECHECK_MS } from "../../src/state/sqlite-kv.ts";
import { makeTempDir } from "../support/temp-files.ts";
import type { KvBackend } from "../../src/state/kv-state-store.ts";
import { openSqliteKv } from "../../src/state/sqlite-kv.ts";
import type { Clock } from "../../src/state/state-store.ts";
import { describeStoreContract, kvWindowSize, manualClock } from "./store-contract.ts";

const temp = makeTempDir();
afterAll(() => temp.cleanup());
let opened = 0;

// Each store gets a directory of its own: nothing carries over between tests. A second connection to the
// file reads the stored windows.
let reader: KvBackend | null = null;
let clock: Clock;
describeStoreContract(
  "sqlite",
  async (now) => {
    const dir = `${temp.dir}/contract-${opened++}`;
    const store = await openSqliteStore(dir, now);
    reader?.close();
    reader = await openSqliteKv(dir, now);
    clock = now;
    return store;
  },
  (key) => kvWindowSize(reader!, clock)(key),
);
afterAll(() => reader?.close());

test("limits, usage, cooldowns and breakers survive closing and reopening the file", async () => {
  const dir = `${temp.dir}/restart`;
  const clock = manualClock();
  const before = await openSqliteStore(dir, clock.now);
  const admitted = await before.hitWindow("tpm:alice", { limit: 1_000, windowMs: 60_000, cost: 700, id: "r1" });
  await before.acquireSlot("conc:alice", { limit: 1, leaseId: "r1", ttlMs: 60_000 });
  await before.recordUsage({ userId: "alice", model: "gpt-4o", requests: 1, promptTokens: 3, completionTokens: 4, totalTokens: 7 });
  await before.setCooldown("ptu-east", clock.now() + 9_000);
  await before.recordBreakerFailure("paygo-west", { threshold: 1, openMs: 30_000 });
  await before.close();

  clock.advance(1_000);
  const after = await openSqliteStore(dir, clock.now);
  try {
    await after.settleWindow("tpm:alice", admitted.entry!, 650);
    expect(await after.hitWindow("tpm:alice", { limit: 1_000, windowMs: 60_000, cost: 400, id: "r2" })).toMatchObject({ allowed: false, used: 650 });
    expect((await after.acquireSlot("conc:alice", { limit: 1, leaseId: "r2", ttlMs: 60_000 })).acquired).toBe(false);
    expect(await after.readUsage()).toEqual({
      users: { alice: { "gpt-4o": { requests: 1, prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } } },
    });
    expect(await after.readMonthTokens("alice")).toBe(7);
    expect(await after.readCooldowns(["ptu-east"])).toEqual({ "ptu-east": clock.now() + 8_000 });
    expect((await after.readBreakers(["paygo-west"]))["paygo-west"]!.openUntil).toBe(clock.now() + 29_000);
  } finally {
    await after.close();
  }
});

test("two stores on one file (two processes' worth) share one limit", async () => {
  const dir = `${temp.dir}/shared`;
  const clock = manualClock();
  const [a, b] = await Promise.all([openSqliteStore(dir, clock.now), openSqliteStore(dir, clock.now)]);
  try {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).hitWindow("rpm:alice", { limit: 5, windowMs: 60_000, cost: 1, id: `r${i}` })),
    );
    expect(results.filter((result) => result.allowed)).toHaveLength(5);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test("two stores on one file: what one writes to an upstream's state, the other reads within OTHERS_RECHECK_MS, though it read that state before", async () => {
  const dir = `${temp.dir}/shared-upstreams`;
  const clock = manualClock();
  const [a, b] = await Promise.all([openSqliteStore(dir, clock.now), openSqliteStore(dir, clock.now)]);
  const names = ["ptu-east", "paygo-west"];
  const closed = { consecutiveFailures: 0, openUntil: null, probeUntil: null };
  try {
    expect(await a.readUpstreams!(names)).toEqual({ cooldowns: {}, breakers: { "ptu-east": closed, "paygo-west": closed } });
    const wroteAt = clock.now();
    await b.setCooldown("ptu-east", wroteAt + 5_000);
    await b.recordBreakerFailure("paygo-west", { threshold: 1, openMs: 30_000 });
    // Until the recheck is due, `a` answers from what it read (no statement per request).
    expect(await a.readUpstreams!(names)).toEqual({ cooldowns: {}, breakers: { "ptu-east": closed, "paygo-west": closed } });
    clock.advance(OTHERS_RECHECK_MS);
    expect(await a.readUpstreams!(names)).toEqual({
      cooldowns: { "ptu-east": wroteAt + 5_000 },
      breakers: { "ptu-east": closed, "paygo-west": { consecutiveFailures: 1, openUntil: wroteAt + 30_000, probeUntil: null } },
    });
    // Its own writes at once, and the cooldown lapsing at its time, without the other store writing anything.
    await a.recordBreakerSuccess("paygo-west");
    expect((await a.readUpstreams!(names)).breakers["paygo-west"]).toEqual(closed);
    clock.advance(5_000);
    expect(await a.readUpstreams!(names)).toEqual({ cooldowns: {}, breakers: { "ptu-east": closed, "paygo-west": closed } });
    await b.recordBreakerFailure("ptu-east", { threshold: 5, openMs: 30_000 });
    clock.advance(OTHERS_RECHECK_MS);
    expect((await a.readUpstreams!(names)).breakers["ptu-east"]!.consecutiveFailures).toBe(1);
    expect((await b.readUpstreams!(names)).breakers["paygo-west"]).toEqual(closed);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test("a window stored before folding existed (every admission an entry) folds at its next admission", async () => {
  const dir = `${temp.dir}/legacy-window`;
  const clock = manualClock();
  const start = clock.now();
  const entries = Array.from({ length: 1_000 }, (_, i) => ({ id: `old${i}`, at: start + i * 50, cost: 1 }));
  const kv = await openSqliteKv(dir, clock.now);
  kv.update("window:rpm:alice", start, () => ({ value: { windowMs: 60_000, entries }, expiresAt: start + 110_000, result: null }));
  kv.close();
  clock.set(start + 50_000);
  const store = await openSqliteStore(dir, clock.now);
  const reader = await openSqliteKv(dir, clock.now);
  try {
    expect(await store.hitWindow("rpm:alice", { limit: 2_000, windowMs: 60_000, cost: 1, id: "new" })).toMatchObject({ allowed: true, used: 1_001 });
    const stored = reader.get("window:rpm:alice", clock.now()) as { entries: unknown[]; folded: unknown[] };
    expect([stored.entries.length, stored.folded.length]).toEqual([64, 47]);
    expect(await store.hitWindow("rpm:alice", { limit: 2_000, windowMs: 60_000, cost: 0, id: "read" })).toMatchObject({ used: 1_001 });
  } finally {
    reader.close();
    await store.close();
  }
});
