import { describe, expect, test } from "bun:test";
import { cooldownUntil, isCoolingDown, readCooldownMs, retryAfterHeaders } from "../../src/routing/cooldown.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");

describe("readCooldownMs", () => {
  const table: Array<[Record<string, string>, number | null]> = [
    [{ "retry-after-ms": "1500", "retry-after": "2" }, 1500],
    [{ "retry-after-ms": "12.4" }, 13],
    [{ "retry-after": "7" }, 7000],
    [{ "retry-after": "86400" }, 86_400_000],
    [{ "retry-after-ms": "12abc", "retry-after": "3" }, 3000],
    [{ "retry-after-ms": "-5" }, null],
    [{ "retry-after": "1.5" }, null],
    [{ "retry-after": "soon" }, null],
    [{ "retry-after": "Thu, 01 Jan 2026 00:00:09 GMT" }, 9000],
    [{ "retry-after": "Wed, 31 Dec 2025 23:00:00 GMT" }, 0],
    [{ "retry-after": "2026-01-01" }, null],
    [{}, null],
  ];
  test.each(table)("%o → %p", (headers, expected) => {
    expect(readCooldownMs(headers, NOW)).toBe(expected);
    expect(readCooldownMs(new Headers(headers), NOW)).toBe(expected);
  });
});

test("an upstream is unusable for exactly the wait Azure named, then usable", () => {
  const until = cooldownUntil(new Headers({ "retry-after-ms": "2500" }), NOW, 1000);
  expect(until).toBe(NOW + 2500);
  expect(isCoolingDown(until, NOW + 2499)).toBe(true);
  expect(isCoolingDown(until, NOW + 2500)).toBe(false);
  expect(cooldownUntil(new Headers(), NOW, 1000)).toBe(NOW + 1000);
  expect(isCoolingDown(0, NOW)).toBe(false);
});

test("retry-after rounds up to whole seconds; retry-after-ms keeps the milliseconds", () => {
  expect(retryAfterHeaders(1200)).toEqual({ "retry-after": "2", "retry-after-ms": "1200" });
  expect(retryAfterHeaders(3000)).toEqual({ "retry-after": "3", "retry-after-ms": "3000" });
  expect(retryAfterHeaders(0)).toEqual({ "retry-after": "0", "retry-after-ms": "0" });
});
