/** Starts haigpt on a port: the app, its dependencies and the runtime's server, plus the start-up line. */
import { createApp, defaultDeps, type AppDeps } from "./app.ts";
import { describeUpstreamConfig } from "./config/describe-upstream-config.ts";
import type { AppConfig, AzureKey } from "./config/schema.ts";
import { createLogger, type Logger } from "./log.ts";
import { runtime, type Listener } from "./runtime.ts";
import { maskSecret } from "./secrets.ts";

export interface StartOptions {
  /** Replaces any of the real dependencies (tests inject fetch, clock and log). */
  readonly deps?: Partial<AppDeps>;
  readonly log?: Logger;
}

function describeKey(key: AzureKey | null, source: string | null): string | null {
  if (!key) return null;
  const models = Object.entries(key.deployments).map(([model, deployment]) => `${model}→${deployment}`).join(", ");
  return `${key.resourceId} at ${key.endpoint}, api-version ${key.apiVersion}, key ${maskSecret(key.apiKey)}, ` +
    `models ${models} (from ${source})`;
}

/** How the server runs, in words an operator can check; secrets masked. */
function describeStartup(config: AppConfig): Record<string, unknown> {
  const mode = !config.primary ? "pure proxy (clients send their own Azure credential string)"
    : config.userTokens.length ? "user tokens (clients use the server's Azure keys)"
    : "anonymous (anyone reaching the server uses its Azure keys)";
  return {
    mode,
    primary: describeKey(config.primary, config.sources.primary),
    secondary: describeKey(config.secondary, config.sources.secondary),
    ...(config.upstreams.length ? { upstreams: describeUpstreamConfig(config.upstreams) } : {}),
    userTokens: config.userTokens.length
      ? `${config.userTokens.map((u) => `${u.userId} (${maskSecret(u.token)})`).join(", ")} (from ${config.sources.userTokens})`
      : null,
    clientCredentials: config.primary ? config.allowClientCredentials : true,
    retries: config.maxRetries,
    firstByteTimeoutMs: config.firstByteTimeoutMs,
    compat: config.compat,
    params: config.params,
  };
}

/** Builds the app and listens on the configured host and port; throws if the port is taken. */
export function startServer(config: AppConfig, options: StartOptions = {}): Listener {
  const log = options.log ?? createLogger(config.logLevel);
  const deps: AppDeps = { ...defaultDeps(config, log), ...options.deps };
  const app = createApp(deps);
  const listener = runtime.serve((request) => app.fetch(request), {
    port: config.port,
    hostname: config.host,
    // haigpt checks the limit itself, so the client gets an OpenAI-shaped 413; Bun's own is a backstop.
    maxRequestBodySize: config.maxBodyBytes + 1024 * 1024,
  });
  log.info(`haigpt listening on ${listener.url}`, describeStartup(config));
  return listener;
}
