/** Upstream cooldowns and circuit-breaker state over the local key-value backend (memory, SQLite). */
import { CLOSED_BREAKER, type BreakerState } from "./breaker-state.ts";
import type { KvBackend } from "./kv-state-store.ts";
import type { Clock, StateStore } from "./state-store.ts";
import * as step from "./transitions.ts";

export type UpstreamStateOps = Pick<
  StateStore,
  "setCooldown" | "readCooldowns" | "recordBreakerFailure" | "recordBreakerSuccess" | "tryBreakerProbe" | "readBreakers" | "readUpstreams"
>;

/** The upstream half of a kv-backed StateStore. */
export function kvUpstreamState(kv: KvBackend, now: Clock): UpstreamStateOps {
  const asBreaker = (value: unknown) => (value ?? CLOSED_BREAKER) as BreakerState;
  const getMany = (keys: readonly string[], at: number): unknown[] => kv.getMany?.(keys, at) ?? keys.map((key) => kv.get(key, at));
  // The keys of each upstream, made once: routing reads every upstream's state on every request.
  // Names are the configured upstreams', so this stays as small as the configuration.
  const keysByName = new Map<string, { readonly cooldown: string; readonly breaker: string }>();
  const keysOf = (name: string) => {
    let keys = keysByName.get(name);
    if (!keys) keysByName.set(name, (keys = { cooldown: `cooldown:${name}`, breaker: `breaker:${name}` }));
    return keys;
  };
  const cooldownsOf = (upstreams: readonly string[], values: readonly unknown[], at: number) => {
    const out: Record<string, number> = {};
    for (let i = 0; i < upstreams.length; i++) {
      const until = values[i] as number | undefined;
      if (until !== undefined && until > at) out[upstreams[i]!] = until;
    }
    return out;
  };
  const breakersOf = (upstreams: readonly string[], values: readonly unknown[], offset = 0) => {
    const out: Record<string, BreakerState> = {};
    for (let i = 0; i < upstreams.length; i++) out[upstreams[i]!] = asBreaker(values[offset + i]);
    return out;
  };
  const breakerChange = (state: BreakerState, at: number) => ({ value: state, expiresAt: at + step.breakerTtlMs(state, at), result: state });
  return {
    async setCooldown(upstream, until) {
      const at = now();
      kv.update(`cooldown:${upstream}`, at, (current) => {
        const kept = Math.max((current ?? 0) as number, until);
        return { value: kept > at ? kept : undefined, expiresAt: kept, result: undefined };
      });
    },
    async readCooldowns(upstreams) {
      const at = now();
      return cooldownsOf(upstreams, getMany(upstreams.map((name) => keysOf(name).cooldown), at), at);
    },
    async recordBreakerFailure(upstream, options) {
      const at = now();
      return kv.update(`breaker:${upstream}`, at, (current) => breakerChange(step.breakerFailure(asBreaker(current), options, at), at));
    },
    async recordBreakerSuccess(upstream) {
      const at = now();
      return kv.update(`breaker:${upstream}`, at, () => ({ value: undefined, expiresAt: null, result: CLOSED_BREAKER }));
    },
    async tryBreakerProbe(upstream, leaseMs) {
      const at = now();
      return kv.update(`breaker:${upstream}`, at, (current) => {
        const state = asBreaker(current);
        const probing = step.breakerProbe(state, leaseMs, at);
        if (!probing) return { value: current, expiresAt: current === undefined ? null : at + step.breakerTtlMs(state, at), result: false };
        return { ...breakerChange(probing, at), result: true };
      });
    },
    async readBreakers(upstreams) {
      const at = now();
      return breakersOf(upstreams, getMany(upstreams.map((name) => keysOf(name).breaker), at));
    },
    readUpstreams(upstreams) {
      const at = now();
      const count = upstreams.length;
      const keys = new Array<string>(count * 2);
      for (let i = 0; i < count; i++) {
        const { cooldown, breaker } = keysOf(upstreams[i]!);
        keys[i] = cooldown;
        keys[count + i] = breaker;
      }
      const values = getMany(keys, at);
      return { cooldowns: cooldownsOf(upstreams, values, at), breakers: breakersOf(upstreams, values, count) };
    },
  };
}
