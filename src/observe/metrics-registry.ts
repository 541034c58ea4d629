/**
 * The Prometheus registry of one haigpt process, with prom-client loaded on the first scrape: loading it
 * costs ~16 MB of resident memory (measured), which a proxy nobody scrapes need not carry.
 */
import type { Registry } from "prom-client";

/** prom-client's module, handed to each registration once it is loaded. */
export type PromClient = typeof import("prom-client");

/** Adds one metric to the real registry once it exists (called once, in registration order). */
export type Registration = (registry: Registry, client: PromClient) => void;

/** prom-client's default exposition format (Registry.PROMETHEUS_CONTENT_TYPE); a test keeps them equal. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** What /metrics reads, and what metrics register into. */
export interface MetricsRegistry {
  /** Queues a metric for the registry; it appears in the exposition in the order registered. */
  register(registration: Registration): void;
  /** The exposition text of every metric registered (loads prom-client on the first call). */
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** A registry whose prom-client part is built on the first scrape, with every metric registered until then. */
export function createMetricsRegistry(): MetricsRegistry {
  const pending: Registration[] = [];
  let loaded: { registry: Registry; client: PromClient } | null = null;
  let loading: Promise<Registry> | null = null;

  const load = (): Promise<Registry> =>
    (loading ??= import("prom-client").then((client) => {
      const registry = new client.Registry();
      for (const registration of pending.splice(0)) registration(registry, client);
      loaded = { registry, client };
      return registry;
    }));

  return {
    register(registration) {
      if (loaded) registration(loaded.registry, loaded.client);
      else pending.push(registration);
    },
    async metrics() {
      return (await load()).metrics();
    },
    contentType: METRICS_CONTENT_TYPE,
  };
}
