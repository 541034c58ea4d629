import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Registry } from "prom-client";
import { createMetricsRegistry, METRICS_CONTENT_TYPE } from "../../src/observe/metrics-registry.ts";
import { ADMIN_TOKEN } from "../support/secrets.ts";

describe("metrics registry", () => {
  test("answers with prom-client's own content type", () => {
    expect(createMetricsRegistry().contentType).toBe(METRICS_CONTENT_TYPE);
    expect(METRICS_CONTENT_TYPE).toBe(new Registry().contentType);
  });

  test("metrics registered before and after the first scrape are all exposed, in registration order", async () => {
    const registry = createMetricsRegistry();
    const gauge = (name: string, value: number) => registry.register((real, { Gauge }) => new Gauge({ name, help: name, registers: [real], collect() { this.set(value); } }));
    gauge("first", 1);
    gauge("second", 2);
    // Two scrapes racing for the first load see the same registry.
    const [one, two] = await Promise.all([registry.metrics(), registry.metrics()]);
    expect(one).toBe(two);
    expect(one).toBe("# HELP first first\n# TYPE first gauge\nfirst 1\n\n# HELP second second\n# TYPE second gauge\nsecond 2\n");
    gauge("third", 3);
    expect(await registry.metrics()).toEndWith("second 2\n\n# HELP third third\n# TYPE third gauge\nthird 3\n");
  });

  test("a started server loads prom-client only when /metrics is first scraped", () => {
    // Its own process: this test process has prom-client loaded already.
    const run = Bun.spawnSync([process.execPath, join(import.meta.dir, "../fixtures/metrics-on-scrape.ts")], {
      env: { ...process.env, HAIGPT_ADMIN_TOKEN: ADMIN_TOKEN },
      timeout: 30_000,
    });
    expect(run.stderr.toString()).toBe("");
    expect(JSON.parse(run.stdout.toString())).toEqual({ beforeScrape: false, health: 200, afterRequest: false, status: 200, afterScrape: true, gauge: true });
  });
});
