/** The metric that says whether shared state has fallen back to local memory: `haigpt_state_degraded{store}`. */
import type { MetricsRegistry } from "../observe/metrics-registry.ts";
import type { StoreStatus } from "./state-store.ts";

/** Registers the gauge in `registry`; its value is read from `status()` at each scrape. */
export function registerStateGauge(registry: MetricsRegistry, status: () => StoreStatus): void {
  registry.register((real, { Gauge }) => new Gauge({
    name: "haigpt_state_degraded",
    help: "1 while the configured state store (Redis) is unreachable and limits, cooldowns and usage are kept in this process only.",
    labelNames: ["store"],
    registers: [real],
    collect() {
      const now = status();
      this.set({ store: now.kind }, now.degraded ? 1 : 0);
    },
  }));
}
