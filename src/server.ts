/**
 * Starts haigpt on a port: the app, its dependencies and the runtime's server, plus the start-up line.
 * The app can be replaced by one built from a new configuration (reload); the state that outlives it
 * (records, metrics, usage, draining, the shutdown signal) is made here once.
 */
import { createAppHandler, defaultDeps, type AppDeps } from "./app.ts";
import { describeUpstreamConfig } from "./config/describe-upstream-config.ts";
import type { AppConfig, AzureKey } from "./config/schema.ts";
import { createLogger, type Logger } from "./log.ts";
import { observeRequests } from "./observe/observe-requests.ts";
import type { Observer } from "./observe/observer.ts";
import { runtime, type Listener } from "./runtime.ts";
import { routableRequest } from "./routes/routable-url.ts";
import { openMemoryState, type OpenedStore } from "./state/open-store.ts";
import { registerStateGauge } from "./state/state-gauge.ts";
import { maskSecret } from "./secrets.ts";
import { warnKeyFeatureGaps } from "./proxy/key-features.ts";
import { VERSION } from "./version.ts";

export interface StartOptions {
  /** Replaces any of the real dependencies (tests inject fetch, clock and log). */
  readonly deps?: Partial<AppDeps>;
  readonly log?: Logger;
  /** The state store (opened by the entry from the settings); in-process servers default to memory. Closed on stop. */
  readonly state?: OpenedStore;
}

function describeKey(key: AzureKey | null, source: string | null): string | null {
  if (!key) return null;
  const models = Object.entries(key.deployments).map(([model, deployment]) => `${model}→${deployment}`).join(", ");
  return `${key.resourceId} at ${key.endpoint}, api-version ${key.apiVersion}, key ${maskSecret(key.apiKey)}, ` +
    `models ${models} (from ${source})`;
}

/** How the server runs, in words an operator can check; secrets masked. */
function describeStartup(config: AppConfig, state: string): Record<string, unknown> {
  // Pure proxy only without any upstream, as src/auth/resolve-access.ts decides.
  const serving = config.primary !== null || config.upstreams.length > 0;
  const mode = !serving ? "pure proxy (clients send their own Azure credential string)"
    : config.userTokens.length ? "user tokens (clients use the server's Azure keys)"
    : "anonymous (anyone reaching the server uses its Azure keys)";
  return {
    mode,
    primary: describeKey(config.primary, config.sources.primary),
    secondary: describeKey(config.secondary, config.sources.secondary),
    ...(config.upstreams.length ? { upstreams: describeUpstreamConfig(config.upstreams) } : {}),
    userTokens: config.userTokens.length
      ? `${config.userTokens.map((u) => `${u.userId} (${u.token === undefined ? "sha256" : maskSecret(u.token)})`).join(", ")} (from ${config.sources.userTokens})`
      : null,
    clientCredentials: serving ? config.allowClientCredentials : true,
    retries: config.maxRetries,
    firstByteTimeoutMs: config.firstByteTimeoutMs,
    streamIdleTimeoutMs: config.streamIdleTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    maxUpstreamConnections: config.maxUpstreamConnections,
    compat: config.compat,
    params: config.params,
    state,
    admin: config.adminToken ? "on: /metrics and /admin/* need the admin token" : "off (set HAIGPT_ADMIN_TOKEN for /metrics and /admin/*)",
  };
}

/**
 * A URL a client on this machine can use: a wildcard host (all interfaces) is not one, so it becomes
 * the loopback address, and the note says the server listens on every interface.
 */
export function clientUrl(host: string, port: number): { url: string; note: string } {
  if (host === "0.0.0.0") return { url: `http://127.0.0.1:${port}`, note: "on all interfaces, 0.0.0.0; " };
  if (host === "::" || host === "[::]") return { url: `http://[::1]:${port}`, note: "on all interfaces, ::; " };
  return { url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, note: "" };
}

/** The running server: a Listener that can also swap its configuration and be drained for shutdown. */
export interface HaigptServer extends Listener {
  readonly observer: Observer;
  /** The configuration new requests run on. */
  config(): AppConfig;
  /** Builds a new app from `config`; new requests use it, those in flight finish on the old one. */
  replaceConfig(config: AppConfig): void;
  /** From now on /readyz is 503 and requests get 503 with `Connection: close`. */
  startDraining(): void;
  /** Aborts the `shutdown` signal: open streams end with an error event. */
  endStreams(): void;
}

/** Builds the app and listens on the configured host and port; throws if the port is taken. */
export function startServer(config: AppConfig, options: StartOptions = {}): HaigptServer {
  const log = options.log ?? createLogger(config.logLevel, { format: config.logFormat });
  const shutdown = new AbortController();
  let draining = false;
  const state = options.state ?? openMemoryState(Date.now);
  const base: AppDeps = {
    ...defaultDeps(config, log, state),
    draining: () => draining,
    shutdown: shutdown.signal,
    ...options.deps,
  };
  let deps = base;
  registerStateGauge(deps.observer.metrics.registry, deps.stateStatus);
  let handle = createAppHandler(deps);
  const handler = observeRequests((request) => handle(routableRequest(request)), deps.observer, () => draining);
  const listener = runtime.serve(handler, {
    port: config.port,
    hostname: config.host,
    // haigpt counts every body itself and answers an OpenAI-shaped 413; Bun's own limit would answer
    // first with an empty 413 (by Content-Length), so it is set out of the way.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
  });
  for (const warning of warnKeyFeatureGaps(config.primary, config.secondary)) log.warn(warning);
  const { url, note } = clientUrl(config.host, listener.port);
  log.info(`haigpt listening on ${url} (${note}version ${VERSION})`, { version: VERSION, ...describeStartup(config, state.description) });
  return {
    ...listener,
    async stop() {
      await listener.stop();
      // After the listener: the last requests' usage and releases have been written.
      await state.store.close();
    },
    observer: deps.observer,
    config: () => deps.config,
    replaceConfig(next) {
      const nextDeps = { ...base, config: next };
      // Built before the swap: a failure leaves the old app serving.
      handle = createAppHandler(nextDeps);
      deps = nextDeps;
    },
    startDraining: () => void (draining = true),
    endStreams: () => shutdown.abort(new Error("the server is shutting down")),
  };
}
