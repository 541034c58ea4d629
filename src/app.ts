/** createApp: the whole HTTP surface of haigpt as an Elysia app, built from injected dependencies. */
import { Elysia } from "elysia";
import { createAccessResolver } from "./auth/resolve-access.ts";
import type { AppConfig } from "./config/schema.ts";
import { createErrorHandler } from "./errors/error-handler.ts";
import { bodyTooLargeError } from "./errors/request-errors.ts";
import type { Logger } from "./log.ts";
import type { PolicyClock } from "./proxy/run-attempts.ts";
import { azureShapedRoutes, openAIRoutes } from "./routes/api-routes.ts";
import { answerPreflight, corsHeaders } from "./routes/cors.ts";
import { health } from "./routes/health.ts";
import { REQUEST_ID_HEADER, requestIdOf } from "./routes/request-id.ts";
import { createConnectionSlots, type ConnectionSlots } from "./upstream/connection-slots.ts";
import type { FetchLike } from "./upstream/send-attempt.ts";

export interface AppDeps {
  readonly config: AppConfig;
  readonly fetch: FetchLike;
  readonly clock: PolicyClock;
  readonly log: Logger;
  readonly newRequestId: () => string;
  /** Aborts when the shutdown grace has run out: open streams end with an error event and [DONE]. */
  readonly shutdown: AbortSignal;
  /** Upstream connections in use, at most the runtime's limit (one count per process: share it across reloads). */
  readonly slots: ConnectionSlots;
}

/** Real-world dependencies: global fetch, the system clock, Math.random and a UUID per request. */
export function defaultDeps(config: AppConfig, log: Logger): AppDeps {
  return {
    config,
    log,
    fetch: (input, init) => fetch(input, init),
    clock: { now: () => Date.now(), sleep: sleepUnlessAborted, random: Math.random },
    newRequestId: () => crypto.randomUUID(),
    // Never aborts unless the server's shutdown replaces it.
    shutdown: new AbortController().signal,
    slots: createConnectionSlots(config.maxUpstreamConnections),
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

export function createApp(deps: AppDeps) {
  const startedAt = Math.floor(deps.clock.now() / 1000);
  const resolveAccess = createAccessResolver(deps.config);
  return new Elysia()
    .onRequest(function startRequest({ set, request }) {
      set.headers[REQUEST_ID_HEADER] = deps.newRequestId();
      const preflight = answerPreflight(request, deps.config.corsOrigins);
      if (preflight) return preflight;
      Object.assign(set.headers, corsHeaders(request.headers.get("origin"), deps.config.corsOrigins));
      if (Number(request.headers.get("content-length") ?? 0) > deps.config.maxBodyBytes) {
        throw bodyTooLargeError(deps.config.maxBodyBytes);
      }
    })
    .onError(createErrorHandler(deps.log, requestIdOf))
    .get("/healthz", health)
    .use(openAIRoutes("/v1", deps, resolveAccess, startedAt))
    .use(azureShapedRoutes(deps, resolveAccess))
    .use(openAIRoutes("", deps, resolveAccess, startedAt));
}

export type App = ReturnType<typeof createApp>;
