import { describe, expect, test } from "bun:test";
import type { BreakerState } from "../../src/state/breaker-state.ts";
import { explainNoUpstream, orderUpstreams, pickFirst, type RouteCandidate, type RouteInput } from "../../src/routing/route-order.ts";
import type { UpstreamStates } from "../../src/routing/upstream-state.ts";
import { pickWeighted, type SwrrState } from "../../src/routing/weighted-round-robin.ts";

const NOW = 1_000_000;

// The example: a PTU deployment first, two pay-as-you-go regions (3:1) to spill over to.
const CANDIDATES: RouteCandidate[] = [
  { name: "ptu-east", priority: 0, weight: 1 },
  { name: "paygo-swe", priority: 1, weight: 1 },
  { name: "paygo-west", priority: 1, weight: 3 },
];

function input(states: UpstreamStates = {}, exclude: string[] = [], candidates = CANDIDATES): RouteInput {
  return { candidates, states, exclude: new Set(exclude), now: NOW };
}

const cooling = (until: number) => ({ coolingUntil: until, breaker: { consecutiveFailures: 0, openUntil: null, probeUntil: null } as BreakerState });
const open = (until: number) => ({ coolingUntil: 0, breaker: { consecutiveFailures: 5, openUntil: until, probeUntil: null } as BreakerState });

/** Counts first picks over `n` requests, threading the round-robin state through. */
function countPicks(routeInput: RouteInput, n: number): Record<string, number> {
  let swrr: SwrrState = {};
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const picked = pickFirst(routeInput, swrr);
    if (!picked) throw new Error("nothing picked");
    swrr = picked.swrr;
    counts[picked.name] = (counts[picked.name] ?? 0) + 1;
  }
  return counts;
}

describe("first attempt", () => {
  test("the lowest priority number with a usable upstream takes every request", () => {
    expect(countPicks(input(), 50)).toEqual({ "ptu-east": 50 });
  });

  test("weights spread a group 3:1 — 75% ± a few over 400 picks — evenly, not in bursts", () => {
    const counts = countPicks(input({ "ptu-east": cooling(NOW + 60_000) }), 400);
    expect(counts["paygo-west"]! / 400).toBeGreaterThanOrEqual(0.72);
    expect(counts["paygo-west"]! / 400).toBeLessThanOrEqual(0.78);
    expect(counts["paygo-west"]! + counts["paygo-swe"]!).toBe(400);
    // Smooth: the light upstream never gets two in a row.
    let swrr: SwrrState = {};
    const sequence: string[] = [];
    for (let i = 0; i < 8; i++) {
      const picked = pickWeighted([{ name: "a", weight: 3 }, { name: "b", weight: 1 }], swrr);
      swrr = picked.state;
      sequence.push(picked.name);
    }
    expect(sequence.join("")).toBe("aabaaaba");
  });

  test("the round-robin state is plain JSON and survives a round trip", () => {
    let swrr: SwrrState = {};
    const routeInput = input({ "ptu-east": open(NOW + 1) });
    for (let i = 0; i < 3; i++) swrr = JSON.parse(JSON.stringify(pickFirst(routeInput, swrr)!.swrr));
    expect(pickFirst(routeInput, swrr)?.name).toBe("paygo-west");
    expect(Object.keys(swrr).sort()).toEqual(["paygo-swe", "paygo-west"]);
  });

  test("cooling, open and probing upstreams are skipped; an open circuit whose time is up takes its probe", () => {
    expect(pickFirst(input({ "ptu-east": open(NOW + 1) }), {})?.name).toBe("paygo-west");
    expect(pickFirst(input({ "ptu-east": open(NOW) }), {})?.name).toBe("ptu-east");
    const probing = { coolingUntil: 0, breaker: { consecutiveFailures: 5, openUntil: NOW - 100, probeUntil: NOW + 30_000 } as BreakerState };
    expect(pickFirst(input({ "ptu-east": probing }), {})?.name).toBe("paygo-west");
    expect(pickFirst(input({ "ptu-east": cooling(NOW) }), {})?.name).toBe("ptu-east");
  });

  test("nothing usable gives null", () => {
    const all = { "ptu-east": cooling(NOW + 5), "paygo-swe": cooling(NOW + 5), "paygo-west": open(NOW + 5) };
    expect(pickFirst(input(all), {})).toBeNull();
    expect(pickFirst(input({}, [], []), {})).toBeNull();
  });
});

/** The first upstream in spill-over order, as a plan lists it after its pick. */
const next = (routeInput: RouteInput) => orderUpstreams(routeInput)[0]?.name ?? null;

describe("spill-over and content-filter order", () => {
  test("after a failure: the same group first (heavier first), then the next priority", () => {
    const group0 = [...CANDIDATES, { name: "ptu-north", priority: 0, weight: 2 }];
    expect(next(input({}, ["ptu-east"], group0))).toBe("ptu-north");
    expect(next(input({}, ["ptu-east", "ptu-north"], group0))).toBe("paygo-west");
    expect(next(input({}, ["ptu-east", "ptu-north", "paygo-west"], group0))).toBe("paygo-swe");
    expect(next(input({}, ["ptu-east", "ptu-north", "paygo-west", "paygo-swe"], group0))).toBeNull();
  });

  test("an upstream cooling down is left out of the order", () => {
    expect(next(input({ "paygo-west": cooling(NOW + 2000) }, ["ptu-east"]))).toBe("paygo-swe");
  });

  test("content-filter failover walks the same order past those that refused", () => {
    const order = orderUpstreams(input()).map((c) => c.name);
    expect(order).toEqual(["ptu-east", "paygo-west", "paygo-swe"]);
    expect(orderUpstreams(input({}, ["paygo-west"])).map((c) => c.name)).toEqual(["ptu-east", "paygo-swe"]);
  });

  test("equal priority and weight keep configuration order", () => {
    const same = [{ name: "b", priority: 1, weight: 1 }, { name: "a", priority: 1, weight: 1 }];
    expect(orderUpstreams(input({}, [], same)).map((c) => c.name)).toEqual(["b", "a"]);
  });
});

describe("explainNoUpstream", () => {
  test("with some cooling down, the client's wait is the shortest cooldown left (tried ones count)", () => {
    const states = { "ptu-east": cooling(NOW + 9000), "paygo-swe": cooling(NOW + 2500), "paygo-west": open(NOW + 1000) };
    expect(explainNoUpstream(input(states, ["paygo-swe"]))).toEqual({ reason: "cooling_down", waitMs: 2500 });
  });

  test("with only open circuits it is unavailable, with the time until the first probe", () => {
    const states = { "ptu-east": open(NOW + 9000), "paygo-swe": open(NOW + 4000), "paygo-west": open(NOW + 7000) };
    expect(explainNoUpstream(input(states))).toEqual({ reason: "unavailable", waitMs: 4000 });
  });

  test("probes in flight name no wait", () => {
    const probing = { coolingUntil: 0, breaker: { consecutiveFailures: 5, openUntil: NOW - 100, probeUntil: NOW + 30_000 } as BreakerState };
    expect(explainNoUpstream(input({ "ptu-east": probing }, [], [CANDIDATES[0]!]))).toEqual({ reason: "unavailable", waitMs: null });
  });
});
