/**
 * Usage accounting per user and model: the store interface (asynchronous, so a shared database can back
 * it later) and the in-memory store a single process uses.
 */
import type { TokenUsage } from "./token-usage.ts";

/** Requests and tokens of one user for one model. */
export interface UsageTotals {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What GET /admin/usage answers: user id → model asked for → totals. */
export interface UsageReport {
  readonly users: Record<string, Record<string, UsageTotals>>;
}

export interface UsageStore {
  /** Counts one request of `userId` for `model`, with its tokens when Azure reported them. */
  add(userId: string, model: string, usage: TokenUsage | null): Promise<void>;
  report(): Promise<UsageReport>;
}

/** A store in this process's memory: totals since start (reloads keep them; a restart does not). */
export function createMemoryUsageStore(): UsageStore {
  const users = new Map<string, Map<string, UsageTotals>>();
  return {
    async add(userId, model, usage) {
      let models = users.get(userId);
      if (!models) users.set(userId, (models = new Map()));
      let totals = models.get(model);
      if (!totals) models.set(model, (totals = { requests: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }));
      totals.requests += 1;
      if (!usage) return;
      totals.prompt_tokens += usage.prompt_tokens;
      totals.completion_tokens += usage.completion_tokens;
      totals.total_tokens += usage.total_tokens;
    },
    async report() {
      const report: UsageReport["users"] = {};
      for (const [userId, models] of users) {
        report[userId] = Object.fromEntries([...models].map(([model, totals]) => [model, { ...totals }]));
      }
      return { users: report };
    },
  };
}
