/** createApp: the whole HTTP surface of haigpt as an Elysia app, built from injected dependencies. */
import { Elysia } from "elysia";
import { authPlugin } from "./auth/auth-plugin.ts";
import { createAccessResolver } from "./auth/resolve-access.ts";
import type { AppConfig } from "./config/schema.ts";
import { createErrorHandler } from "./errors/error-handler.ts";
import type { Logger } from "./log.ts";
import type { PolicyClock } from "./proxy/run-attempts.ts";
import { ChatCompletionBody, EmbeddingsBody } from "./routes/body-schemas.ts";
import { health } from "./routes/health.ts";
import { listModels } from "./routes/models.ts";
import { proxyRoute } from "./routes/proxy-route.ts";
import { REQUEST_ID_HEADER, requestIdOf } from "./routes/request-id.ts";
import type { FetchLike } from "./upstream/send-attempt.ts";

export interface AppDeps {
  readonly config: AppConfig;
  readonly fetch: FetchLike;
  readonly clock: PolicyClock;
  readonly log: Logger;
  readonly newRequestId: () => string;
}

/** Real-world dependencies: global fetch, the system clock, Math.random and a UUID per request. */
export function defaultDeps(config: AppConfig, log: Logger): AppDeps {
  return {
    config,
    log,
    fetch: (input, init) => fetch(input, init),
    clock: { now: () => Date.now(), sleep: sleepUnlessAborted, random: Math.random },
    newRequestId: () => crypto.randomUUID(),
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
  const api = new Elysia({ prefix: "/v1" })
    .use(authPlugin(createAccessResolver(deps.config)))
    .get("/models", listModels(startedAt))
    .post("/chat/completions", proxyRoute(deps, "chat/completions"), { parse: "json", body: ChatCompletionBody })
    .post("/embeddings", proxyRoute(deps, "embeddings"), { parse: "json", body: EmbeddingsBody });

  return new Elysia()
    .onRequest(function assignRequestId({ set }) {
      set.headers[REQUEST_ID_HEADER] = deps.newRequestId();
    })
    .onError(createErrorHandler(deps.log, requestIdOf))
    .get("/healthz", health)
    .use(api);
}

export type App = ReturnType<typeof createApp>;
