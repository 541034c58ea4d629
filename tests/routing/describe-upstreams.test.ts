import { expect, test } from "bun:test";
import { describeUpstreams } from "../../src/routing/describe-upstreams.ts";
import { noUpstreamError } from "../../src/routing/no-upstream-error.ts";
import type { Upstream } from "../../src/routing/upstream.ts";
import { addSample, summarizeStats, type AttemptSample } from "../../src/routing/upstream-stats.ts";

const NOW = Date.parse("2026-01-01T12:00:00Z");
import { DESCRIBED_CLIENT_SECRET as SECRET } from "../support/secrets.ts";
const KEY = "0123456789abcdef0123456789abcdef";

function upstream(name: string, auth: Upstream["auth"]): Upstream {
  return {
    name, resourceId: `res-${name}`, endpoint: `https://res-${name}.openai.azure.com`, apiVersion: "2024-10-21",
    deployments: { "gpt-4o": "gpt-4o" }, priority: 1, weight: 2, auth, source: "config file ./config.json",
  };
}

const UPSTREAMS = [
  upstream("a", { type: "apiKey", apiKey: KEY }),
  upstream("b", { type: "entra", tenantId: "t", clientId: "c", clientSecret: SECRET, authorityHost: "https://login.microsoftonline.com" }),
  upstream("c", { type: "managedIdentity" }),
  upstream("d", { type: "apiKey", apiKey: KEY }),
  upstream("e", { type: "apiKey", apiKey: KEY }),
];

test("each upstream with its state, routing facts and recent numbers; no secret anywhere", () => {
  const stats: AttemptSample[] = [];
  for (const [i, ok] of [true, true, false, true].entries()) addSample(stats, { at: NOW - 1000 + i, ok, latencyMs: 100 * (i + 1) });
  const described = describeUpstreams({
    upstreams: UPSTREAMS,
    states: {
      b: { coolingUntil: NOW + 2000, breaker: { consecutiveFailures: 0, openUntil: null, probeUntil: null } },
      c: { coolingUntil: 0, breaker: { consecutiveFailures: 5, openUntil: NOW + 30_000, probeUntil: null } },
      d: { coolingUntil: 0, breaker: { consecutiveFailures: 5, openUntil: NOW - 100, probeUntil: NOW + 30_000 } },
      e: { coolingUntil: 0, breaker: { consecutiveFailures: 5, openUntil: NOW - 1, probeUntil: null } },
    },
    stats: { a: stats },
    now: NOW,
  });
  expect(described.upstreams.map((u) => u.state)).toEqual([
    "healthy",
    "cooling down until 2026-01-01T12:00:02.000Z",
    "circuit open until 2026-01-01T12:00:30.000Z",
    "half-open",
    "half-open",
  ]);
  expect(described.upstreams[0]).toEqual({
    name: "a", resource: "res-a", endpoint: "https://res-a.openai.azure.com", priority: 1, weight: 2, auth: "apiKey",
    models: ["gpt-4o"], state: "healthy",
    recent: { attempts: 4, successRate: 0.75, latencyMs: { p50: 200, p95: 400 } },
  });
  expect(described.upstreams[1]?.recent).toEqual({ attempts: 0, successRate: null, latencyMs: null });
  const text = JSON.stringify(described);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(KEY);
});

test("the rolling window keeps the newest samples and only recent ones count", () => {
  const stats: AttemptSample[] = [];
  for (let i = 0; i < 5; i++) addSample(stats, { at: i * 1000, ok: i % 2 === 0, latencyMs: i }, 3);
  expect(stats.map((s) => s.at)).toEqual([2000, 3000, 4000]);
  expect(summarizeStats(stats, 4000, 1500)).toEqual({ attempts: 2, successRate: 0.5, latencyMs: { p50: 3, p95: 4 } });
});

test("nothing usable: 429 with the shortest wait while cooling down, 503 when every circuit is open", async () => {
  const cooling = noUpstreamError("gpt-4o", { reason: "cooling_down", waitMs: 2500 }).toResponse();
  expect(cooling.status).toBe(429);
  expect(cooling.headers.get("retry-after")).toBe("3");
  expect(cooling.headers.get("retry-after-ms")).toBe("2500");
  expect(((await cooling.json()) as any).error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });
  const open = noUpstreamError("gpt-4o", { reason: "unavailable", waitMs: null }).toResponse();
  expect(open.status).toBe(503);
  expect(open.headers.get("retry-after")).toBeNull();
  expect(((await open.json()) as any).error).toMatchObject({ type: "server_error", code: "upstreams_unavailable" });
});
