/** The Prometheus metrics of one haigpt process, in a registry of their own so servers in one process stay apart. */
import { createMetricsRegistry } from "./metrics-registry.ts";
import { createHistogramTally, createTally } from "./tallies.ts";

/** Label values come partly from clients (model names, pure-proxy resource ids): bounded in length here. */
const MAX_LABEL = 64;

export function labelValue(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "none";
  return value.length > MAX_LABEL ? `${value.slice(0, MAX_LABEL)}…` : value;
}

const SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * Creates the metrics and their registry. Counters and histograms are plain tallies read at scrape
 * time (tallies.ts); the gauges read their value from `inFlight()` and `openStreams()` at scrape time.
 * Nothing here loads prom-client: the registry does, on the first scrape (metrics-registry.ts).
 */
export function createMetrics(read: { inFlight: () => number; openStreams: () => number }) {
  const registry = createMetricsRegistry();
  const metrics = {
    registry,
    requests: createTally(registry, { name: "haigpt_requests_total", help: "Requests answered, by model asked for, final upstream and HTTP status.", labelNames: ["model", "upstream", "status"] }),
    attempts: createTally(registry, { name: "haigpt_upstream_attempts_total", help: "Upstream attempts, by upstream and outcome.", labelNames: ["upstream", "outcome"] }),
    failovers: createTally(registry, { name: "haigpt_failovers_total", help: "Switches from one upstream to another within a request, by reason.", labelNames: ["reason"] }),
    retries: createTally(registry, { name: "haigpt_retries_total", help: "Attempts after the first within a request, by the outcome that caused them.", labelNames: ["reason"] }),
    duration: createHistogramTally(registry, { name: "haigpt_request_duration_seconds", help: "Time from request to its end (a stream's last byte).", labelNames: ["model", "status"], buckets: SECONDS_BUCKETS }),
    ttfb: createHistogramTally(registry, { name: "haigpt_time_to_first_byte_seconds", help: "Time from request to the answer's head (a stream's first content).", labelNames: ["model"], buckets: SECONDS_BUCKETS }),
    tokens: createTally(registry, { name: "haigpt_tokens_total", help: "Tokens Azure reported, by user, model asked for and kind (prompt, completion).", labelNames: ["user", "model", "kind"] }),
  };
  registry.register((real, { Gauge }) => {
    const registers = [real];
    new Gauge({ name: "haigpt_requests_in_flight", help: "Requests begun and not yet ended (streams included).", registers, collect() { this.set(read.inFlight()); } });
    new Gauge({ name: "haigpt_streams_open", help: "Streamed answers being relayed.", registers, collect() { this.set(read.openStreams()); } });
  });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
