import { afterAll, expect, test } from "bun:test";
import { openSqliteStore } from "../../src/state/open-store.ts";
import { OTHERS_RECHECK_MS } from "../../src/state/sqlite-kv.ts";
import { makeTempDir } from "../support/temp-files.ts";
import { describeStoreContract, manualClock } from "./store-contract.ts";

const temp = makeTempDir();
afterAll(() => temp.cleanup());
let opened = 0;

// Each store gets a directory of its own: nothing carries over between tests.
describeStoreContract("sqlite", (now) => openSqliteStore(`${temp.dir}/contract-${opened++}`, now));

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
