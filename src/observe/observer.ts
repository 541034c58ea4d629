/**
 * Seeing what haigpt does: one record per request, finished once into one log line, the metrics and the
 * usage totals. Created once per process and kept across configuration reloads.
 */
import type { Logger } from "../log.ts";
import { createMetrics, labelValue, type Metrics } from "./metrics.ts";
import { requestFields, requestLevel } from "./request-line.ts";
import { startRequestRecord, type RequestRecord, type RequestSummary } from "./request-record.ts";
import { createMemoryUsageStore, type UsageStore } from "./usage-store.ts";

/** Who usage is counted under when nobody signed in (anonymous mode). */
export const ANONYMOUS_USER = "anonymous";

export interface Observer {
  readonly metrics: Metrics;
  readonly usage: UsageStore;
  /** Starts the record of a request; it is found again with `recordOf(request)`. */
  begin(request: Request): RequestRecord;
  recordOf(request: Request): RequestRecord | undefined;
  /** Counts a stream as open until `end` is called. */
  streamOpened(): () => void;
  inFlight(): number;
  /** Resolves once no request is in flight. */
  whenIdle(): Promise<void>;
}

/** The user a request's tokens count under: the user id, `proxy:<resource>` for pure proxy, or ANONYMOUS_USER. */
function usageUser(summary: RequestSummary): string {
  if (summary.mode === "user" && summary.userId) return summary.userId;
  if (summary.mode === "client") return `proxy:${summary.resource ?? "unknown"}`;
  return ANONYMOUS_USER;
}

function count(metrics: Metrics, summary: RequestSummary): void {
  const model = labelValue(summary.model);
  const status = String(summary.status);
  metrics.requests.inc({ model, upstream: labelValue(summary.upstream), status });
  for (const { upstream, outcome } of summary.attemptOutcomes) metrics.attempts.inc({ upstream, outcome });
  for (const reason of summary.retryReasons) metrics.retries.inc({ reason });
  if (summary.failover) metrics.failovers.inc({ reason: summary.failover });
  metrics.duration.observe({ model, status }, summary.durationMs / 1000);
  if (summary.ttfbMs !== undefined && summary.upstream) metrics.ttfb.observe({ model }, summary.ttfbMs / 1000);
  if (summary.usage) {
    const user = labelValue(usageUser(summary));
    metrics.tokens.inc({ user, model, kind: "prompt" }, summary.usage.prompt_tokens);
    metrics.tokens.inc({ user, model, kind: "completion" }, summary.usage.completion_tokens);
  }
}

export function createObserver(log: Logger, now: () => number = Date.now, usage: UsageStore = createMemoryUsageStore()): Observer {
  const records = new WeakMap<Request, RequestRecord>();
  let inFlight = 0;
  let openStreams = 0;
  const metrics = createMetrics({ inFlight: () => inFlight, openStreams: () => openStreams });
  let idle: (() => void)[] = [];

  const finish = (summary: RequestSummary) => {
    inFlight -= 1;
    count(metrics, summary);
    // Only requests that reached Azure are usage; refusals and the admin surfaces are not.
    if (summary.upstream) {
      usage.add(usageUser(summary), summary.model ?? "unknown", summary.usage ?? null).catch((error: unknown) =>
        log.error("usage not recorded", { requestId: summary.requestId, error: String(error) }));
    }
    const level = requestLevel(summary);
    // Probes and scrapes would drown the requests that matter: their lines are debug.
    const quiet = summary.status < 400 && (summary.path === "/healthz" || summary.path === "/readyz" || summary.path === "/metrics");
    const lineLevel = quiet ? "debug" : level;
    if (log.enabled(lineLevel)) log[lineLevel]("request", requestFields(summary));
    if (inFlight === 0) {
      const waiting = idle;
      idle = [];
      for (const resolve of waiting) resolve();
    }
  };

  return {
    metrics,
    usage,
    begin(request) {
      inFlight += 1;
      const url = request.url;
      const pathStart = url.indexOf("/", url.indexOf("//") + 2);
      const queryStart = url.indexOf("?", pathStart);
      const path = pathStart < 0 ? "/" : url.slice(pathStart, queryStart < 0 ? undefined : queryStart);
      const record = startRequestRecord({ method: request.method, path, requestId: "" }, now, finish);
      records.set(request, record);
      return record;
    },
    recordOf: (request) => records.get(request),
    streamOpened() {
      openStreams += 1;
      let open = true;
      return () => {
        if (open) openStreams -= 1;
        open = false;
      };
    },
    inFlight: () => inFlight,
    whenIdle: () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idle.push(resolve))),
  };
}
