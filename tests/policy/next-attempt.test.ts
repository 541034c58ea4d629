import { describe, expect, test } from "bun:test";
import { decideNext, initialPolicyState, type PolicyState } from "../../src/policy/next-attempt.ts";

const NOW = 1_000_000;
const both = initialPolicyState(["primary", "secondary"]);
const primaryOnly = initialPolicyState(["primary"]);

describe("decideNext", () => {
  test("ok and fail stop", () => {
    expect(decideNext(both, { target: "primary", verdict: "ok", delayMs: 0 }, NOW, 3)).toMatchObject({ kind: "stop" });
    expect(decideNext(both, { target: "primary", verdict: "fail", delayMs: 0 }, NOW, 3)).toMatchObject({ kind: "stop" });
  });

  test("a throttled primary hands over to the secondary at once instead of waiting", () => {
    const step = decideNext(both, { target: "primary", verdict: "retry", delayMs: 2000 }, NOW, 3);
    expect(step).toMatchObject({ kind: "attempt", target: "secondary", waitMs: 0 });
    expect(step.kind === "attempt" && step.state.retries).toBe(1);
  });

  test("with one key, a retry waits the key's delay", () => {
    expect(decideNext(primaryOnly, { target: "primary", verdict: "retry", delayMs: 1500 }, NOW, 3)).toMatchObject({
      kind: "attempt",
      target: "primary",
      waitMs: 1500,
    });
  });

  test("when both keys rest, the next attempt goes to the one ready first", () => {
    const first = decideNext(both, { target: "primary", verdict: "retry", delayMs: 3000 }, NOW, 3);
    if (first.kind !== "attempt") throw new Error("expected an attempt");
    const second = decideNext(first.state, { target: "secondary", verdict: "retry", delayMs: 5000 }, NOW + 10, 3);
    expect(second).toMatchObject({ kind: "attempt", target: "primary", waitMs: 2990 });
  });

  test("retries are bounded across keys", () => {
    let state: PolicyState = both;
    let target = "primary";
    const targets: string[] = [];
    for (let i = 0; i < 10; i++) {
      const step = decideNext(state, { target, verdict: "retry", delayMs: 100 }, NOW + i * 1000, 3);
      if (step.kind === "stop") break;
      targets.push(step.target);
      state = step.state;
      target = step.target;
    }
    expect(targets).toEqual(["secondary", "primary", "secondary"]);
  });

  test("maxRetries 0 never retries", () => {
    expect(decideNext(both, { target: "primary", verdict: "retry", delayMs: 0 }, NOW, 0)).toMatchObject({ kind: "stop" });
  });

  test("a content-filtered primary switches to the secondary without using a retry", () => {
    const step = decideNext(both, { target: "primary", verdict: "content_filter", delayMs: 0 }, NOW, 0);
    expect(step).toMatchObject({ kind: "attempt", target: "secondary", waitMs: 0 });
    expect(step.kind === "attempt" && step.state.retries).toBe(0);
  });

  test("once both keys have filtered, or there is no secondary, the filter's answer stands", () => {
    const first = decideNext(both, { target: "primary", verdict: "content_filter", delayMs: 0 }, NOW, 3);
    if (first.kind !== "attempt") throw new Error("expected an attempt");
    expect(decideNext(first.state, { target: "secondary", verdict: "content_filter", delayMs: 0 }, NOW, 3)).toMatchObject({ kind: "stop" });
    expect(decideNext(primaryOnly, { target: "primary", verdict: "content_filter", delayMs: 0 }, NOW, 3)).toMatchObject({ kind: "stop" });
  });

  test("after the primary filtered, retries stay on the secondary", () => {
    const first = decideNext(both, { target: "primary", verdict: "content_filter", delayMs: 0 }, NOW, 3);
    if (first.kind !== "attempt") throw new Error("expected an attempt");
    const second = decideNext(first.state, { target: "secondary", verdict: "retry", delayMs: 700 }, NOW, 3);
    expect(second).toMatchObject({ kind: "attempt", target: "secondary", waitMs: 700 });
  });
});

describe("decideNext with a wait cap and a deadline", () => {
  const limits = { maxDelayMs: 10_000, deadline: NOW + 60_000 };
  test("a Retry-After beyond the cap takes the key out at once: the secondary is tried without a wait or a retry used", () => {
    const step = decideNext(both, { target: "primary", verdict: "retry", delayMs: 86_400_000 }, NOW, 3, limits);
    expect(step).toMatchObject({ kind: "attempt", target: "secondary", waitMs: 0 });
    if (step.kind === "attempt") expect(step.state.retries).toBe(0);
  });
  test("with no key left, the throttled answer stands at once", () => {
    expect(decideNext(primaryOnly, { target: "primary", verdict: "retry", delayMs: 86_400_000 }, NOW, 3, limits)).toEqual({ kind: "stop", reason: "no_key_left" });
  });
  test("a Retry-After at the cap is waited", () => {
    expect(decideNext(primaryOnly, { target: "primary", verdict: "retry", delayMs: 10_000 }, NOW, 3, limits)).toMatchObject({ kind: "attempt", waitMs: 10_000 });
  });
  test("a wait that would end at or after the deadline is not made", () => {
    expect(decideNext(primaryOnly, { target: "primary", verdict: "retry", delayMs: 5_000 }, NOW + 55_000, 3, limits)).toEqual({ kind: "stop", reason: "deadline" });
    expect(decideNext(primaryOnly, { target: "primary", verdict: "retry", delayMs: 5_000 }, NOW + 54_999, 3, limits)).toMatchObject({ kind: "attempt" });
  });
  test("an operator-side failure (switch) takes the key out without using a retry, even with retries off", () => {
    const step = decideNext(both, { target: "primary", verdict: "switch", delayMs: 0 }, NOW, 0, limits);
    expect(step).toMatchObject({ kind: "attempt", target: "secondary", waitMs: 0 });
    expect(decideNext(primaryOnly, { target: "primary", verdict: "switch", delayMs: 0 }, NOW, 3, limits)).toEqual({ kind: "stop", reason: "no_key_left" });
  });
  test("the stop says when retries ran out", () => {
    expect(decideNext(primaryOnly, { target: "primary", verdict: "retry", delayMs: 0 }, NOW, 0, limits)).toEqual({ kind: "stop", reason: "retries_exhausted" });
  });
});
