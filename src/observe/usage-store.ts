/**
 * Usage accounting per user and model: the interface the observer counts through, and an in-memory
 * store for an app run without a state store (the server backs it with the state store:
 * src/state/usage-in-store.ts). The totals' shape is the state store's (`GET /admin/usage`).
 */
import type { UsageReport, UsageTotals } from "../state/state-store.ts";
import type { TokenUsage } from "./token-usage.ts";

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
