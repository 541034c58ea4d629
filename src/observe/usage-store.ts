/**
 * Usage accounting per user and model: the interface the observer counts through, backed by the state
 * store in the server (usage survives a restart and adds up across replicas), or kept in memory for an
 * app run without one. The totals' shape is the state store's (`GET /admin/usage`).
 */
import type { StateStore, UsageReport, UsageTotals } from "../state/state-store.ts";
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

/**
 * A UsageStore whose `add` is one `recordUsage` per request (the same call charges the user's monthly
 * budget, so `/admin/usage` and budgets never disagree) and whose report is the store's totals.
 */
export function usageInStore(store: StateStore): UsageStore {
  return {
    add: (userId, model, usage) =>
      store.recordUsage({
        userId,
        model,
        requests: 1,
        promptTokens: usage?.prompt_tokens ?? 0,
        completionTokens: usage?.completion_tokens ?? 0,
        totalTokens: usage?.total_tokens ?? 0,
      }),
    report: () => store.readUsage(),
  };
}
