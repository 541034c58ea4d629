/**
 * The request's side of routing: the targets in the order the shared upstream state gives, and each
 * attempt sent through its upstream's credential and reported back to that state (cooldown, circuit,
 * statistics). The policy lives in src/routing; this module only performs it for one request.
 */
import { ClientGoneError } from "../errors/client-gone.ts";
import type { Logger } from "../log.ts";
import { classifyAttempt } from "../policy/classify-attempt.ts";
import type { AttemptEnding } from "../routing/circuit-breaker.ts";
import { noUpstreamError } from "../routing/no-upstream-error.ts";
import type { RoutePlan, UpstreamRouter } from "../routing/upstream-router.ts";
import type { Unusable, UpstreamStates } from "../routing/upstream-state.ts";
import { retryAfterHeaders } from "../routing/cooldown.ts";
import { upstreamAuthFailedError } from "../upstream-auth/upstream-auth-error.ts";
import type { UpstreamCredentials } from "../upstream-auth/upstream-credentials.ts";
import type { AttemptResult, UpstreamAttempt } from "../upstream/attempt.ts";
import type { Target } from "../upstream/model-map.ts";
import { ProxyError } from "../errors/openai-error.ts";
import type { SkippedAttempt } from "./run-attempts.ts";

/** A target with the shared state its request was ordered by (for the probe claim and the reports). */
export type Routed<T extends Target> = T & { readonly routeStates: UpstreamStates };

/**
 * The targets in routing order: the lowest priority group with a usable upstream first (its pick by
 * weight first of all), then the rest of that group, then the next groups. Throws the 429/503 when
 * none is usable (synchronously when the store answered at once). Without a router, configuration order.
 */
export function routeTargets<T extends Target>(targets: readonly T[], model: string, router: UpstreamRouter | undefined): Routed<T>[] | Promise<Routed<T>[]> {
  if (!router) return targets.map((t) => ({ ...t, routeStates: {} }));
  // At once when the store answers at once (memory, SQLite): no promise per request.
  const plan = router.plan(targets.map((t) => t.key));
  return plan instanceof Promise ? plan.then((read) => routeBy(targets, model, read)) : routeBy(targets, model, plan);
}

function routeBy<T extends Target>(targets: readonly T[], model: string, plan: RoutePlan): Routed<T>[] {
  if (!plan.ok) throw noUpstreamError(model, plan.why);
  // A model has a few targets: found by a scan, not through a Map made per request.
  return plan.order.map((name) => ({ ...targets.find((t) => t.id === name)!, routeStates: plan.states }));
}

/** How an attempt ended, as the breaker reads it. */
function endingOf(result: AttemptResult, serverOwnedKeys: boolean, answersJson: boolean): AttemptEnding {
  if (result.kind === "unreachable") return { kind: result.reason === "timeout" ? "timeout" : "connection" };
  // A 2xx stream that broke or ended before its decision point is a reset, not a success.
  if (result.status >= 200 && result.status < 300 && classifyAttempt(result, serverOwnedKeys, answersJson) === "retry") {
    return { kind: "connection" };
  }
  return { kind: "status", status: result.status };
}

export interface RoutedSendDeps {
  readonly router: UpstreamRouter | undefined;
  readonly credentials: UpstreamCredentials | undefined;
  readonly log: Logger;
  readonly now: () => number;
  readonly serverOwnedKeys: boolean;
  readonly answersJson: boolean;
  /** Not the request's first attempt: the upstream's cooldown and circuit are read fresh before sending. */
  readonly retry?: boolean;
  /** Upstreams that answered this request 429 (their cooldown is this request's own); added to here. */
  readonly answered429?: Set<string>;
  /** Sends the attempt with these authenticating headers. */
  readonly send: (auth: Readonly<Record<string, string>>) => Promise<UpstreamAttempt>;
}

/** The answer for an upstream this request may not use now, should no other be left. */
function unusableError(name: string, unusable: Unusable | null, now: number): ProxyError {
  const headers = unusable?.until == null ? { "retry-after": "1" } : retryAfterHeaders(Math.max(0, unusable.until - now));
  if (unusable?.reason === "cooling_down") {
    return new ProxyError(429, `Azure upstream "${name}" is rate-limited by Azure right now. Retry in ${headers["retry-after"]} s.`, { code: "rate_limit_exceeded", headers });
  }
  const why = unusable?.reason === "circuit_open" ? "paused after failures" : "being probed after failures";
  return new ProxyError(503, `Azure upstream "${name}" is ${why}; retry in ${headers["retry-after"]} s.`, { code: "upstreams_unavailable", headers });
}

/** Claims the upstream (its half-open probe), gets its credential, sends, and reports the ending. */
export async function sendRouted(target: Routed<Target>, deps: RoutedSendDeps): Promise<UpstreamAttempt | SkippedAttempt> {
  const upstream = target.key;
  let claim = deps.router
    ? deps.router.claim(upstream.name, target.routeStates, deps.retry ?? false, deps.answered429?.has(upstream.name) ?? false)
    : { ok: true, probe: false, states: target.routeStates, unusable: null };
  // Awaited only when the store had to be asked (a fresh read, a probe): the usual claim is decided at once.
  if (claim instanceof Promise) claim = await claim;
  if (!claim.ok) return { skipped: unusableError(upstream.name, claim.unusable, deps.now()) };
  const states = claim.states;
  let auth: Readonly<Record<string, string>>;
  if (deps.credentials) {
    let got = deps.credentials.headersFor(upstream);
    if (got instanceof Promise) got = await got;
    if (!got.ok) {
      deps.log.warn("upstream token unavailable", { upstream: upstream.name, reason: got.failure.kind, detail: got.failure.detail });
      return { skipped: upstreamAuthFailedError(upstream.name, got.failure) };
    }
    auth = got.headers;
  } else if (upstream.auth.type === "apiKey") auth = { "api-key": upstream.auth.apiKey };
  else auth = {};
  const started = deps.now();
  const report = (ending: AttemptEnding, headers: Headers | null) =>
    deps.router?.report(upstream.name, { ending, headers, probe: claim.probe, before: states, latencyMs: deps.now() - started });
  let attempt: UpstreamAttempt;
  try {
    attempt = await deps.send(auth);
  } catch (error) {
    if (error instanceof ClientGoneError) await report({ kind: "client-gone" }, null);
    throw error;
  }
  const { result } = attempt;
  if (result.kind !== "unreachable" && result.status === 429) deps.answered429?.add(upstream.name);
  const written = report(endingOf(result, deps.serverOwnedKeys, deps.answersJson), result.kind === "unreachable" ? null : result.headers);
  if (written) await written;
  return attempt;
}
