import { describe, expect, test } from "bun:test";
import { Counter, Histogram, Registry } from "prom-client";
import { createMetricsRegistry } from "../../src/observe/metrics-registry.ts";
import { createHistogramTally, createTally } from "../../src/observe/tallies.ts";

const BUCKETS = [0.05, 0.5, 1, 10];
const counts: [Record<"model" | "status", string>, number][] = [
  [{ model: "gpt-4o", status: "200" }, 1],
  [{ model: "gpt-4o", status: "200" }, 3],
  [{ model: 'say "hi"\nnow\\', status: "429" }, 2],
  [{ model: "gpt-4o", status: "500" }, 1],
];
const observations: [Record<"model", string>, number][] = [
  [{ model: "gpt-4o" }, 0.01],
  [{ model: "gpt-4o" }, 0.5],
  [{ model: "gpt-4o" }, 7],
  [{ model: "gpt-4o" }, 99],
  [{ model: "o1" }, 1],
];

describe("tallies", () => {
  test("a scrape prints exactly what prom-client's own counter and histogram print for the same counts", async () => {
    const theirs = new Registry();
    const counter = new Counter({ name: "x_total", help: "Things.", labelNames: ["model", "status"], registers: [theirs] });
    const empty = new Counter({ name: "y_total", help: "None yet.", labelNames: ["reason"], registers: [theirs] });
    const histogram = new Histogram({ name: "x_seconds", help: "Time.", labelNames: ["model"], buckets: BUCKETS, registers: [theirs] });
    void empty;
    const ours = createMetricsRegistry();
    const tally = createTally(ours, { name: "x_total", help: "Things.", labelNames: ["model", "status"] });
    createTally(ours, { name: "y_total", help: "None yet.", labelNames: ["reason"] });
    const times = createHistogramTally(ours, { name: "x_seconds", help: "Time.", labelNames: ["model"], buckets: BUCKETS });
    for (const [labels, n] of counts) {
      counter.inc(labels, n);
      tally.inc(labels, n);
    }
    for (const [labels, value] of observations) {
      histogram.observe(labels, value);
      times.observe(labels, value);
    }
    const expected = await theirs.metrics();
    expect(expected).toContain('x_total{model="gpt-4o",status="200"} 4');
    expect(expected).toContain('x_seconds_bucket{le="+Inf",model="gpt-4o"} 4');
    expect(await ours.metrics()).toBe(expected);
  });
});
