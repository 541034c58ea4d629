import { expect, test } from "bun:test";
import { breakerPhase, CLOSED_BREAKER, type BreakerState } from "../../src/state/breaker-state.ts";

const NOW = 1_000_000;
const cases: Array<[string, BreakerState, ReturnType<typeof breakerPhase>]> = [
  ["never failed", CLOSED_BREAKER, "closed"],
  ["failing, under the threshold", { consecutiveFailures: 4, openUntil: null, probeUntil: null }, "closed"],
  ["open", { consecutiveFailures: 5, openUntil: NOW + 1, probeUntil: null }, "open"],
  ["open time over", { consecutiveFailures: 5, openUntil: NOW, probeUntil: null }, "half-open"],
  ["a probe in flight", { consecutiveFailures: 5, openUntil: NOW - 10, probeUntil: NOW + 1 }, "probing"],
  ["the probe's lease lapsed", { consecutiveFailures: 5, openUntil: NOW - 10, probeUntil: NOW }, "half-open"],
];
for (const [name, state, phase] of cases) test(`${name}: ${phase}`, () => expect(breakerPhase(state, NOW)).toBe(phase));
