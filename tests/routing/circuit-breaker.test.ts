import { describe, expect, test } from "bun:test";
import { judgeEnding, type AttemptEnding, type BreakerOutcome } from "../../src/routing/circuit-breaker.ts";

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
