/**
 * The Redis store (ioredis, which runs under Bun and Deno): every change is one Lua script or one atomic
 * command, temporary keys carry TTLs, and a command never waits for a connection that is not there
 * (no offline queue, a bounded command timeout), so the degrading wrapper can fall back at once.
 */
import { Redis } from "ioredis";
import { MONTH_GRACE_MS, monthOf, nextMonthStart } from "./calendar-month.ts";
import type { Clock, StateStore, UsageReport, UsageTotals } from "./state-store.ts";
import * as lua from "./redis-scripts.ts";
import { HIT_WINDOW, SETTLE_WINDOW } from "./redis-window-scripts.ts";
import { redisUpstreamState } from "./redis-upstream-state.ts";
import { EXACT_ENTRIES, FOLD_SLOT_MS, wholeUnits } from "./window-transitions.ts";

/** A StateStore that can also say whether its server answers. */
export interface RemoteStateStore extends StateStore {
  /** Resolves when the server answers a PING within the command timeout; rejects otherwise. */
  ping(): Promise<void>;
}

export interface RedisStoreOptions {
  readonly url: string;
  readonly now: Clock;
  /** Prefix of every key, so one Redis can serve several deployments (default `haigpt:`). */
  readonly keyPrefix?: string;
  /** Longest any command may take before it fails (default 1000 ms). */
  readonly commandTimeoutMs?: number;
  /** Called with each connection error (already without the URL); the wrapper decides what to report. */
  readonly onError?: (error: Error) => void;
}


const SCRIPTS = {
  hitWindow: [2, HIT_WINDOW],
  settleWindow: [2, SETTLE_WINDOW],
  acquireSlot: [1, lua.ACQUIRE_SLOT],
  renewSlot: [1, lua.RENEW_SLOT],
  recordUsage: [3, lua.RECORD_USAGE],
  setCooldown: [1, lua.SET_COOLDOWN],
  breakerFailure: [1, lua.BREAKER_FAILURE],
  breakerProbe: [1, lua.BREAKER_PROBE],
} as const;

type ScriptName = keyof typeof SCRIPTS;
/** The client with the scripts defined as commands. */
export type Scripted = Redis & Record<ScriptName, (...args: Array<string | number>) => Promise<unknown>>;

const USAGE_KINDS = ["requests", "prompt_tokens", "completion_tokens", "total_tokens"] as const;

/** Connects (waiting at most the command timeout for the first connection) and returns the store. */
export async function createRedisStore(options: RedisStoreOptions): Promise<RemoteStateStore> {
  const { now, keyPrefix = "haigpt:", commandTimeoutMs = 1_000 } = options;
  const redis = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
    // Keep trying in the background, at most every 2 s, for as long as the process runs.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  }) as Scripted;
  redis.on("error", (error: Error) => options.onError?.(error));
  for (const [name, [numberOfKeys, script]] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys, lua: script });
  await redis.connect().catch(() => {
    // Unreachable at start: the store still exists and reconnects by itself; commands fail until then.
  });

  const k = (...parts: string[]) => keyPrefix + parts.join(":");

  return {
    kind: "redis",
    ...redisUpstreamState(redis, k, now),
    async ping() {
      await redis.ping();
    },
    async hitWindow(key, request) {
      const at = now();
      const cost = wholeUnits(request.cost);
      const [allowed, used, resetMs, retry] = (await redis.hitWindow(
        k("window", key), k("folded", key), at, request.windowMs, request.limit, cost, request.id,
        EXACT_ENTRIES, FOLD_SLOT_MS,
      )) as number[];
      const admitted = allowed === 1;
      return {
        allowed: admitted,
        limit: request.limit,
        used: used!,
        remaining: Math.max(0, request.limit - used!),
        resetMs: resetMs!,
        retryAfterMs: retry! < 0 ? null : retry!,
        entry: admitted && cost > 0 ? { id: request.id, at, cost } : null,
      };
    },
    async settleWindow(key, entry, actualCost) {
      await redis.settleWindow(k("window", key), k("folded", key), entry.id, entry.at, entry.cost, wholeUnits(actualCost), FOLD_SLOT_MS);
    },
    async acquireSlot(key, request) {
      const [ok, count] = (await redis.acquireSlot(k("slots", key), now(), request.limit, request.leaseId, request.ttlMs)) as number[];
      return { acquired: ok === 1, limit: request.limit, count: count! };
    },
    async renewSlot(key, leaseId, ttlMs) {
      return (await redis.renewSlot(k("slots", key), now(), leaseId, ttlMs)) === 1;
    },
    async releaseSlot(key, leaseId) {
      await redis.zrem(k("slots", key), leaseId);
    },
    async recordUsage(record) {
      const at = now();
      await redis.recordUsage(
        k("usage", record.userId), k("usage-users"), k("month", record.userId, monthOf(at)),
        record.userId, record.model, record.requests, record.promptTokens, record.completionTokens, record.totalTokens,
        nextMonthStart(at) + MONTH_GRACE_MS - at,
      );
    },
    async readMonthTokens(userId) {
      return Number((await redis.get(k("month", userId, monthOf(now())))) ?? 0);
    },
    async readUsage() {
      const users = await redis.smembers(k("usage-users"));
      const hashes = await Promise.all(users.map((user) => redis.hgetall(k("usage", user))));
      const report: UsageReport = { users: {} };
      users.forEach((user, index) => {
        const byModel: Record<string, UsageTotals> = {};
        for (const [field, value] of Object.entries(hashes[index] ?? {})) {
          const colon = field.indexOf(":");
          const kind = field.slice(0, colon) as (typeof USAGE_KINDS)[number];
          const model = field.slice(colon + 1);
          byModel[model] ??= { requests: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
          if (USAGE_KINDS.includes(kind)) byModel[model][kind] = Number(value);
        }
        report.users[user] = byModel;
      });
      return report;
    },
    async close() {
      redis.disconnect();
    },
  };
}

