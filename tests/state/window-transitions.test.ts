import { describe, expect, test } from "bun:test";
import type { WindowEntry } from "../../src/state/state-store.ts";
import { EXACT_ENTRIES, foldOldest, hitWindow, settleWindow, type FoldedEntry, type WindowLog } from "../../src/state/window-transitions.ts";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 15, 12, 0, 0);

/** `count` exact entries of cost 1, `stepMs` apart from `from`. */
function exactEntries(count: number, from = T0, stepMs = 10): WindowEntry[] {
  return Array.from({ length: count }, (_, i) => ({ id: `r${i}`, at: from + i * stepMs, cost: 1 }));
}

const log = (entries: WindowEntry[], folded: FoldedEntry[] = []): WindowLog => ({ folded, entries });

interface FoldCase {
  readonly name: string;
  readonly entries: WindowEntry[];
  readonly folded: FoldedEntry[];
  readonly expected: FoldedEntry[];
}

describe("folding the oldest entries", () => {
  test.each<FoldCase>([
    { name: "64 entries stay exact", entries: exactEntries(64), folded: [], expected: [] },
    { name: "the 65th folds the oldest into a new folded entry", entries: exactEntries(65), folded: [], expected: [{ at: T0, cost: 1 }] },
    {
      name: "entries of one second fold together, keeping the latest time",
      entries: exactEntries(70, T0, 100),
      folded: [],
      expected: [{ at: T0 + 500, cost: 6 }],
    },
    {
      name: "a new second starts a new folded entry",
      entries: exactEntries(70, T0 + 800, 100),
      folded: [],
      expected: [{ at: T0 + 900, cost: 2 }, { at: T0 + 1_300, cost: 4 }],
    },
    {
      name: "an entry of the newest folded entry's second joins it",
      entries: exactEntries(65, T0 + 900, 10),
      folded: [{ at: T0 + 400, cost: 7 }],
      expected: [{ at: T0 + 900, cost: 8 }],
    },
    {
      name: "after a clock stepped back, an older entry joins the newest folded entry and does not move it earlier",
      entries: exactEntries(65, T0 + 100, 10),
      folded: [{ at: T0 + 2_500, cost: 3 }],
      expected: [{ at: T0 + 2_500, cost: 4 }],
    },
    {
      name: "a window stored before folding existed folds down to 64 exact entries at once",
      entries: exactEntries(1_000, T0, 50),
      folded: [],
      expected: Array.from({ length: 46 }, (_, s) => ({ at: T0 + s * 1_000 + 950, cost: 20 })).concat([{ at: T0 + 46_750, cost: 16 }]),
    },
  ])("$name", ({ entries, folded, expected }) => {
    const live = { folded: [...folded], entries: [...entries] };
    foldOldest(live);
    expect(live.folded).toEqual(expected);
    expect(live.entries).toEqual(entries.slice(-EXACT_ENTRIES));
  });
});

describe("hitWindow over folded entries", () => {
  // 36 admissions at T0 … T0 + 350 folded into one entry, then 64 exact ones at T0 + 360 … T0 + 990.
  const folded = log(exactEntries(64, T0 + 360), [{ at: T0 + 350, cost: 36 }]);

  test.each([
    { name: "a folded entry counts in used", now: T0 + 1_000, cost: 0, expected: { allowed: true, used: 100, resetMs: MINUTE - 10 } },
    { name: "refused at the limit, waiting for the last of the folded second", now: T0 + 1_000, cost: 1, expected: { allowed: false, used: 100, retryAfterMs: MINUTE - 650 } },
    { name: "still counted 1 ms before its last member leaves", now: T0 + MINUTE + 349, cost: 1, expected: { allowed: false, used: 100, retryAfterMs: 1 } },
    { name: "gone with its last member", now: T0 + MINUTE + 350, cost: 1, expected: { allowed: true, used: 65, remaining: 35 } },
    { name: "a cost too large for the limit never fits", now: T0 + 1_000, cost: 101, expected: { allowed: false, retryAfterMs: null } },
  ])("$name", ({ now, cost, expected }) => {
    expect(hitWindow(folded, { limit: 100, windowMs: MINUTE, cost, id: "new" }, now).result).toMatchObject(expected);
  });

  test("an admission beyond 64 exact entries folds the oldest exact one; the new entry stays exact", () => {
    const { log: after, result } = hitWindow(folded, { limit: 1_000, windowMs: MINUTE, cost: 5, id: "new" }, T0 + 1_000);
    expect(result).toMatchObject({ allowed: true, used: 105, entry: { id: "new", at: T0 + 1_000, cost: 5 } });
    expect(after.folded).toEqual([{ at: T0 + 360, cost: 37 }]);
    expect(after.entries).toHaveLength(EXACT_ENTRIES);
    expect(after.entries.at(-1)).toEqual({ id: "new", at: T0 + 1_000, cost: 5 });
  });

  test("10,000 admissions in a minute leave at most 64 exact and 61 folded entries", () => {
    let current: WindowLog = log([]);
    for (let i = 0; i < 10_000; i++) {
      current = hitWindow(current, { limit: 1e9, windowMs: MINUTE, cost: 1, id: `r${i}` }, T0 + i * 7).log;
      expect(current.entries.length).toBeLessThanOrEqual(EXACT_ENTRIES);
      expect(current.folded.length).toBeLessThanOrEqual(61);
    }
    // Everything admitted in the last minute is still counted.
    const { result } = hitWindow(current, { limit: 1e9, windowMs: MINUTE, cost: 0, id: "read" }, T0 + 9_999 * 7);
    expect(result.used).toBeGreaterThanOrEqual(Math.ceil(MINUTE / 7));
    expect(result.used).toBeLessThan(Math.ceil((MINUTE + 1_000) / 7));
  });
});

describe("settleWindow", () => {
  const exact = exactEntries(64, T0 + 360);
  const stored = log(exact, [{ at: T0 + 350, cost: 36 }]);
  const folded: WindowEntry = { id: "old", at: T0 + 200, cost: 1 };
  const settle = (entry: WindowEntry, actual: number, now = T0 + 1_000) => settleWindow(stored, entry, actual, MINUTE, now);

  test.each([
    { name: "an exact entry takes its real cost", entry: exact[3]!, actual: 9, folded: 36, exactCost: 9 + 63 },
    { name: "an exact entry settled to 0 is removed", entry: exact[3]!, actual: 0, folded: 36, exactCost: 63 },
    { name: "a folded entry settled lower keeps its admitted cost", entry: folded, actual: 0, folded: 36, exactCost: 64 },
    { name: "a folded entry settled higher adds the difference to its second", entry: folded, actual: 41, folded: 76, exactCost: 64 },
    { name: "an entry of a second with no folded entry changes nothing", entry: { ...folded, at: T0 - 2_000 }, actual: 41, folded: 36, exactCost: 64 },
  ])("$name", ({ entry, actual, folded: foldedCost, exactCost }) => {
    const after = settle(entry, actual);
    expect(after.folded.reduce((sum, e) => sum + e.cost, 0)).toBe(foldedCost);
    expect(after.entries.reduce((sum, e) => sum + e.cost, 0)).toBe(exactCost);
  });

  test("once its second has left the window, a folded entry's settlement changes nothing", () => {
    expect(settle(folded, 41, T0 + MINUTE + 350)).toEqual(log(exact));
  });
});
