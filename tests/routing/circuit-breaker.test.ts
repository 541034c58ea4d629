import { describe, expect, test } from "bun:test";
import {
  admitRequest,
  breakerAllows,
  CLOSED,
  isProbe,
  judgeEnding,
  recordOutcome,
  type AttemptEnding,
  type BreakerOutcome,
  type BreakerState,
} from "../../src/routing/circuit-breaker.ts";

const SETTINGS = { failures: 3, cooldownMs: 30_000 };

describe("judgeEnding", () => {
  const table: Array<[AttemptEnding, BreakerOutcome]> = [
    [{ kind: "status", status: 200 }, "success"],
    [{ kind: "status", status: 500 }, "failure"],
    [{ kind: "status", status: 503 }, "failure"],
    [{ kind: "status", status: 408 }, "failure"],
    [{ kind: "status", status: 307 }, "failure"],
    [{ kind: "timeout" }, "failure"],
    [{ kind: "connection" }, "failure"],
    [{ kind: "status", status: 429 }, "neutral"],
    [{ kind: "status", status: 400 }, "neutral"],
    [{ kind: "status", status: 404 }, "neutral"],
    [{ kind: "client-gone" }, "neutral"],
  ];
  test.each(table)("%o is %s", (ending, outcome) => expect(judgeEnding(ending)).toBe(outcome));
});

/** Plays a sequence of [time, event] through the breaker and returns every state seen. */
function play(steps: Array<[number, "send" | BreakerOutcome]>): Array<{ at: number; allowed?: boolean; state: BreakerState }> {
  let state: BreakerState = CLOSED;
  let probe = false;
  const seen: Array<{ at: number; allowed?: boolean; state: BreakerState }> = [];
  for (const [at, event] of steps) {
    if (event === "send") {
      const allowed = breakerAllows(state, at, SETTINGS);
      if (allowed) {
        probe = isProbe(state);
        state = admitRequest(state, at);
      }
      seen.push({ at, allowed, state });
    } else {
      state = recordOutcome(state, event, at, SETTINGS, probe);
      seen.push({ at, state });
    }
  }
  return seen;
}

describe("circuit breaker transitions (injected clock)", () => {
  test("consecutive failures open it for the cooldown; a success in between resets the count", () => {
    const seen = play([[0, "failure"], [1, "failure"], [2, "success"], [3, "failure"], [4, "failure"], [5, "failure"]]);
    expect(seen.map((s) => s.state)).toEqual([
      { phase: "closed", failures: 1 },
      { phase: "closed", failures: 2 },
      CLOSED,
      { phase: "closed", failures: 1 },
      { phase: "closed", failures: 2 },
      { phase: "open", until: 30_005 },
    ]);
  });

  test("429s, client 4xx and client disconnects neither count nor reset", () => {
    const seen = play([[0, "failure"], [1, "failure"], [2, "neutral"], [3, "neutral"], [4, "failure"]]);
    expect(seen.at(-2)?.state).toEqual({ phase: "closed", failures: 2 });
    expect(seen.at(-1)?.state).toEqual({ phase: "open", until: 30_004 });
  });

  test("open refuses until the cooldown ends, then exactly one probe goes; its success closes", () => {
    const seen = play([
      [0, "failure"], [0, "failure"], [0, "failure"],
      [29_999, "send"],
      [30_000, "send"],
      [30_001, "send"],
      [30_500, "success"],
      [30_501, "send"],
    ]);
    expect(seen.slice(3).map((s) => [s.allowed, s.state.phase])).toEqual([
      [false, "open"],
      [true, "half-open"],
      [false, "half-open"],
      [undefined, "closed"],
      [true, "closed"],
    ]);
  });

  test("a failed probe opens it again for a whole cooldown", () => {
    const seen = play([[0, "failure"], [0, "failure"], [0, "failure"], [30_000, "send"], [31_000, "failure"], [60_999, "send"], [61_000, "send"]]);
    expect(seen[4]?.state).toEqual({ phase: "open", until: 61_000 });
    expect(seen[5]?.allowed).toBe(false);
    expect(seen[6]?.allowed).toBe(true);
  });

  test("a probe that ends neutral hands the probe to the next request at once", () => {
    const seen = play([[0, "failure"], [0, "failure"], [0, "failure"], [30_000, "send"], [30_100, "neutral"], [30_101, "send"]]);
    expect(seen[4]?.state).toEqual({ phase: "open", until: 30_100 });
    expect(seen[5]).toMatchObject({ allowed: true, state: { phase: "half-open", probeSince: 30_101 } });
  });

  test("a probe that never reports is replaced after a cooldown", () => {
    const seen = play([[0, "failure"], [0, "failure"], [0, "failure"], [30_000, "send"], [59_999, "send"], [60_000, "send"]]);
    expect(seen.slice(3).map((s) => s.allowed)).toEqual([true, false, true]);
  });

  test("late outcomes of requests sent before it opened do not close an open circuit", () => {
    const open: BreakerState = { phase: "open", until: 30_000 };
    expect(recordOutcome(open, "success", 10, SETTINGS)).toEqual(open);
    const halfOpen: BreakerState = { phase: "half-open", probeSince: 30_000 };
    expect(recordOutcome(halfOpen, "success", 30_001, SETTINGS, false)).toEqual(halfOpen);
    expect(recordOutcome(halfOpen, "success", 30_001, SETTINGS, true)).toEqual(CLOSED);
  });

  test("the state is plain JSON", () => {
    const states = play([[0, "failure"], [0, "failure"], [0, "failure"], [30_000, "send"]]).map((s) => s.state);
    for (const state of states) expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});
