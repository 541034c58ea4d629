import { beforeEach, expect, test } from "bun:test";
import { admitRequest, type Admission, type AdmitInput, type Refusal } from "../../src/limits/admit-request.ts";
import type { UserLimits } from "../../src/limits/user-limits.ts";
import { createMemoryStore } from "../../src/state/open-store.ts";
import type { StateStore } from "../../src/state/state-store.ts";
import { manualClock, type ManualClock } from "../state/store-contract.ts";

let clock: ManualClock;
let store: StateStore;
let requests = 0;
beforeEach(() => {
  clock = manualClock(Date.UTC(2026, 10, 29, 12, 0, 0));
  store = createMemoryStore(clock.now);
});

const admit = (limits: UserLimits, over: Partial<AdmitInput> = {}) =>
  admitRequest(store, clock.now, { userId: "alice", limits, model: "gpt-4o", estimatedTokens: 100, requestId: `r${requests++}`, slotTtlMs: 600_000, ...over });
const admitted = (result: Admission | Refusal) => {
  if (!result.allowed) throw new Error(`refused: ${result.refusal.message}`);
  return result;
};
const refused = (result: Admission | Refusal) => {
  if (result.allowed) throw new Error("admitted");
  return result;
};

test("rpm: exactly the limit passes in a minute; the refusal carries retry-after and the headers", async () => {
  for (let i = 0; i < 10; i++) {
    expect(admitted(await admit({ rpm: 10 })).headers).toEqual({
      "x-ratelimit-limit-requests": "10", "x-ratelimit-remaining-requests": String(9 - i), "x-ratelimit-reset-requests": "1m0s",
    });
    clock.advance(1_000);
  }
  const refusal = refused(await admit({ rpm: 10 }));
  expect(refusal.error.status).toBe(429);
  expect(refusal.error.code).toBe("rate_limit_exceeded");
  expect(refusal.error.headers).toMatchObject({ "retry-after": "50", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "59s" });
  clock.advance(50_000);
  admitted(await admit({ rpm: 10 }));
});

test("tpm: the estimate is charged up front and settled with the real usage", async () => {
  const limits = { tpm: 1_000 };
  const first = admitted(await admit(limits, { estimatedTokens: 900 }));
  expect(first.headers).toMatchObject({ "x-ratelimit-remaining-tokens": "100" });
  expect(refused(await admit(limits, { estimatedTokens: 200 })).error.headers["x-ratelimit-remaining-tokens"]).toBe("100");
  await first.finish(150);
  expect(admitted(await admit(limits, { estimatedTokens: 200 })).headers).toMatchObject({ "x-ratelimit-remaining-tokens": "650" });
  const large = refused(await admit(limits, { estimatedTokens: 1_001 }));
  expect(large.error.message).toContain("Request too large");
  expect(large.error.headers["x-should-retry"]).toBe("false");
});

test("a request refused for tokens does not count against rpm, and frees its concurrency slot", async () => {
  const limits = { rpm: 2, tpm: 1_000, maxConcurrent: 1 };
  const refusal = refused(await admit(limits, { estimatedTokens: 2_000 }));
  expect(refusal.error.headers).toMatchObject({ "x-ratelimit-remaining-requests": "2", "x-ratelimit-remaining-tokens": "1000" });
  const a = admitted(await admit(limits));
  expect(a.headers["x-ratelimit-remaining-requests"]).toBe("1");
  expect(refused(await admit(limits)).refusal.check).toBe("concurrency");
  await a.finish(null);
  admitted(await admit(limits));
});

test("maxConcurrent: a slot is held until finish, and a lapsed lease frees it", async () => {
  const limits = { maxConcurrent: 2 };
  const a = admitted(await admit(limits, { slotTtlMs: 5_000 }));
  admitted(await admit(limits, { slotTtlMs: 60_000 }));
  const refusal = refused(await admit(limits));
  expect(refusal.error.headers).toMatchObject({ "retry-after": "1" });
  expect(refusal.error.message).toContain("Limit 2, In progress 2");
  expect(await a.renew(10_000)).toBe(true);
  clock.advance(10_000);
  admitted(await admit(limits));
  expect(admitted(await admit({})).headers).toEqual({});
});

test("monthlyTokens: real usage only; refused once reached, until the next UTC month", async () => {
  const limits = { monthlyTokens: 1_000 };
  admitted(await admit(limits, { estimatedTokens: 5_000 }));
  await store.recordUsage({ userId: "alice", model: "gpt-4o", requests: 1, promptTokens: 600, completionTokens: 399, totalTokens: 999 });
  admitted(await admit(limits));
  await store.recordUsage({ userId: "alice", model: "gpt-4o", requests: 1, promptTokens: 1, completionTokens: 0, totalTokens: 1 });
  const refusal = refused(await admit(limits));
  expect(refusal.error.code).toBe("insufficient_quota");
  expect(refusal.error.headers["retry-after"]).toBe(String(36 * 3600));
  clock.set(Date.UTC(2026, 11, 1));
  admitted(await admit(limits));
});
