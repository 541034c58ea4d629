/** Upstream cooldowns and circuit-breaker state in Redis: one key per upstream, each with a TTL. */
import type { BreakerState } from "./breaker-state.ts";
import type { UpstreamStateOps } from "./kv-upstream-state.ts";
import type { Scripted } from "./redis-store.ts";
import type { Clock } from "./state-store.ts";
import { BREAKER_IDLE_TTL_MS } from "./transitions.ts";

/** A breaker hash's `f`, `o`, `p` (or a script's answer) as a state; -1 or absent means none. */
function breakerOf(values: Array<number | string | null>): BreakerState {
  const [f, o, p] = values.map((value) => (value === null ? -1 : Number(value)));
  return { consecutiveFailures: Math.max(0, f ?? 0), openUntil: o! >= 0 ? o! : null, probeUntil: p! >= 0 ? p! : null };
}

/** The upstream half of the Redis store; `k` builds a prefixed key. */
export function redisUpstreamState(redis: Scripted, k: (...parts: string[]) => string, now: Clock): UpstreamStateOps {
  return {
    async setCooldown(upstream, until) {
      await redis.setCooldown(k("cooldown", upstream), now(), Math.ceil(until));
    },
    async readCooldowns(upstreams) {
      if (upstreams.length === 0) return {};
      const at = now();
      const values = await redis.mget(...upstreams.map((name) => k("cooldown", name)));
      const out: Record<string, number> = {};
      upstreams.forEach((name, index) => {
        const until = Number(values[index] ?? 0);
        if (until > at) out[name] = until;
      });
      return out;
    },
    async recordBreakerFailure(upstream, options) {
      const values = (await redis.breakerFailure(
        k("breaker", upstream), now(), options.threshold, options.openMs, BREAKER_IDLE_TTL_MS,
      )) as number[];
      return breakerOf(values);
    },
    async recordBreakerSuccess(upstream) {
      await redis.del(k("breaker", upstream));
      return breakerOf([0, null, null]);
    },
    async tryBreakerProbe(upstream, leaseMs) {
      return (await redis.breakerProbe(k("breaker", upstream), now(), leaseMs, BREAKER_IDLE_TTL_MS)) === 1;
    },
    async readBreakers(upstreams) {
      const rows = await Promise.all(upstreams.map((name) => redis.hmget(k("breaker", name), "f", "o", "p")));
      return Object.fromEntries(upstreams.map((name, index) => [name, breakerOf(rows[index] ?? [])]));
    },
  };
}
