import { describe, expect, test } from "bun:test";
import { backoffDelayMs, parseRetryAfterMs, retryDelayMs } from "../../src/policy/retry-delay.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");

describe("parseRetryAfterMs", () => {
  test.each([
    ["retry-after-ms wins over retry-after", { "retry-after-ms": "1500", "retry-after": "9" }, 1500],
    ["x-ms-retry-after-ms", { "x-ms-retry-after-ms": "250" }, 250],
    ["retry-after in seconds", { "retry-after": "3" }, 3000],
    ["retry-after in fractional seconds is not RFC 9110 delay-seconds", { "retry-after": "0.5" }, null],
    ["retry-after-ms with trailing junk is ignored, not read as 12", { "retry-after-ms": "12abc" }, null],
    ["retry-after-ms that is negative is ignored", { "retry-after-ms": "-5" }, null],
    ["retry-after-ms in fractions is ignored", { "retry-after-ms": "1.5" }, null],
    ["a bad retry-after-ms falls through to a good retry-after", { "retry-after-ms": "soon", "retry-after": "2" }, 2000],
    ["retry-after with junk after the seconds", { "retry-after": "10s" }, null],
    ["retry-after as a date Date.parse would read but RFC 9110 does not allow", { "retry-after": "2026-01-01T00:00:04Z" }, null],
    ["retry-after as an RFC 850 date", { "retry-after": "Thursday, 01-Jan-26 00:00:05 GMT" }, 5000],
    ["retry-after as an asctime date", { "retry-after": "Thu Jan  1 00:00:06 2026" }, 6000],
    ["retry-after as an HTTP date", { "retry-after": new Date(NOW + 4000).toUTCString() }, 4000],
    ["retry-after as a past date", { "retry-after": new Date(NOW - 4000).toUTCString() }, 0],
    ["unreadable retry-after", { "retry-after": "soon" }, null],
    ["no header", {}, null],
  ])("%s", (_name, headers, expected) => {
    expect(parseRetryAfterMs(new Headers(headers as Record<string, string>), NOW)).toBe(expected);
  });
});

describe("backoffDelayMs", () => {
  test("grows exponentially from the base and is capped", () => {
    const top = () => 0.999999;
    expect(Math.round(backoffDelayMs(0, 500, 10_000, top))).toBe(500);
    expect(Math.round(backoffDelayMs(1, 500, 10_000, top))).toBe(1000);
    expect(Math.round(backoffDelayMs(3, 500, 10_000, top))).toBe(4000);
    expect(Math.round(backoffDelayMs(10, 500, 10_000, top))).toBe(10_000);
  });
  test("full jitter: the random draw scales the whole window", () => {
    expect(backoffDelayMs(2, 500, 10_000, () => 0)).toBe(0);
    expect(backoffDelayMs(2, 500, 10_000, () => 0.5)).toBe(1000);
  });
});

describe("retryDelayMs", () => {
  const base = { retryIndex: 0, baseMs: 500, capMs: 10_000, now: NOW, random: () => 0.5 };
  test("honours retry-after-ms over backoff", () => {
    expect(retryDelayMs({ ...base, headers: new Headers({ "retry-after-ms": "1234" }) })).toBe(1234);
  });
  test("gives Azure's 24-hour retry-after as asked: the policy takes the key out rather than retry early", () => {
    expect(retryDelayMs({ ...base, headers: new Headers({ "retry-after": "86400" }) })).toBe(86_400_000);
  });
  test("an unreadable Retry-After is ignored in favour of backoff", () => {
    expect(retryDelayMs({ ...base, headers: new Headers({ "retry-after-ms": "12abc" }) })).toBe(250);
  });
  test("backs off when Azure says nothing, and for connection failures", () => {
    expect(retryDelayMs({ ...base, headers: new Headers() })).toBe(250);
    expect(retryDelayMs({ ...base, headers: null, retryIndex: 2 })).toBe(1000);
  });
});
