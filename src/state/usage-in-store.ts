/** The observer's usage accounting backed by the state store, so usage survives a restart and adds up across replicas. */
import type { UsageStore } from "../observe/usage-store.ts";
import type { StateStore } from "./state-store.ts";

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
