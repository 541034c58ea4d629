/**
 * The edge where limits meet the state store: asks the store in a fixed order (monthly budget,
 * concurrency, requests, tokens), stops at the first refusal and undoes what it had taken, and hands
 * back an admission whose `finish` settles the token estimate and frees the slot. No HTTP here.
 */
import type { ProxyError } from "../errors/openai-error.ts";
import type { Clock, StateStore, WindowEntry, WindowResult } from "../state/state-store.ts";
import { refusalFor, toProxyError, type LimitCheck, type LimitRefusal } from "./decide-limits.ts";
import { rateLimitHeaders } from "./rate-limit-headers.ts";
import { limitKeys, MINUTE_MS, type UserLimits } from "./user-limits.ts";

export interface AdmitInput {
  readonly userId: string;
  readonly limits: UserLimits;
  /** The model asked for, for messages. */
  readonly model: string;
  /** The request's up-front token estimate (estimateRequestTokens); used only with a tpm. */
  readonly estimatedTokens: number;
  /** Unique per request: the window entry and the concurrency lease are named by it. */
  readonly requestId: string;
  /** How long a concurrency lease lives unless renewed: longer than the longest request. */
  readonly slotTtlMs: number;
}

/** An admitted request: headers for its answer, and what to do when it ends. */
export interface Admission {
  readonly allowed: true;
  /** `x-ratelimit-*` headers for the answer (empty for a user without rpm/tpm). */
  readonly headers: Record<string, string>;
  /** Extends the concurrency lease of a long stream; false when there is none or it lapsed. */
  renew(ttlMs: number): Promise<boolean>;
  /**
   * Settles the token estimate with the real total (null keeps the estimate: the usage is unknown) and
   * frees the slot. Call exactly once. Usage and the monthly budget are charged by `store.recordUsage`.
   */
  finish(actualTotalTokens: number | null): Promise<void>;
}

export interface Refusal {
  readonly allowed: false;
  readonly refusal: LimitRefusal;
  /** The 429 to answer with, headers included. */
  readonly error: ProxyError;
}

/** Checks the user's limits against the store and takes what an admitted request holds. */
export async function admitRequest(store: StateStore, now: Clock, input: AdmitInput): Promise<Admission | Refusal> {
  const { limits, userId, requestId } = input;
  const keys = limitKeys(userId);
  let slotTaken = false;
  let requests: WindowResult | null = null;
  let tokens: WindowResult | null = null;
  const hit = (key: string, limit: number, cost: number) => store.hitWindow(key, { limit, windowMs: MINUTE_MS, cost, id: requestId });

  const refuse = async (check: LimitCheck): Promise<Refusal | null> => {
    const refusal = refusalFor(check, input.model);
    if (!refusal) return null;
    // A refused request holds nothing: undo what the earlier checks took.
    if (slotTaken) await store.releaseSlot(keys.concurrent, requestId);
    if (requests?.entry) await store.settleWindow(keys.requests, requests.entry, 0);
    // The headers show the windows as they are now (a cost of 0 only reads).
    if (limits.rpm !== undefined && (requests === null || requests.entry)) requests = await hit(keys.requests, limits.rpm, 0);
    if (limits.tpm !== undefined && tokens === null) tokens = await hit(keys.tokens, limits.tpm, 0);
    return { allowed: false, refusal, error: toProxyError(refusal, rateLimitHeaders({ requests, tokens })) };
  };

  if (limits.monthlyTokens !== undefined) {
    const used = await store.readMonthTokens(userId);
    const refused = await refuse({ kind: "budget", limit: limits.monthlyTokens, used, now: now() });
    if (refused) return refused;
  }
  if (limits.maxConcurrent !== undefined) {
    const slot = await store.acquireSlot(keys.concurrent, { limit: limits.maxConcurrent, leaseId: requestId, ttlMs: input.slotTtlMs });
    slotTaken = slot.acquired;
    const refused = await refuse({ kind: "concurrency", slot });
    if (refused) return refused;
  }
  if (limits.rpm !== undefined) {
    requests = await hit(keys.requests, limits.rpm, 1);
    const refused = await refuse({ kind: "requests", window: requests });
    if (refused) return refused;
  }
  if (limits.tpm !== undefined) {
    const requested = Math.max(0, Math.ceil(input.estimatedTokens));
    tokens = await hit(keys.tokens, limits.tpm, requested);
    const refused = await refuse({ kind: "tokens", window: tokens, requested });
    if (refused) return refused;
  }

  const tokenEntry: WindowEntry | null = tokens?.entry ?? null;
  let finished = false;
  return {
    allowed: true,
    headers: rateLimitHeaders({ requests, tokens }),
    renew: async (ttlMs) => slotTaken && store.renewSlot(keys.concurrent, requestId, ttlMs),
    async finish(actualTotalTokens) {
      if (finished) return;
      finished = true;
      if (tokenEntry && actualTotalTokens !== null) await store.settleWindow(keys.tokens, tokenEntry, Math.max(0, Math.ceil(actualTotalTokens)));
      if (slotTaken) await store.releaseSlot(keys.concurrent, requestId);
    },
  };
}
