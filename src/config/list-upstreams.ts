/** The one list of upstreams routing works over: the primary and secondary keys, then `upstreams`. */
import type { Upstream } from "../routing/upstream.ts";
import type { AppConfig, AzureKey } from "./schema.ts";

/** An upstream for one key object (the legacy primary/secondary, or a pure-proxy client's own key). */
export function upstreamOfKey(name: string, priority: number, key: AzureKey, source: string | null): Upstream {
  return Object.freeze({
    name,
    resourceId: key.resourceId,
    endpoint: key.endpoint,
    apiVersion: key.apiVersion,
    deployments: key.deployments,
    priority,
    weight: 1,
    auth: Object.freeze({ type: "apiKey" as const, apiKey: key.apiKey }),
    source: source ?? "configuration",
  });
}

/**
 * Every upstream of a loaded configuration. `primaryApiKey`/`PrimaryApiKey` is the upstream `primary`
 * (priority 0) and the secondary key is `secondary` (priority 1), so older configurations route as before.
 */
export function listUpstreams(config: Pick<AppConfig, "primary" | "secondary" | "upstreams" | "sources">): Upstream[] {
  const legacy: Upstream[] = [];
  if (config.primary) legacy.push(upstreamOfKey("primary", 0, config.primary, config.sources.primary));
  if (config.secondary) legacy.push(upstreamOfKey("secondary", 1, config.secondary, config.sources.secondary));
  return [...legacy, ...config.upstreams];
}
