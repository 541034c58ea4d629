/**
 * The one contract every StateStore passes (memory, SQLite, Redis, and Redis behind the degrading wrapper).
 * Time is a manual clock handed to the store, so windows, leases and months are tested without waiting.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Redis } from "ioredis";
import type { KvBackend } from "../../src/state/kv-state-store.ts";
import type { Clock, StateStore } from "../../src/state/state-store.ts";

/** A clock the test moves by hand. */
export interface ManualClock {
  readonly now: Clock;
  set(at: number): void;
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2026, 10, 15, 12, 0, 0)): ManualClock {
  let at = start;
  return { now: () => at, set: (value) => void (at = value), advance: (ms) => void (at += ms) };
}

/** Opens a fresh, empty store reading time from `now`. */
export type OpenStore = (now: Clock) => Promise<StateStore>;

/** How many entries the store last opened keeps for the window at `key` (exact and folded together). */
export type WindowSize = (key: string) => Promise<number>;

/** The entries a KvBackend holds for a window (the memory and SQLite stores' layout). */
export function kvWindowSize(kv: KvBackend, now: Clock): WindowSize {
  return async (key) => {
    const stored = kv.get(`window:${key}`, now()) as { entries: unknown[]; folded?: unknown[] } | undefined;
    return (stored?.entries.length ?? 0) + (stored?.folded?.length ?? 0);
  };
}

/** The members the Redis store keeps for a window: its exact and its folded sorted sets. */
export function redisWindowSize(redis: Pick<Redis, "zcard">, keyPrefix: string): WindowSize {
  return async (key) => (await redis.zcard(`${keyPrefix}window:${key}`)) + (await redis.zcard(`${keyPrefix}folded:${key}`));
}

const MINUTE = 60_000;
/** Most entries a minute's window may hold: 64 exact ones and one folded entry per second. */
const WINDOW_BOUND = 64 + 61;

/** The exact log of what a store admitted, to hold its decisions to: entries counted for exactly `windowMs`. */
function exactLog(windowMs: number) {
  const admitted: Array<{ at: number; cost: number }> = [];
  const live = (now: number, extraMs = 0) => admitted.filter((entry) => entry.at > now - windowMs - extraMs);
  const used = (now: number, extraMs = 0) => live(now, extraMs).reduce((sum, entry) => sum + entry.cost, 0);
  return {
    add: (at: number, cost: number) => void admitted.push({ at, cost }),
    used,
    /** Until enough has left for `cost` to fit under `limit`. */
    retryAfterMs(now: number, cost: number, limit: number): number {
      let left = used(now);
      for (const entry of live(now)) {
        left -= entry.cost;
        if (left + cost <= limit) return entry.at + windowMs - now;
      }
      return 0;
    },
  };
}

/** `windowSize`, where the test can read the stored window, holds the store to a bounded size too. */
export function describeStoreContract(name: string, open: OpenStore, windowSize?: WindowSize): void {
  describe(`${name} store contract`, () => {
    let clock: ManualClock;
    let store: StateStore;
    beforeEach(async () => {
      clock = manualClock();
      store = await open(clock.now);
    });
    afterEach(() => store.close());

    const hit = (key: string, limit: number, cost = 1, id = crypto.randomUUID()) =>
      store.hitWindow(key, { limit, windowMs: MINUTE, cost, id });

    test("a window admits up to its limit, then refuses with the wait until the oldest entry leaves", async () => {
      for (let i = 0; i < 3; i++) {
        expect(await hit("rpm:alice", 3)).toMatchObject({ allowed: true, used: i + 1, remaining: 2 - i, retryAfterMs: 0 });
        clock.advance(1_000);
      }
      const refused = await hit("rpm:alice", 3);
      expect(refused).toMatchObject({ allowed: false, used: 3, remaining: 0, retryAfterMs: 57_000, resetMs: 59_000, entry: null });
      expect((await hit("rpm:bob", 3)).allowed).toBe(true);
    });

    test("the window slides: never more than the limit in any 60 s, across any boundary", async () => {
      for (let i = 0; i < 5; i++) expect((await hit("w", 10)).allowed).toBe(true);
      clock.advance(30_000);
      for (let i = 0; i < 5; i++) expect((await hit("w", 10)).allowed).toBe(true);
      clock.advance(29_999);
      expect((await hit("w", 10)).allowed).toBe(false);
      clock.advance(1);
      // The first five left exactly 60 s after they came; the last five still count.
      for (let i = 0; i < 5; i++) expect((await hit("w", 10)).allowed).toBe(true);
      expect(await hit("w", 10)).toMatchObject({ allowed: false, retryAfterMs: 30_000 });
    });

    test("a token window takes estimates, waits for enough room, and never fits more than its limit", async () => {
      expect(await hit("tpm", 1_000, 600)).toMatchObject({ allowed: true, used: 600, remaining: 400 });
      clock.advance(10_000);
      expect(await hit("tpm", 1_000, 300)).toMatchObject({ allowed: true, used: 900 });
      clock.advance(10_000);
      expect(await hit("tpm", 1_000, 500)).toMatchObject({ allowed: false, used: 900, retryAfterMs: 40_000 });
      expect(await hit("tpm", 1_000, 1_001)).toMatchObject({ allowed: false, retryAfterMs: null });
      expect(await hit("tpm", 1_000, 0)).toMatchObject({ allowed: true, used: 900, entry: null, resetMs: 50_000 });
    });

    test("settling replaces an estimate with the real usage, and 0 undoes the entry", async () => {
      const first = await hit("tpm", 1_000, 800);
      await store.settleWindow("tpm", first.entry!, 120);
      expect(await hit("tpm", 1_000, 0)).toMatchObject({ used: 120 });
      const second = await hit("tpm", 1_000, 500);
      await store.settleWindow("tpm", second.entry!, 900);
      expect(await hit("tpm", 1_000, 0)).toMatchObject({ used: 1_020, remaining: 0 });
      // An entry is named by its id and time, so the entry as first returned settles again.
      await store.settleWindow("tpm", second.entry!, 0);
      expect(await hit("tpm", 1_000, 0)).toMatchObject({ used: 120 });
    });

    test("fractions count as whole units", async () => {
      const entry = (await hit("tpm", 1_000, 2.2)).entry!;
      expect(entry.cost).toBe(3);
      await store.settleWindow("tpm", entry, 4.5);
      expect(await hit("tpm", 1_000, 0)).toMatchObject({ used: 5 });
    });

    test("settling an entry that has left the window brings nothing back", async () => {
      const entry = (await hit("tpm", 1_000, 400)).entry!;
      clock.advance(MINUTE);
      await store.settleWindow("tpm", entry, 700);
      expect(await hit("tpm", 1_000, 0)).toMatchObject({ used: 0, resetMs: 0 });
    });

    test("5,000 admissions into one window: bounded size, never more permissive than the exact log, waits within a second of it", async () => {
      // 150 units a second offered against 4,000 a minute: it fills, refuses, and admits again as entries leave.
      const limit = 4_000;
      const exact = exactLog(MINUTE);
      let admitted = 0;
      let refused = 0;
      let largest = 0;
      for (let i = 0; i < 5_000; i++) {
        const now = clock.now();
        const cost = 1 + (i % 5);
        const result = await hit("busy", limit, cost);
        // Never counts less than the exact log, and an entry at most a second longer than it would.
        expect(result.used - (result.allowed ? cost : 0)).toBeWithin(exact.used(now), exact.used(now, 1_000) + 1);
        if (result.allowed) {
          expect(exact.used(now) + cost).toBeLessThanOrEqual(limit);
          exact.add(now, cost);
          admitted++;
        } else {
          refused++;
          expect(exact.used(now, 1_000) + cost).toBeGreaterThan(limit);
          const wait = exact.retryAfterMs(now, cost, limit);
          expect(result.retryAfterMs!).toBeWithin(wait, wait + 1_000);
          expect(result.resetMs).toBeWithin(1, MINUTE + 1);
        }
        if (windowSize && i % 50 === 0) largest = Math.max(largest, await windowSize("busy"));
        clock.advance(20);
      }
      expect(admitted).toBeGreaterThan(2_500);
      expect(refused).toBeGreaterThan(1_000);
      if (windowSize) {
        expect(largest).toBeGreaterThan(64);
        expect(largest).toBeLessThanOrEqual(WINDOW_BOUND);
      }
    }, 30_000);

    test("a window of up to 64 entries is the exact log: each entry leaves at its own time", async () => {
      for (let i = 0; i < 64; i++) {
        expect((await hit("small", 64)).allowed).toBe(true);
        clock.advance(10);
      }
      expect(await hit("small", 64)).toMatchObject({ allowed: false, retryAfterMs: MINUTE - 640 });
      clock.advance(MINUTE - 640);
      expect(await hit("small", 64)).toMatchObject({ allowed: true, used: 64 });
      expect(await hit("small", 64)).toMatchObject({ allowed: false, retryAfterMs: 10 });
      if (windowSize) expect(await windowSize("small")).toBe(64);
    });

    test("beyond 64 entries, older ones count until the last of their second leaves", async () => {
      // 100 admissions 10 ms apart: the first 36 (0–350 ms, all in one second) are folded into one entry.
      for (let i = 0; i < 100; i++) {
        expect((await hit("folding", 100)).allowed).toBe(true);
        clock.advance(10);
      }
      if (windowSize) expect(await windowSize("folding")).toBe(65);
      // The exact log would free the first entry at 60 s; folded, all 36 leave with the last of them at 60.35 s.
      expect(await hit("folding", 100)).toMatchObject({ allowed: false, used: 100, retryAfterMs: MINUTE + 350 - 1_000 });
      clock.advance(MINUTE + 350 - 1_000 - 1);
      expect((await hit("folding", 100)).allowed).toBe(false);
      clock.advance(1);
      expect(await hit("folding", 100)).toMatchObject({ allowed: true, used: 65 });
    });

    test("settling a folded entry: a lower cost stands as admitted, a higher one counts", async () => {
      const first = await hit("tpm", 100_000, 500);
      clock.advance(10);
      const second = await hit("tpm", 100_000, 500);
      for (let i = 0; i < 64; i++) {
        clock.advance(10);
        await hit("tpm", 100_000, 1);
      }
      expect(await hit("tpm", 100_000, 0)).toMatchObject({ used: 1_064 });
      await store.settleWindow("tpm", first.entry!, 0);
      expect(await hit("tpm", 100_000, 0)).toMatchObject({ used: 1_064 });
      await store.settleWindow("tpm", second.entry!, 800);
      expect(await hit("tpm", 100_000, 0)).toMatchObject({ used: 1_364 });
      // Still exact entries settle as before.
      const newest = await hit("tpm", 100_000, 10);
      await store.settleWindow("tpm", newest.entry!, 0);
      expect(await hit("tpm", 100_000, 0)).toMatchObject({ used: 1_364 });
    });

    test("concurrent hits admit exactly the limit", async () => {
      const results = await Promise.all(Array.from({ length: 30 }, () => hit("burst", 10)));
      expect(results.filter((result) => result.allowed)).toHaveLength(10);
    });

    test("slots: at most `limit` leases; release and lapse free them; renew keeps one alive", async () => {
      const take = (leaseId: string, ttlMs = 10_000) => store.acquireSlot("conc:alice", { limit: 2, leaseId, ttlMs });
      expect(await take("a")).toEqual({ acquired: true, limit: 2, count: 1 });
      expect(await take("b", 5_000)).toEqual({ acquired: true, limit: 2, count: 2 });
      expect(await take("c")).toEqual({ acquired: false, limit: 2, count: 2 });
      expect(await take("a")).toEqual({ acquired: true, limit: 2, count: 2 });
      await store.releaseSlot("conc:alice", "a");
      expect((await take("c")).acquired).toBe(true);
      clock.advance(4_000);
      expect(await store.renewSlot("conc:alice", "b", 10_000)).toBe(true);
      clock.advance(6_000);
      // "c" was taken 10 s ago with a 10 s lease and lapsed, as a crashed replica's would; "b" was renewed.
      expect(await store.renewSlot("conc:alice", "c", 10_000)).toBe(false);
      expect(await take("d")).toEqual({ acquired: true, limit: 2, count: 2 });
      expect((await take("e")).acquired).toBe(false);
    });

    test("concurrent acquires take exactly the limit", async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.acquireSlot("conc", { limit: 5, leaseId: `l${i}`, ttlMs: 60_000 })),
      );
      expect(results.filter((result) => result.acquired)).toHaveLength(5);
    });

    test("usage adds up per user and model in the /admin/usage shape", async () => {
      await store.recordUsage({ userId: "alice", model: "gpt-4o", requests: 1, promptTokens: 10, completionTokens: 5, totalTokens: 15 });
      await store.recordUsage({ userId: "alice", model: "gpt-4o", requests: 1, promptTokens: 7, completionTokens: 3, totalTokens: 10 });
      await store.recordUsage({ userId: "alice", model: "text-embedding-3-small", requests: 1, promptTokens: 4, completionTokens: 0, totalTokens: 4 });
      await store.recordUsage({ userId: "proxy:res-1", model: "gpt-4o:mini", requests: 2, promptTokens: 1, completionTokens: 1, totalTokens: 2 });
      expect(await store.readUsage()).toEqual({
        users: {
          alice: {
            "gpt-4o": { requests: 2, prompt_tokens: 17, completion_tokens: 8, total_tokens: 25 },
            "text-embedding-3-small": { requests: 1, prompt_tokens: 4, completion_tokens: 0, total_tokens: 4 },
          },
          "proxy:res-1": { "gpt-4o:mini": { requests: 2, prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
        },
      });
      expect(await store.readMonthTokens("alice")).toBe(29);
      expect(await store.readMonthTokens("bob")).toBe(0);
    });

    test("the monthly count starts over at the first instant of the next UTC month; totals do not", async () => {
      clock.set(Date.UTC(2026, 10, 30, 23, 59, 59, 999));
      await store.recordUsage({ userId: "alice", model: "gpt-4o", requests: 1, promptTokens: 60, completionTokens: 40, totalTokens: 100 });
      expect(await store.readMonthTokens("alice")).toBe(100);
      clock.advance(1);
      expect(await store.readMonthTokens("alice")).toBe(0);
      await store.recordUsage({ userId: "alice", model: "gpt-4o", requests: 1, promptTokens: 1, completionTokens: 1, totalTokens: 2 });
      expect(await store.readMonthTokens("alice")).toBe(2);
      expect((await store.readUsage()).users.alice!["gpt-4o"]!.total_tokens).toBe(102);
    });

    test("cooldowns last until their time, keep the later of two, and lapse", async () => {
      const start = clock.now();
      await store.setCooldown("ptu-east", start + 2_500);
      await store.setCooldown("ptu-east", start + 1_000);
      await store.setCooldown("paygo-west", start + 5_000);
      await store.setCooldown("old", start - 1);
      expect(await store.readCooldowns(["ptu-east", "paygo-west", "old", "never"])).toEqual({
        "ptu-east": start + 2_500,
        "paygo-west": start + 5_000,
      });
      clock.advance(2_500);
      expect(await store.readCooldowns(["ptu-east", "paygo-west"])).toEqual({ "paygo-west": start + 5_000 });
      expect(await store.readCooldowns([])).toEqual({});
    });

    test("reading cooldowns and circuits together gives what the two reads give, lapsed cooldowns left out", async () => {
      const start = clock.now();
      await store.setCooldown("ptu-east", start + 2_500);
      await store.setCooldown("old", start - 1);
      await store.recordBreakerFailure("paygo-west", { threshold: 1, openMs: 30_000 });
      const names = ["ptu-east", "paygo-west", "old", "never"];
      const separately = { cooldowns: await store.readCooldowns(names), breakers: await store.readBreakers(names) };
      expect(separately.cooldowns).toEqual({ "ptu-east": start + 2_500 });
      expect(separately.breakers["paygo-west"]).toEqual({ consecutiveFailures: 1, openUntil: start + 30_000, probeUntil: null });
      if (store.readUpstreams) expect(await store.readUpstreams(names)).toEqual(separately);
    });

    test("breaker: opens at the threshold, lets one probe through after, and closes on success", async () => {
      const options = { threshold: 3, openMs: 30_000 };
      expect(await store.readBreakers(["up"])).toEqual({ up: { consecutiveFailures: 0, openUntil: null, probeUntil: null } });
      await store.recordBreakerFailure("up", options);
      expect(await store.recordBreakerFailure("up", options)).toEqual({ consecutiveFailures: 2, openUntil: null, probeUntil: null });
      await store.recordBreakerSuccess("up");
      await store.recordBreakerFailure("up", options);
      await store.recordBreakerFailure("up", options);
      const opened = await store.recordBreakerFailure("up", options);
      expect(opened).toEqual({ consecutiveFailures: 3, openUntil: clock.now() + 30_000, probeUntil: null });
      expect(await store.tryBreakerProbe("up", 5_000)).toBe(false);
      clock.advance(30_000);
      const probes = await Promise.all(Array.from({ length: 5 }, () => store.tryBreakerProbe("up", 5_000)));
      expect(probes.filter(Boolean)).toHaveLength(1);
      expect((await store.readBreakers(["up"])).up!.probeUntil).toBe(clock.now() + 5_000);
      expect(await store.recordBreakerSuccess("up")).toEqual({ consecutiveFailures: 0, openUntil: null, probeUntil: null });
      expect(await store.readBreakers(["up", "other"])).toEqual({
        up: { consecutiveFailures: 0, openUntil: null, probeUntil: null },
        other: { consecutiveFailures: 0, openUntil: null, probeUntil: null },
      });
    });

    test("breaker: a failed probe opens it again at once; a lapsed probe lets another caller probe", async () => {
      const options = { threshold: 1, openMs: 10_000 };
      await store.recordBreakerFailure("up", options);
      clock.advance(10_000);
      expect(await store.tryBreakerProbe("up", 2_000)).toBe(true);
      const reopened = await store.recordBreakerFailure("up", options);
      expect(reopened).toEqual({ consecutiveFailures: 2, openUntil: clock.now() + 10_000, probeUntil: null });
      clock.advance(10_000);
      expect(await store.tryBreakerProbe("up", 2_000)).toBe(true);
      clock.advance(1_999);
      expect(await store.tryBreakerProbe("up", 2_000)).toBe(false);
      clock.advance(1);
      expect(await store.tryBreakerProbe("up", 2_000)).toBe(true);
      expect(await store.tryBreakerProbe("never-failed", 2_000)).toBe(false);
    });
  });
}
