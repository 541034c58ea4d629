/**
 * The sliding window's step as pure functions over plain data (the memory and SQLite stores run them; the
 * Redis store's Lua in redis-scripts.ts does the same): an exact log of the newest admissions, older ones
 * folded into one entry per second, so a window's size and the cost of a step stay bounded at any rate.
 */
import type { WindowEntry, WindowRequest, WindowResult } from "./state-store.ts";

/** Admissions kept one by one; older ones are folded. While a window holds no more, it is an exact log. */
export const EXACT_ENTRIES = 64;

/** Older admissions folded together: their summed cost, leaving the window with the latest of them. */
export interface FoldedEntry {
  /** The LATEST admission folded in: the whole entry counts until `at + windowMs`, never earlier than any member. */
  readonly at: number;
  readonly cost: number;
}

/** A window as the stores keep it: folded entries, then the exact ones, each oldest first. */
export interface WindowLog {
  /** At most one per second (FOLD_SLOT_MS), so at most 61 live ones in a minute's window. */
  readonly folded: readonly FoldedEntry[];
  /** At most EXACT_ENTRIES after each step. */
  readonly entries: readonly WindowEntry[];
}

/** Live entries of a window, in arrays the step may change. */
interface LiveLog {
  readonly folded: FoldedEntry[];
  readonly entries: WindowEntry[];
}

/** One folded entry per second of admission: a minute's window holds at most 61 of them. */
export const FOLD_SLOT_MS = 1_000;

/** The slot (second) an admission at `at` folds into. */
export function foldSlot(at: number): number {
  return Math.floor(at / FOLD_SLOT_MS);
}

/** What is still inside the window at `now` (an entry counts while `at > now - windowMs`). */
export function liveWindow(log: WindowLog, windowMs: number, now: number): LiveLog {
  const live = (entry: { readonly at: number }) => entry.at > now - windowMs;
  return { folded: log.folded.filter(live), entries: log.entries.filter(live) };
}

/** The sliding-window step: drop what has left, admit `cost` if it fits, then fold what exceeds the exact log. */
export function hitWindow(stored: WindowLog, request: WindowRequest, now: number): { log: WindowLog; result: WindowResult } {
  const { limit, windowMs } = request;
  const cost = wholeUnits(request.cost);
  const log = liveWindow(stored, windowMs, now);
  const usedBefore = totalCost(log.folded) + totalCost(log.entries);
  const allowed = usedBefore + cost <= limit;
  let entry: WindowEntry | null = null;
  if (allowed && cost > 0) {
    entry = { id: request.id, at: now, cost };
    log.entries.push(entry);
  }
  const used = allowed ? usedBefore + cost : usedBefore;
  const newest = Math.max(log.entries.at(-1)?.at ?? -Infinity, log.folded.at(-1)?.at ?? -Infinity);
  const resetMs = Number.isFinite(newest) ? newest + windowMs - now : 0;
  let retryAfterMs: number | null = allowed ? 0 : null;
  if (!allowed && cost <= limit) {
    // The oldest entries leave first: wait until enough of them have gone for `cost` to fit.
    // Every folded entry is older than the exact ones: they were folded from the oldest end.
    let freed = 0;
    for (const old of [...log.folded, ...log.entries]) {
      freed += old.cost;
      if (usedBefore - freed + cost <= limit) {
        retryAfterMs = old.at + windowMs - now;
        break;
      }
    }
  }
  foldOldest(log);
  return { log, result: { allowed, limit, used, remaining: Math.max(0, limit - used), resetMs, retryAfterMs, entry } };
}

/**
 * Folds the exact entries beyond EXACT_ENTRIES, oldest first, into the newest folded entry when they
 * fall in its slot (or an earlier one, should a clock have stepped back), else into a new one. The folded
 * entry keeps the latest `at`, so no admission leaves the window earlier than it would have alone.
 */
export function foldOldest(log: LiveLog): void {
  const excess = log.entries.length - EXACT_ENTRIES;
  if (excess <= 0) return;
  for (const old of log.entries.splice(0, excess)) {
    const last = log.folded.at(-1);
    if (last && foldSlot(old.at) <= foldSlot(last.at)) {
      log.folded[log.folded.length - 1] = { at: Math.max(last.at, old.at), cost: last.cost + old.cost };
    } else {
      log.folded.push({ at: old.at, cost: old.cost });
    }
  }
}

/**
 * Replaces the cost of `entry` while it is still an exact entry; an entry settled to 0 is removed. Once
 * folded, its admitted cost stands unless the real one is higher: the difference is added to the folded
 * entry of its second, so the window never counts less than the exact log would. An entry that has left
 * the window (no exact entry, no folded one of its second) changes nothing.
 */
export function settleWindow(stored: WindowLog, entry: WindowEntry, actualCost: number, windowMs: number, now: number): WindowLog {
  const log = liveWindow(stored, windowMs, now);
  const actual = wholeUnits(actualCost);
  const index = log.entries.findIndex((old) => old.id === entry.id);
  if (index >= 0) {
    if (actual > 0) log.entries[index] = { ...log.entries[index]!, cost: actual };
    else log.entries.splice(index, 1);
    return log;
  }
  if (actual <= entry.cost) return log;
  const holder = log.folded.findIndex((folded) => foldSlot(folded.at) === foldSlot(entry.at));
  if (holder >= 0) log.folded[holder] = { ...log.folded[holder]!, cost: log.folded[holder]!.cost + actual - entry.cost };
  return log;
}

function totalCost(entries: readonly FoldedEntry[]): number {
  let sum = 0;
  for (const entry of entries) sum += entry.cost;
  return sum;
}

/** Window units are whole and never negative: a fraction counts as a whole unit. */
export function wholeUnits(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.ceil(value)) : 0;
}
