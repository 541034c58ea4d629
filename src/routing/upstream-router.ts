/**
 * Routing's edge to the state store, one per app instance: reads the upstreams' shared health, orders
 * a request's upstreams (priority groups, smooth weighted round-robin inside the first), claims the
 * half-open probe, and writes what an attempt's ending means (429 → cooldown; failure/success → the
 * circuit). The round-robin scores and the recent-attempt statistics are this process's own.
 */
import { breakerPhase, CLOSED_BREAKER } from "../state/breaker-state.ts";
import type { StateStore } from "../state/state-store.ts";
import { failureOptions, judgeEnding, type AttemptEnding, type BreakerSettings } from "./circuit-breaker.ts";
import { cooldownUntil } from "./cooldown.ts";
import { describeUpstreams, type UpstreamStatus } from "./describe-upstreams.ts";
import { explainNoUpstream, NONE_EXCLUDED, planRoute, type NoUpstream, type RouteCandidate } from "./route-order.ts";
import type { Upstream } from "./upstream.ts";
import { joinStates, stateOf, whyUnusable, type Unusable, type UpstreamStates } from "./upstream-state.ts";
import { addSample, type AttemptSample } from "./upstream-stats.ts";
import type { SwrrState } from "./weighted-round-robin.ts";

export interface RouterSettings {
  readonly breaker: BreakerSettings;
  /** Cooldown for a 429 that names no wait (`HAIGPT_RETRY_BASE_MS`). */
  readonly cooldownFallbackMs: number;
  /** How long a claimed probe holds the circuit before another request may probe (one request's time). */
  readonly probeLeaseMs: number;
}

/** A request's route: upstream names in the order to try them, or why none is usable. */
export type RoutePlan =
  | { readonly ok: true; readonly order: readonly string[]; readonly states: UpstreamStates }
  | { readonly ok: false; readonly why: NoUpstream };

/** How one attempt ended, for the shared state and the statistics. */
export interface EndedAttempt {
  readonly ending: AttemptEnding;
  /** The answer's headers (a 429's wait); null without an answer. */
  readonly headers: Headers | null;
  /** The attempt was the half-open probe. */
  readonly probe: boolean;
  /** The state read when the request was planned: a success on a circuit with no failures writes nothing. */
  readonly before: UpstreamStates;
  readonly latencyMs: number;
}

export interface UpstreamRouter {
  /** Orders `candidates` (the upstreams serving the model, in configuration order) for one request; at once when the store answers at once. */
  plan(candidates: readonly RouteCandidate[]): RoutePlan | Promise<RoutePlan>;
  /**
   * Whether an attempt may go to `name` now, and whether it is the circuit's probe. With `fresh` (every
   * attempt after a request's first) the upstream's cooldown and circuit are read again from the store,
   * so a cooldown or an open circuit that began after the request was planned keeps it out. With
   * `ownCooldown` a cooldown is not a reason to skip: this request's own 429 set it, and its retry
   * wait (Retry-After, or backoff when the header says nothing usable) already answers for it.
   */
  claim(name: string, planned: UpstreamStates, fresh?: boolean, ownCooldown?: boolean): Claim | Promise<Claim>;
  /**
   * Records an ended attempt; resolves once the shared state is written. Synchronous (nothing to wait
   * for) when the ending changes nothing shared: a success on a healthy circuit, the usual case.
   */
  report(name: string, ended: EndedAttempt): Promise<void> | void;
  /** The shortest wait before any of `candidates` is usable again, read fresh (for a relayed 429's retry-after). */
  explain(candidates: readonly RouteCandidate[]): Promise<NoUpstream>;
  /** `GET /admin/upstreams`'s body. */
  describe(upstreams: readonly Upstream[]): Promise<{ upstreams: UpstreamStatus[] }>;
}

/** An attempt's claim on an upstream: `states` is what it was judged by (the report's `before`). */
export interface Claim {
  readonly ok: boolean;
  readonly probe: boolean;
  readonly states: UpstreamStates;
  /** Why not, when the upstream is cooling down, open, or another request holds its probe. */
  readonly unusable: Unusable | null;
}

/** Told when an attempt's failure opened (or reopened) an upstream's circuit, for the operator's log. */
export type CircuitOpened = (name: string, openUntil: number, consecutiveFailures: number) => void;

export function createUpstreamRouter(store: StateStore, now: () => number, settings: RouterSettings, onOpened?: CircuitOpened): UpstreamRouter {
  let swrr: SwrrState = {};
  const stats = new Map<string, AttemptSample[]>();

  /** The states of `names`; at once (no promise) when the store answers at once (memory, SQLite). */
  function readStates(names: readonly string[]): UpstreamStates | Promise<UpstreamStates> {
    if (store.readUpstreams) {
      const read = store.readUpstreams(names);
      if (read instanceof Promise) return read.then(({ cooldowns, breakers }) => joinStates(names, cooldowns, breakers));
      return joinStates(names, read.cooldowns, read.breakers);
    }
    return Promise.all([store.readCooldowns(names), store.readBreakers(names)]).then(([cooldowns, breakers]) => joinStates(names, cooldowns, breakers));
  }

  /** A request's route over the states read for it. */
  function planOver(candidates: readonly RouteCandidate[], states: UpstreamStates): RoutePlan {
    const input = { candidates, states, exclude: NONE_EXCLUDED, now: now() };
    const route = planRoute(input, swrr);
    if (!route) return { ok: false, why: explainNoUpstream(input) };
    swrr = route.swrr;
    return { ok: true, order: route.order, states };
  }

  /** Whether `name` may take an attempt by `states`; claims the half-open probe through the store when it may. */
  function judgeClaim(name: string, states: UpstreamStates, ownCooldown: boolean): Claim | Promise<Claim> {
    const read = stateOf(states, name);
    const state = ownCooldown ? { ...read, coolingUntil: 0 } : read;
    const unusable = whyUnusable(state, now());
    if (unusable) return { ok: false, probe: false, states, unusable };
    if (state.breaker.openUntil === null) return { ok: true, probe: false, states, unusable: null };
    return store.tryBreakerProbe(name, settings.probeLeaseMs).then((probe) =>
      ({ ok: probe, probe, states, unusable: probe ? null : { reason: "probe_in_flight", until: null } }));
  }

  /** What an ending writes to the shared state: a 429's cooldown, a failure or a success on the circuit. */
  async function writeEnding(name: string, ended: EndedAttempt, at: number, outcome: ReturnType<typeof judgeEnding>): Promise<void> {
    if (ended.ending.kind === "status" && ended.ending.status === 429) {
      await store.setCooldown(name, cooldownUntil(ended.headers ?? new Headers(), at, settings.cooldownFallbackMs));
    }
    // An attempt that was out while another request's failure opened the circuit adds nothing: the
    // circuit stays open until the time the opening set (only the probe's failure reopens it).
    const openedMeanwhile = outcome === "failure" && !ended.probe && breakerPhase((await store.readBreakers([name]))[name] ?? CLOSED_BREAKER, at) === "open";
    if (outcome === "failure" && !openedMeanwhile) {
      const breaker = await store.recordBreakerFailure(name, failureOptions(settings.breaker));
      if (breaker.openUntil !== null) onOpened?.(name, breaker.openUntil, breaker.consecutiveFailures);
    } else if (outcome === "success") {
      const { breaker } = stateOf(ended.before, name);
      if (ended.probe || breaker.consecutiveFailures > 0 || breaker.openUntil !== null) await store.recordBreakerSuccess(name);
    }
  }

  /** This process's statistics of the upstream (for `/admin/upstreams`). */
  function recordStats(name: string, ended: EndedAttempt, at: number, outcome: ReturnType<typeof judgeEnding>): void {
    if (ended.ending.kind === "client-gone") return;
    // A 4xx the client caused is no fault of the upstream's; a 429 is (it could not serve).
    const ok = outcome !== "failure" && !(ended.ending.kind === "status" && ended.ending.status === 429);
    let window = stats.get(name);
    if (!window) stats.set(name, (window = []));
    addSample(window, { at, ok, latencyMs: ended.latencyMs });
  }

  return {
    plan(candidates) {
      const states = readStates(candidates.map((c) => c.name));
      return states instanceof Promise ? states.then((read) => planOver(candidates, read)) : planOver(candidates, states);
    },

    claim(name, planned, fresh = false, ownCooldown = false) {
      const states = fresh ? readStates([name]) : planned;
      return states instanceof Promise ? states.then((read) => judgeClaim(name, read, ownCooldown)) : judgeClaim(name, states, ownCooldown);
    },

    report(name, ended) {
      const at = now();
      const outcome = judgeEnding(ended.ending);
      const throttled = ended.ending.kind === "status" && ended.ending.status === 429;
      const { breaker } = stateOf(ended.before, name);
      const writes = throttled || outcome === "failure" ||
        (outcome === "success" && (ended.probe || breaker.consecutiveFailures > 0 || breaker.openUntil !== null));
      // Nothing shared changes (a success on a healthy circuit): no store call, nothing to wait for.
      if (!writes) return recordStats(name, ended, at, outcome);
      return writeEnding(name, ended, at, outcome).then(() => recordStats(name, ended, at, outcome));
    },

    async explain(candidates) {
      const states = await readStates(candidates.map((c) => c.name));
      return explainNoUpstream({ candidates, states, now: now() });
    },

    async describe(upstreams) {
      const states = await readStates(upstreams.map((u) => u.name));
      return describeUpstreams({ upstreams, states, stats: Object.fromEntries(stats), now: now() });
    },
  };
}
