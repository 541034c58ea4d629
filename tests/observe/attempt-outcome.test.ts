import { expect, test } from "bun:test";
import { attemptOutcome } from "../../src/observe/attempt-outcome.ts";
import type { AttemptReport } from "../../src/policy/attempt-report.ts";

const target = { id: "primary", key: { resourceId: "primary-res" }, deployment: "d" } as unknown as AttemptReport["target"];
const sseReport = (endedEarly: boolean): AttemptReport => ({
  number: 1, target, verdict: "retry", nextTarget: "secondary" as AttemptReport["nextTarget"], waitMs: 0,
  result: { kind: "sse", status: 200, headers: new Headers(), head: [], rest: null, ...(endedEarly ? { endedEarly } : {}) },
} as AttemptReport);

test("a 200 stream that closed before any content is logged as ended_early, not as an error event", () => {
  expect(attemptOutcome(sseReport(true))).toBe("ended_early");
});

test("a 200 stream that was retried for an error event it carried stays error_event", () => {
  expect(attemptOutcome(sseReport(false))).toBe("error_event");
});
