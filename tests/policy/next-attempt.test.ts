import { describe, expect, test } from "bun:test";
import { decideNext, initialPolicyState, type PolicyState } from "../../src/policy/next-attempt.ts";

const NOW = 1_000_000;
const both = initialPolicyState(["primary", "secondary"]);
const primaryOnly = initialPolicyState(["primary"]);

describe("decideNext", () => {
  test("ok and fail stop", () => {
    expect(decideNext(both, { target: "primary", verdict: "ok", delayMs: 0 }, NOW, 3)).toEqual({ kind: "stop" });
    expect(decideNext(both, { target: "primary", verdict: "fail", delayMs: 0 }, NOW, 3)).toEqual({ kind: "stop" });
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
    let target: "primary" | "secondary" = "primary";
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
    expect(decideNext(both, { target: "primary", verdict: "retry", delayMs: 0 }, NOW, 0)).toEqual({ kind: "stop" });
  });

  test("a content-filtered primary switches to the secondary without using a retry", () => {
    const step = decideNext(both, { target: "primary", verdict: "content_filter", delayMs: 0 }, NOW, 0);
    expect(step).toMatchObject({ kind: "attempt", target: "secondary", waitMs: 0 });
    expect(step.kind === "attempt" && step.state.retries).toBe(0);
  });

  test("once both keys have filtered, or there is no secondary, the filter's answer stands", () => {
    const first = decideNext(both, { target: "primary", verdict: "content_filter", delayMs: 0 }, NOW, 3);
    if (first.kind !== "attempt") throw new Error("expected an attempt");
    expect(decideNext(first.state, { target: "secondary", verdict: "content_filter", delayMs: 0 }, NOW, 3)).toEqual({ kind: "stop" });
    expect(decideNext(primaryOnly, { target: "primary", verdict: "content_filter", delayMs: 0 }, NOW, 3)).toEqual({ kind: "stop" });
  });

  test("after the primary filtered, retries stay on the secondary", () => {
    const first = decideNext(both, { target: "primary", verdict: "content_filter", delayMs: 0 }, NOW, 3);
    if (first.kind !== "attempt") throw new Error("expected an attempt");
    const second = decideNext(first.state, { target: "secondary", verdict: "retry", delayMs: 700 }, NOW, 3);
    expect(second).toMatchObject({ kind: "attempt", target: "secondary", waitMs: 700 });
  });
});
