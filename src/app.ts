/** createApp: the whole HTTP surface of haigpt as an Elysia app, built from injected dependencies. */
import { Elysia } from "elysia";
import { createAccessResolver } from "./auth/resolve-access.ts";
import type { AppConfig } from "./config/schema.ts";
import { createErrorHandler } from "./errors/error-handler.ts";
import { malformedHostError } from "./errors/request-errors.ts";
import type { Logger } from "./log.ts";
import { createObserver, type Observer } from "./observe/observer.ts";
import { usageInStore } from "./observe/usage-store.ts";
import type { PolicyClock } from "./clock.ts";
import { azureShapedRoutes, openAIRoutes } from "./routes/api-routes.ts";
import { adminRoutes } from "./routes/admin-routes.ts";
import { createAllowedMethods } from "./routes/allowed-methods.ts";
import { createFastProxy } from "./routes/fast-proxy.ts";
import { answerPreflight, checkOrigin, corsHeaders } from "./routes/cors.ts";
import { healthRoutes } from "./routes/health.ts";
import { REQUEST_ID_HEADER, requestIdPlugin } from "./routes/request-id.ts";
import { hasValidUrl } from "./request-path.ts";
import { openMemoryState, type OpenedStore } from "./state/open-store.ts";
import type { StateStore, StoreStatus } from "./state/state-store.ts";
import { createConnectionSlots, type ConnectionSlots } from "./upstream/connection-slots.ts";
import type { FetchLike } from "./upstream/attempt.ts";
import { listUpstreams } from "./config/list-upstreams.ts";
import { createUpstreamRouter, type UpstreamRouter } from "./routing/upstream-router.ts";
import { runtime } from "./runtime.ts";
import { createUpstreamCredentials, type UpstreamCredentials } from "./upstream-auth/upstream-credentials.ts";

export interface AppDeps {
  readonly config: AppConfig;
  readonly fetch: FetchLike;
  readonly clock: PolicyClock;
  readonly log: Logger;
  readonly newRequestId: () => string;
  /** Records, metrics and usage: created once per process, kept across reloads. */
  readonly observer: Observer;
  /** Whether the server is shutting down (then /readyz answers 503). */
  readonly draining: () => boolean;
  /** Aborts when the shutdown grace has run out: open streams end with an error event and [DONE]. */
  readonly shutdown: AbortSignal;
  /** Upstream connections in use, at most the runtime's limit (one count per process: share it across reloads). */
  readonly slots: ConnectionSlots;
  /** Limits, usage (and later cooldowns): opened once per process, kept across reloads. */
  readonly state: StateStore;
  /** The store's status for /readyz and metrics (degraded while Redis is away). */
  readonly stateStatus: () => StoreStatus;
  /** Upstream credentials (tests inject one); without it, one per app instance reading this process's environment. */
  readonly credentials?: UpstreamCredentials;
}

/**
 * Real-world dependencies: global fetch, the system clock, Math.random and a UUID per request; usage
 * is kept in `state` (an in-memory store unless the server opened one).
 */
export function defaultDeps(config: AppConfig, log: Logger, state: OpenedStore = openMemoryState(Date.now)): AppDeps {
  return {
    config,
    log,
    fetch: (input, init) => fetch(input, init),
    clock: { now: () => Date.now(), sleep: sleepUnlessAborted, random: Math.random },
    newRequestId: () => crypto.randomUUID(),
    observer: createObserver(log, Date.now, usageInStore(state.store)),
    draining: () => false,
    // Never aborts unless the server's shutdown replaces it.
    shutdown: new AbortController().signal,
    slots: createConnectionSlots(config.maxUpstreamConnections),
    state: state.store,
    stateStatus: state.status,
  };
}

/** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Routing over the shared state and the upstreams' credentials, made once per app instance: a reload
 * starts new round-robin scores and fetches tokens with the new secrets.
 */
function routingDeps(deps: AppDeps): AppDeps & { readonly router: UpstreamRouter; readonly credentials: UpstreamCredentials } {
  const now = () => deps.clock.now();
  const { config } = deps;
  const router = createUpstreamRouter(deps.state, now, {
    breaker: { failures: config.breakerFailures, cooldownMs: config.breakerCooldownMs },
    cooldownFallbackMs: config.retryBaseMs,
    // A probe reports when its answer's head decides the attempt, within the first-byte timeout.
    probeLeaseMs: Math.min(config.firstByteTimeoutMs, config.requestTimeoutMs),
  }, (upstream, openUntil, failures) =>
    deps.log.warn("upstream circuit open", { upstream, until: new Date(openUntil).toISOString(), consecutiveFailures: failures }));
  const credentials = deps.credentials ?? createUpstreamCredentials({ fetch: deps.fetch, now, env: runtime.env() });
  return { ...deps, router, credentials };
}

export function createApp(appDeps: AppDeps) {
  return buildApp(routingDeps(appDeps)).app;
}

/**
 * What the server runs: the proxied POST routes through a path table in front of Elysia (Elysia's
 * per-request routing, hooks and response mapping cost more than the rest of a small request's
 * handling), everything else through the Elysia app, both over the same dependencies.
 */
export function createAppHandler(appDeps: AppDeps): (request: Request) => Response | Promise<Response> {
  const deps = routingDeps(appDeps);
  const { app, resolveAccess, handleError } = buildApp(deps);
  const answerFast = createFastProxy(deps, { resolveAccess, newRequestId: deps.newRequestId, observer: deps.observer, handleError });
  return (request) => answerFast(request) ?? app.fetch(request);
}

function buildApp(deps: ReturnType<typeof routingDeps>) {
  const startedAt = Math.floor(deps.clock.now() / 1000);
  const resolveAccess = createAccessResolver(deps.config);
  const upstreams = listUpstreams(deps.config);
  const allowedMethods = createAllowedMethods(() => app.routes);
  const handleError = createErrorHandler(deps.log, allowedMethods, deps.observer);
  const app = new Elysia()
    // The request id is a value of the context, made before anything can fail (errors of body parsing
    // come before derive), and written on the answer; nothing reads it back from the headers.
    .use(requestIdPlugin)
    .onRequest(function startRequest(ctx) {
      const { set, request } = ctx;
      const requestId = deps.newRequestId();
      ctx.requestId = requestId;
      set.headers[REQUEST_ID_HEADER] = requestId;
      // The request's record has it from the start: nothing reads it back from the answer's headers.
      const record = deps.observer?.recordOf(request);
      if (record) record.summary.requestId = requestId;
      if (!hasValidUrl(request.url)) throw malformedHostError();
      const preflight = answerPreflight(request, deps.config.corsOrigins);
      if (preflight) return preflight;
      const refusal = checkOrigin(request, deps.config.corsOrigins);
      if (refusal) throw refusal;
      Object.assign(set.headers, corsHeaders(request.headers.get("origin"), deps.config.corsOrigins));
    })
    .onError(handleError)
    .use(healthRoutes(deps.draining, deps.stateStatus))
    .use(adminRoutes(deps.observer, deps.config.adminToken, () => deps.router.describe(upstreams)))
    .use(openAIRoutes("/v1", deps, resolveAccess, startedAt))
    .use(openAIRoutes("/openai/v1", deps, resolveAccess, startedAt, "model-or-deployment"))
    .use(azureShapedRoutes(deps, resolveAccess))
    .use(openAIRoutes("", deps, resolveAccess, startedAt));
  return { app, resolveAccess, handleError };
}

export type App = ReturnType<typeof createApp>;
