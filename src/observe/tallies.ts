/**
 * Counters and histograms counted into plain numbers per label set and handed to prom-client's registry
 * only when it is scraped: prom-client hashes a metric's labels on every `inc`/`observe`, a cost paid per
 * request; here a request pays one string key and one Map lookup per metric. The registry formats them
 * exactly as its own counters and histograms (it reads any metric through `get()`).
 */
import type { Metric } from "prom-client";
import type { MetricsRegistry } from "./metrics-registry.ts";

/** One sample as prom-client's registry formats it: `labels` first, then `sharedLabels`. */
interface Sample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly sharedLabels?: Readonly<Record<string, string>>;
  readonly value: number;
  readonly metricName?: string;
}

interface Collected {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "histogram";
  readonly aggregator: "sum";
  readonly values: Sample[];
}

interface Definition<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
}

/** A counter by label set: `inc(labels, n)`. */
export interface Tally<L extends string> {
  inc(labels: Readonly<Record<L, string>>, n?: number): void;
}

/** A histogram by label set: `observe(labels, value)`. */
export interface HistogramTally<L extends string> {
  observe(labels: Readonly<Record<L, string>>, value: number): void;
}

/** The key of a label set: its values in the metric's label order (values never hold U+0000 here). */
function keyOf<L extends string>(labelNames: readonly L[], labels: Readonly<Record<L, string>>): string {
  let key = labels[labelNames[0]!];
  for (let i = 1; i < labelNames.length; i++) key += "\u0000" + labels[labelNames[i]!];
  return key;
}

/** The label set as counted: a copy in the metric's label order, kept once per distinct set. */
function copyOf<L extends string>(labelNames: readonly L[], labels: Readonly<Record<L, string>>): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const name of labelNames) copy[name] = labels[name];
  return copy;
}

function register(registry: MetricsRegistry, get: () => Collected, name: string): void {
  // The registry needs only `name` and `get()` of a metric; prom-client's type lists its own classes.
  registry.register((real) => real.registerMetric({ name, get: async () => get() } as unknown as Metric));
}

/** Registers a counter counted by label set in plain numbers. */
export function createTally<L extends string>(registry: MetricsRegistry, definition: Definition<L>): Tally<L> {
  const { name, help, labelNames } = definition;
  const counts = new Map<string, { labels: Record<string, string>; value: number }>();
  register(registry, () => ({ name, help, type: "counter", aggregator: "sum", values: [...counts.values()].map(({ labels, value }) => ({ labels, value })) }), name);
  return {
    inc(labels, n = 1) {
      const key = keyOf(labelNames, labels);
      const entry = counts.get(key);
      if (entry) entry.value += n;
      else counts.set(key, { labels: copyOf(labelNames, labels), value: n });
    },
  };
}

interface HistogramEntry {
  readonly labels: Record<string, string>;
  readonly buckets: number[];
  sum: number;
  count: number;
}

/** Registers a histogram counted by label set in plain numbers (`buckets`: upper bounds, ascending). */
export function createHistogramTally<L extends string>(registry: MetricsRegistry, definition: Definition<L> & { readonly buckets: readonly number[] }): HistogramTally<L> {
  const { name, help, labelNames, buckets } = definition;
  const entries = new Map<string, HistogramEntry>();
  const values = () => {
    const out: Sample[] = [];
    for (const { labels, buckets: counts, sum, count } of entries.values()) {
      let cumulative = 0;
      buckets.forEach((bound, i) => {
        cumulative += counts[i]!;
        out.push({ labels: { le: bound }, sharedLabels: labels, value: cumulative, metricName: `${name}_bucket` });
      });
      out.push({ labels: { le: "+Inf" }, sharedLabels: labels, value: count, metricName: `${name}_bucket` });
      out.push({ labels: {}, sharedLabels: labels, value: sum, metricName: `${name}_sum` });
      out.push({ labels: {}, sharedLabels: labels, value: count, metricName: `${name}_count` });
    }
    return out;
  };
  register(registry, () => ({ name, help, type: "histogram", aggregator: "sum", values: values() }), name);
  return {
    observe(labels, value) {
      const key = keyOf(labelNames, labels);
      let entry = entries.get(key);
      if (!entry) {
        entry = { labels: copyOf(labelNames, labels), buckets: buckets.map(() => 0), sum: 0, count: 0 };
        entries.set(key, entry);
      }
      const bucket = buckets.findIndex((bound) => value <= bound);
      if (bucket >= 0) entry.buckets[bucket]! += 1;
      entry.sum += value;
      entry.count += 1;
    },
  };
}
