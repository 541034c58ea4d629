/**
 * The router over a real store (memory and SQLite, one injected clock): two routers on one store stand
 * for two replicas. Cooldowns and circuits are the store's state, so both see every change, and the
 * half-open probe goes to exactly one of them.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createMemoryStore, openSqliteStore } from "../../src/state/open-store.ts";
import type { StateStore } from "../../src/state/state-store.ts";
import { createUpstreamRouter, type EndedAttempt } from "../../src/routing/upstream-router.ts";
import type { RouteCandidate } from "../../src/routing/route-order.ts";
import type { Upstream } from "../../src/routing/upstream.ts";
import { makeTempDir } from "../support/temp-files.ts";

const CANDIDATES: RouteCandidate[] = [
  { name: "ptu", priority: 0, weight: 1 },
  { name: "west", priority: 1, weight: 3 },
  { name: "swe", priority: 1, weight: 1 },
];
const PTU: Upstream[] = [{
  name: "ptu", resourceId: "res-ptu", endpoint: "https://res-ptu.openai.azure.com", apiVersion: "2024-10-21",
  deployments: { "gpt-4o": "gpt-4o" }, priority: 0, weight: 1, auth: { type: "managedIdentity" }, source: "test",
}];
const SETTINGS = { breaker: { failures: 2, cooldownMs: 30_000 }, cooldownFallbackMs: 500, probeLeaseMs: 60_000 };
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function ended(ending: EndedAttempt["ending"], extra: Partial<EndedAttempt> = {}): EndedAttempt {
  return { ending, headers: null, probe: false, before: {}, latencyMs: 10, ...extra };
}

const STORES: Array<[string, (now: () => number) => Promise<StateStore>]> = [
  ["memory", async (now) => createMemoryStore(now)],
  ["sqlite", (now) => openSqliteStore(tmp.dir + `/${crypto.randomUUID()}`, now)],
];

describe.each(STORES)("%s store", (_kind, open) => {
  async function replicas() {
    let now = 1_000_000;
    const clock = () => now;
    const store = await open(clock);
    return {
      a: createUpstreamRouter(store, clock, SETTINGS),
      b: createUpstreamRouter(store, clock, SETTINGS),
      advance: (ms: number) => void (now += ms),
      close: () => store.close(),
    };
  }

  test("a 429 seen by one router keeps the other away for exactly the wait; the shortest wait explains an empty plan", async () => {
    const { a, b, advance, close } = await replicas();
    expect(await b.plan(CANDIDATES)).toMatchObject({ ok: true, order: ["ptu", "west", "swe"] });
    await a.report("ptu", ended({ kind: "status", status: 429 }, { headers: new Headers({ "retry-after-ms": "2500" }) }));
    expect(await b.plan(CANDIDATES)).toMatchObject({ ok: true, order: ["west", "swe"] });
    await a.report("west", ended({ kind: "status", status: 429 }, { headers: new Headers({ "retry-after": "4" }) }));
    await a.report("swe", ended({ kind: "status", status: 429 }));
    expect(await b.plan(CANDIDATES)).toEqual({ ok: false, why: { reason: "cooling_down", waitMs: 500 } });
    advance(2499);
    expect(await b.explain(CANDIDATES)).toEqual({ reason: "cooling_down", waitMs: 1 });
    advance(1);
    expect(await b.plan(CANDIDATES)).toMatchObject({ ok: true, order: ["ptu", "swe"] });
    await close();
  });

  test("failures open the circuit on both; after the cooldown exactly one router gets the probe; its success closes it", async () => {
    const { a, b, advance, close } = await replicas();
    await a.report("ptu", ended({ kind: "status", status: 503 }));
    await b.report("ptu", ended({ kind: "timeout" }));
    expect(await a.plan(CANDIDATES)).toMatchObject({ ok: true, order: ["west", "swe"] });
    expect((await b.describe(PTU)).upstreams[0]?.state).toBe("circuit open until 1970-01-01T00:17:10.000Z");
    advance(30_000);
    const planA = await a.plan(CANDIDATES);
    const planB = await b.plan(CANDIDATES);
    if (!planA.ok || !planB.ok) throw new Error("both plans should include the half-open upstream");
    expect(planA.order[0]).toBe("ptu");
    const claims = [await a.claim("ptu", planA.states), await b.claim("ptu", planB.states)];
    expect(claims.map(({ ok, probe }) => ({ ok, probe }))).toEqual([{ ok: true, probe: true }, { ok: false, probe: false }]);
    expect((await b.describe(PTU)).upstreams[0]?.state).toBe("half-open");
    await a.report("ptu", ended({ kind: "status", status: 200 }, { probe: true, before: planA.states }));
    expect((await b.describe(PTU)).upstreams[0]?.state).toBe("healthy");
    const closed = await b.plan(CANDIDATES);
    if (!closed.ok) throw new Error("the closed upstream should be planned");
    expect(closed.order[0]).toBe("ptu");
    expect(await b.claim("ptu", closed.states)).toMatchObject({ ok: true, probe: false });
    await close();
  });

  test("a failed probe opens the circuit for another cooldown; 429s, client 4xx and clients that leave never count", async () => {
    const { a, advance, close } = await replicas();
    for (const ending of [{ kind: "status", status: 429 }, { kind: "status", status: 400 }, { kind: "client-gone" }] as const) {
      await a.report("ptu", ended(ending));
      await a.report("ptu", ended(ending));
    }
    advance(1000);
    expect((await a.describe(PTU)).upstreams[0]?.state).toBe("healthy");
    await a.report("ptu", ended({ kind: "connection" }));
    await a.report("ptu", ended({ kind: "status", status: 500 }));
    advance(30_000);
    const plan = await a.plan(CANDIDATES);
    if (!plan.ok) throw new Error("half-open upstream should be planned");
    expect(await a.claim("ptu", plan.states)).toMatchObject({ ok: true, probe: true });
    await a.report("ptu", ended({ kind: "status", status: 502 }, { probe: true, before: plan.states }));
    expect(await a.plan(CANDIDATES)).toMatchObject({ ok: true, order: ["west", "swe"] });
    advance(29_999);
    expect(await a.plan(CANDIDATES)).toMatchObject({ ok: true, order: ["west", "swe"] });
    advance(1);
    expect(await a.plan(CANDIDATES)).toMatchObject({ ok: true, order: ["ptu", "west", "swe"] });
    await close();
  });

  test("weights 3:1: the first pick of each plan follows smooth weighted round-robin within the group", async () => {
    const { a, close } = await replicas();
    await a.report("ptu", ended({ kind: "status", status: 429 }, { headers: new Headers({ "retry-after-ms": "60000" }) }));
    const firsts: string[] = [];
    for (let i = 0; i < 8; i++) {
      const plan = await a.plan(CANDIDATES);
      if (plan.ok) firsts.push(plan.order[0]!);
    }
    expect(firsts).toEqual(["west", "west", "swe", "west", "west", "west", "swe", "west"]);
    await close();
  });
});
