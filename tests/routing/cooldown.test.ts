import { describe, expect, test } from "bun:test";
import { cooldownUntil, isCoolingDown, retryAfterHeaders } from "../../src/routing/cooldown.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");

test("an upstream is unusable for exactly the wait Azure named, then usable", () => {
  const until = cooldownUntil(new Headers({ "retry-after-ms": "2500" }), NOW, 1000);
  expect(until).toBe(NOW + 2500);
  expect(isCoolingDown(until, NOW + 2499)).toBe(true);
  expect(isCoolingDown(until, NOW + 2500)).toBe(false);
  expect(cooldownUntil(new Headers(), NOW, 1000)).toBe(NOW + 1000);
  // retry-after-ms first, then retry-after; a malformed value is no wait at all.
  expect(cooldownUntil(new Headers({ "retry-after-ms": "1500", "retry-after": "2" }), NOW, 1000)).toBe(NOW + 1500);
  expect(cooldownUntil(new Headers({ "retry-after": "7" }), NOW, 1000)).toBe(NOW + 7000);
  expect(cooldownUntil(new Headers({ "retry-after-ms": "12abc" }), NOW, 1000)).toBe(NOW + 1000);
  expect(isCoolingDown(0, NOW)).toBe(false);
});

test("retry-after rounds up to whole seconds; retry-after-ms keeps the milliseconds", () => {
  expect(retryAfterHeaders(1200)).toEqual({ "retry-after": "2", "retry-after-ms": "1200" });
  expect(retryAfterHeaders(3000)).toEqual({ "retry-after": "3", "retry-after-ms": "3000" });
  expect(retryAfterHeaders(0)).toEqual({ "retry-after": "0", "retry-after-ms": "0" });
});
