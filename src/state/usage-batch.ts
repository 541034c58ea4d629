/**
 * Usage recorded in batches: the requests that finish within USAGE_BATCH_MS are summed per user, model
 * and month and written in one backend transaction, so SQLite commits once per batch instead of twice
 * per request. Nothing is dropped: reads and close write what is pending first.
 */
import { MONTH_GRACE_MS, monthOf, nextMonthStart } from "./calendar-month.ts";
import type { KvBackend } from "./kv-state-store.ts";
import type { Clock, UsageRecord, UsageTotals } from "./state-store.ts";
import { addUsage } from "./transitions.ts";

/** One user's usage of one model in a batch, summed. */
type Summed = { -readonly [K in keyof UsageRecord]: UsageRecord[K] };

/** Pending usage and the one promise its writers wait for. */
export interface UsageBatch {
  /** Adds the record to this turn's batch; settles when the batch is written. */
  record(record: UsageRecord): Promise<void>;
  /** Writes what is pending now (before a read, at close); a no-op when nothing is. */
  flush(): void;
}

/**
 * How long usage waits to be written with the usage that follows it (ms). Under load an event-loop turn
 * finishes one or two requests, so a batch per turn still cost a commit per request (3.7% of the JS
 * thread on the benchmark); 50 ms gathers hundreds. What it costs: another process on the same file (a
 * replica) sees this one's usage up to 50 ms late, and a crash (not a shutdown, which writes what is
 * pending) loses at most the last 50 ms of counts. This process's own reads write what is pending first.
 */
export const USAGE_BATCH_MS = 50;

/** A batch writing to `usage:<user>` (totals per model) and `month:<user>:<YYYY-MM>` (tokens) of `kv`. */
export function createUsageBatch(kv: KvBackend, now: Clock): UsageBatch {
  // Summed as they come, per user and model: a batch holds one small object per user and model, not
  // one per request (objects kept for a batch's life outlive the young generation and cost full GCs).
  let totals = new Map<string, Map<string, Summed>>();
  let months = new Map<string, { tokens: number; at: number }>();
  let done: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | null = null;

  const flush = () => {
    if (!done) return;
    const batch = { totals, months, done };
    totals = new Map();
    months = new Map();
    done = null;
    try {
      const write = () => writeBatch(kv, batch.totals, batch.months, now());
      if (kv.transaction) kv.transaction(write);
      else write();
      batch.done.resolve();
    } catch (error) {
      batch.done.reject(error);
    }
  };

  return {
    record(record) {
      const at = now();
      let user = totals.get(record.userId);
      if (!user) totals.set(record.userId, (user = new Map()));
      const summed = user.get(record.model);
      if (summed) {
        summed.requests += record.requests;
        summed.promptTokens += record.promptTokens;
        summed.completionTokens += record.completionTokens;
        summed.totalTokens += record.totalTokens;
      } else user.set(record.model, { ...record });
      const monthKey = `month:${record.userId}:${monthOf(at)}`;
      const month = months.get(monthKey);
      if (month) month.tokens += record.totalTokens;
      else months.set(monthKey, { tokens: record.totalTokens, at });
      if (!done) {
        done = { ...Promise.withResolvers<void>() };
        setTimeout(flush, USAGE_BATCH_MS);
      }
      return done.promise;
    },
    flush,
  };
}

/** One update per user's totals and one per user-month, whatever the number of requests behind them. */
function writeBatch(
  kv: KvBackend,
  totals: Map<string, Map<string, Summed>>,
  months: Map<string, { tokens: number; at: number }>,
  at: number,
): void {
  for (const [userId, records] of totals) {
    kv.update(`usage:${userId}`, at, (current) => {
      const byModel = (current ?? {}) as Record<string, UsageTotals>;
      for (const [model, record] of records) byModel[model] = addUsage(byModel[model], record);
      return { value: byModel, expiresAt: null, result: undefined };
    });
  }
  for (const [key, { tokens, at: recordedAt }] of months) {
    kv.update(key, at, (current) => ({
      value: ((current ?? 0) as number) + tokens,
      expiresAt: nextMonthStart(recordedAt) + MONTH_GRACE_MS,
      result: undefined,
    }));
  }
}
