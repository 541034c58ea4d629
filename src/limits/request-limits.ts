/**
 * Per-user limits around one proxied request: the model allow-list, admission before the first attempt
 * (rpm, tpm, maxConcurrent, monthlyTokens), the `x-ratelimit-*` headers for every answer, and the
 * settlement when the request ends (the real usage settles the TPM estimate, the slot is freed).
 */
import { ProxyError } from "../errors/openai-error.ts";
import type { Logger } from "../log.ts";
import type { TokenUsage } from "../observe/token-usage.ts";
import { modelNotFound } from "../proxy/model-not-found.ts";
import type { Operation } from "../proxy/operations.ts";
import type { StateStore } from "../state/state-store.ts";
import type { RequestPayload } from "../upstream/azure-request.ts";
import { admitRequest } from "./admit-request.ts";
import { loadPromptCounter } from "./count-prompt.ts";
import { estimateRequestTokens } from "./estimate-tokens.ts";
import { rateLimitHeaders } from "./rate-limit-headers.ts";
import { allowsModel, limitKeys, MINUTE_MS, needsStore, visibleModels, type UserLimits } from "./user-limits.ts";

/** A concurrency lease outlives the longest request by this much; a longer stream renews it. */
const LEASE_MARGIN_MS = 60_000;

/** A user with limits, as the limits see them: who, their limits, and the models their keys reach. */
export interface LimitedUser {
  readonly userId: string;
  readonly limits: UserLimits;
  /** Every model name the user's keys reach, before the allow-list (read only for a refusal's message). */
  readonly modelNames: () => string[];
}

export interface LimitDeps {
  /** The longest a request may take: it bounds a concurrency lease. */
  readonly requestTimeoutMs: number;
  readonly state: StateStore;
  readonly now: () => number;
  readonly log: Logger;
  /** Runs `task` every `everyMs` until the returned stop is called (default: an unref'd setInterval). */
  readonly repeat?: (task: () => void, everyMs: number) => () => void;
}

function repeatWithTimer(task: () => void, everyMs: number): () => void {
  const timer = setInterval(task, everyMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}

export interface LimitedRequest {
  /** null for anonymous and pure-proxy requests: they have no limits. */
  readonly user: LimitedUser | null;
  readonly op: Operation;
  readonly model: string;
  readonly payload: RequestPayload;
  readonly requestId: string;
}

/** What an admitted request carries to its end. */
export interface RequestLimits {
  /** `x-ratelimit-*` headers for every answer of this request. */
  readonly headers: Record<string, string>;
  /** Settles with the real usage (null: unknown, the estimate stays) and frees the slot; once, later calls do nothing. */
  end(usage: TokenUsage | null): void;
}

/** The user's windows as they are now (a cost of 0 only reads), for an answer that took nothing. */
async function currentHeaders(state: StateStore, userId: string, limits: UserLimits, requestId: string): Promise<Record<string, string>> {
  const keys = limitKeys(userId);
  const read = (key: string, limit: number | undefined) =>
    limit === undefined ? null : state.hitWindow(key, { limit, windowMs: MINUTE_MS, cost: 0, id: requestId });
  const [requests, tokens] = await Promise.all([read(keys.requests, limits.rpm), read(keys.tokens, limits.tpm)]);
  return rateLimitHeaders({ requests, tokens });
}

/**
 * `error` with a limited user's `x-ratelimit-*` headers as they stand, for a request refused before its
 * model was known (a bad body, 413, 415): it took nothing, so the windows are only read. Any other
 * error, user or store failure leaves `error` as it is.
 */
export async function withCurrentLimitHeaders(error: unknown, user: LimitedUser | null, state: StateStore, requestId: string): Promise<unknown> {
  const limits = user?.limits;
  if (!(error instanceof ProxyError) || !user || !limits || (limits.rpm === undefined && limits.tpm === undefined)) return error;
  const headers = await currentHeaders(state, user.userId, limits, requestId).catch(() => null);
  if (!headers) return error;
  return new ProxyError(error.status, error.message, { code: error.code, param: error.param, headers: { ...error.headers, ...headers } });
}

/**
 * Checks and takes the user's limits before the first attempt. Throws the 404 for a model outside the
 * allow-list and the 429 of a refusal (both with the rate-limit headers); returns null for a request
 * without limits.
 */
export async function startRequestLimits(request: LimitedRequest, deps: LimitDeps): Promise<RequestLimits | null> {
  const { user, model, requestId } = request;
  if (!user) return null;
  const { limits, userId } = user;
  if (!allowsModel(limits, model)) {
    const refusal = modelNotFound(model, visibleModels(limits, user.modelNames()));
    const headers = needsStore(limits) ? await currentHeaders(deps.state, userId, limits, requestId) : {};
    throw new ProxyError(refusal.status, refusal.message, { code: refusal.code, param: refusal.param, headers });
  }
  if (!needsStore(limits)) return null;
  const body = request.payload.kind === "json" ? request.payload.body : {};
  const estimatedTokens = limits.tpm === undefined ? 0
    : estimateRequestTokens({ body, operation: request.op.id, countPromptTokens: await loadPromptCounter(model) });
  const slotTtlMs = deps.requestTimeoutMs + LEASE_MARGIN_MS;
  const admitted = await admitRequest(deps.state, deps.now, { userId, limits, model, estimatedTokens, requestId, slotTtlMs });
  if (!admitted.allowed) throw admitted.error;
  // A stream may outlive the lease: renewed at half its life until the request ends.
  const stopRenewing = limits.maxConcurrent === undefined ? null
    : (deps.repeat ?? repeatWithTimer)(() => void admitted.renew(slotTtlMs).catch(() => {}), slotTtlMs / 2);
  let ended = false;
  return {
    headers: admitted.headers,
    end(usage) {
      if (ended) return;
      ended = true;
      stopRenewing?.();
      admitted.finish(usage?.total_tokens ?? null).catch((error: unknown) =>
        deps.log.error("limits not settled", { requestId, userId, error: String(error) }));
    },
  };
}
