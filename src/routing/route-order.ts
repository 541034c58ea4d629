/**
 * Which upstream a request tries, pure over plain data. The first attempt goes to the lowest
 * priority number that has a usable upstream, spread by weight inside that group. A 429, 5xx, timeout
 * or connection failure spills over to the next usable upstream (same group first, then the next
 * priority), and content-filter failover walks the same order past those that refused the request.
 */
import { stateOf, whyUnusable, type UpstreamStates } from "./upstream-state.ts";
import { pickWeighted, type SwrrState } from "./weighted-round-robin.ts";

/** The routing facts of an upstream serving the requested model. */
export interface RouteCandidate {
  readonly name: string;
  readonly priority: number;
  readonly weight: number;
}

export interface RouteInput {
  /** The upstreams serving the model, in configuration order. */
  readonly candidates: readonly RouteCandidate[];
  readonly states: UpstreamStates;
  /** Names this request must not go to again (already tried, or refused it by content filter). */
  readonly exclude: ReadonlySet<string>;
  readonly now: number;
}

/** The usable candidates in spill-over order: priority ascending, then weight descending, then config order. */
export function orderUpstreams(input: RouteInput): RouteCandidate[] {
  const usable = input.candidates.filter(
    (c) => !input.exclude.has(c.name) && whyUnusable(stateOf(input.states, c.name), input.now) === null,
  );
  // Array.prototype.sort is stable, so equal candidates keep their configuration order.
  return usable.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}

/** No upstream excluded (a request's plan, before any attempt). */
export const NONE_EXCLUDED: ReadonlySet<string> = new Set();

/**
 * A request's whole route in one pass: the first attempt's upstream (by weight inside the first usable
 * priority group), then the rest in spill-over order, and the round-robin scores to keep; null when
 * nothing is usable. A group of one is its own pick and leaves the scores as they are.
 */
export function planRoute(input: RouteInput, swrr: SwrrState): { order: string[]; swrr: SwrrState } | null {
  const usable = orderUpstreams(input);
  if (usable.length === 0) return null;
  const priority = usable[0]!.priority;
  let groupEnd = 1;
  while (groupEnd < usable.length && usable[groupEnd]!.priority === priority) groupEnd++;
  let first = usable[0]!.name;
  let scores = swrr;
  if (groupEnd > 1) {
    const picked = pickWeighted(usable.slice(0, groupEnd), swrr);
    first = picked.name;
    scores = picked.state;
  }
  const order = [first];
  for (const candidate of usable) if (candidate.name !== first) order.push(candidate.name);
  return { order, swrr: scores };
}

/** Where the first attempt goes, and the round-robin scores to keep; null when nothing is usable. */
export function pickFirst(input: RouteInput, swrr: SwrrState): { name: string; swrr: SwrrState } | null {
  const route = planRoute(input, swrr);
  return route && { name: route.order[0]!, swrr: route.swrr };
}

/** Why nothing is usable, for the client's answer. */
export interface NoUpstream {
  /** `cooling_down` when some upstream only waits out a 429 (the client gets 429); else `unavailable`. */
  readonly reason: "cooling_down" | "unavailable";
  /** Shortest time until a candidate becomes usable again; null when none will by itself. */
  readonly waitMs: number | null;
}

/**
 * Why no candidate is usable, with the shortest remaining wait. Upstreams this request already tried
 * count too: a cooldown is shared, and a client coming back later meets all of them again.
 */
export function explainNoUpstream(input: Omit<RouteInput, "exclude">): NoUpstream {
  let coolingWait: number | null = null;
  let otherWait: number | null = null;
  for (const candidate of input.candidates) {
    const why = whyUnusable(stateOf(input.states, candidate.name), input.now);
    if (!why || why.until === null) continue;
    const wait = Math.max(0, why.until - input.now);
    if (why.reason === "cooling_down") coolingWait = Math.min(coolingWait ?? wait, wait);
    else otherWait = Math.min(otherWait ?? wait, wait);
  }
  if (coolingWait !== null) return { reason: "cooling_down", waitMs: coolingWait };
  return { reason: "unavailable", waitMs: otherWait };
}
