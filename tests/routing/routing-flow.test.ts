// The routing blocks put together the way the proxy will use them, over plain state and a fake clock.

import { expect, test } from "bun:test";
import { noUpstreamError } from "../../src/routing/no-upstream-error.ts";
import { recordAttempt, takeUpstream } from "../../src/routing/record-attempt.ts";
import { explainNoUpstream, pickFirst, pickNext, type RouteCandidate } from "../../src/routing/route-order.ts";
import { stateOf, type UpstreamStates } from "../../src/routing/upstream-state.ts";

const SETTINGS = { breaker: { failures: 2, cooldownMs: 30_000 }, cooldownFallbackMs: 1000 };
const CANDIDATES: RouteCandidate[] = [
  { name: "ptu", priority: 0, weight: 1 },
  { name: "west", priority: 1, weight: 3 },
  { name: "swe", priority: 1, weight: 1 },
];

/** A tiny in-memory stand-in for the state store. */
function world() {
  let states: UpstreamStates = {};
  return {
    get states() {
      return states;
    },
    take(name: string, now: number) {
      const taken = takeUpstream(stateOf(states, name), now);
      states = { ...states, [name]: taken.state };
      return taken.probe;
    },
    report(name: string, status: number | "timeout", now: number, headers: Record<string, string> = {}, probe = false) {
      const ending = status === "timeout" ? { kind: "timeout" as const } : { kind: "status" as const, status };
      states = { ...states, [name]: recordAttempt(stateOf(states, name), { ending, headers: new Headers(headers), probe }, now, SETTINGS) };
    },
  };
}

const input = (states: UpstreamStates, now: number, exclude: string[] = []) => ({
  candidates: CANDIDATES, states, exclude: new Set(exclude), now, breaker: SETTINGS.breaker,
});

test("a 429 moves every request off the upstream for exactly Azure's wait", () => {
  const w = world();
  const first = pickFirst(input(w.states, 0), {})!;
  expect(first.name).toBe("ptu");
  w.take("ptu", 0);
  w.report("ptu", 429, 10, { "retry-after-ms": "4000", "retry-after": "4" });
  // This request spills over within the next group; so does every other request until 4010.
  expect(pickNext(input(w.states, 10, ["ptu"]))).toBe("west");
  expect(pickFirst(input(w.states, 4009), {})?.name).not.toBe("ptu");
  expect(pickFirst(input(w.states, 4010), {})?.name).toBe("ptu");
});

test("with every upstream cooling down, the client's 429 carries the shortest wait", () => {
  const w = world();
  w.report("ptu", 429, 0, { "retry-after-ms": "9000" });
  w.report("west", 429, 0, { "retry-after": "3" });
  w.report("swe", 429, 0, {});
  expect(pickFirst(input(w.states, 500), {})).toBeNull();
  const error = noUpstreamError("gpt-4o", explainNoUpstream(input(w.states, 500)));
  expect(error.status).toBe(429);
  expect(error.headers).toEqual({ "retry-after": "1", "retry-after-ms": "500" });
});

test("failures open the circuit, one probe goes after the cooldown, and its success closes it", () => {
  const w = world();
  for (const at of [0, 1]) {
    w.take("ptu", at);
    w.report("ptu", at === 0 ? 503 : "timeout", at);
  }
  expect(pickFirst(input(w.states, 2), {})?.name).toBe("west");
  expect(pickFirst(input(w.states, 30_001), {})?.name).toBe("ptu");
  const probe = w.take("ptu", 30_001);
  expect(probe).toBe(true);
  // While the probe is out, other requests go elsewhere.
  expect(pickFirst(input(w.states, 30_002), {})?.name).toBe("west");
  w.report("ptu", 200, 30_500, {}, probe);
  expect(stateOf(w.states, "ptu").breaker).toEqual({ phase: "closed", failures: 0 });
  expect(pickFirst(input(w.states, 30_501), {})?.name).toBe("ptu");
});

test("a 429 does not count toward the breaker, and a client's 400 does not either", () => {
  const w = world();
  w.report("ptu", 500, 0);
  w.report("ptu", 429, 1, { "retry-after-ms": "1" });
  w.report("ptu", 400, 2);
  expect(stateOf(w.states, "ptu").breaker).toEqual({ phase: "closed", failures: 1 });
});
