import { expect, test } from "bun:test";
import { monthOf, nextMonthStart } from "../../src/state/calendar-month.ts";

test("monthOf is the UTC calendar month as YYYY-MM, at both edges of a month", () => {
  const cases: Array<[number, string]> = [
    [Date.UTC(2026, 0, 1), "2026-01"],
    [Date.UTC(2026, 8, 30, 23, 59, 59, 999), "2026-09"],
    [Date.UTC(2026, 9, 1), "2026-10"],
    [Date.UTC(2026, 11, 31, 23, 59, 59, 999), "2026-12"],
    [0, "1970-01"],
  ];
  for (const [at, month] of cases) expect(monthOf(at)).toBe(month);
});

test("nextMonthStart is the first instant of the next UTC month, across a year's end", () => {
  expect(nextMonthStart(Date.UTC(2026, 10, 30, 23, 59, 59))).toBe(Date.UTC(2026, 11, 1));
  expect(nextMonthStart(Date.UTC(2026, 11, 15))).toBe(Date.UTC(2027, 0, 1));
});
