/** What `GET /admin/upstreams` shows of each upstream: routing facts, health and recent numbers, never a secret. */
import { breakerPhase } from "../state/breaker-state.ts";
import type { Upstream } from "./upstream.ts";
import { stateOf, whyUnusable, type UpstreamStates } from "./upstream-state.ts";
import { summarizeStats, type StatsSummary, type UpstreamStats } from "./upstream-stats.ts";

/** One upstream as the admin surface lists it. */
export interface UpstreamStatus {
  readonly name: string;
  readonly resource: string;
  readonly endpoint: string;
  readonly priority: number;
  readonly weight: number;
  /** How haigpt authenticates (`apiKey`, `entra`, `managedIdentity`); never the credential. */
  readonly auth: Upstream["auth"]["type"];
  readonly models: readonly string[];
  /** `healthy`, `cooling down until <ISO time>`, `circuit open until <ISO time>` or `half-open`. */
  readonly state: string;
  readonly recent: StatsSummary;
}

function describeState(upstream: Upstream, states: UpstreamStates, now: number): string {
  const state = stateOf(states, upstream.name);
  const why = whyUnusable(state, now);
  if (why?.reason === "cooling_down") return `cooling down until ${new Date(why.until).toISOString()}`;
  if (why?.reason === "circuit_open") return `circuit open until ${new Date(why.until).toISOString()}`;
  // A circuit whose open time is up waits for its probe: that is half-open too.
  if (why?.reason === "probe_in_flight" || breakerPhase(state.breaker, now) !== "closed") return "half-open";
  return "healthy";
}

/** Every upstream in configuration order, described at `now`. */
export function describeUpstreams(input: {
  readonly upstreams: readonly Upstream[];
  readonly states: UpstreamStates;
  readonly stats: Readonly<Record<string, UpstreamStats>>;
  readonly now: number;
}): { upstreams: UpstreamStatus[] } {
  const { states, stats, now } = input;
  return {
    upstreams: input.upstreams.map((upstream) => ({
      name: upstream.name,
      resource: upstream.resourceId,
      endpoint: upstream.endpoint,
      priority: upstream.priority,
      weight: upstream.weight,
      auth: upstream.auth.type,
      models: Object.keys(upstream.deployments),
      state: describeState(upstream, states, now),
      recent: summarizeStats(stats[upstream.name] ?? [], now),
    })),
  };
}
