/** Proxies one OpenAI request to Azure: pick targets for the model, run the attempts, build the answer, log it. */
import type { Access } from "../auth/resolve-access.ts";
import type { AppConfig } from "../config/schema.ts";
import { ProxyError } from "../errors/openai-error.ts";
import type { Logger } from "../log.ts";
import { hasContent } from "../policy/content-filter.ts";
import { buildJsonRequest } from "../upstream/azure-request.ts";
import { listModelNames, planTargets } from "../upstream/model-map.ts";
import { sendAttempt, type FetchLike } from "../upstream/send-attempt.ts";
import { buildAnswer, type StreamAnswer } from "./build-answer.ts";
import { modelNotFound } from "./model-not-found.ts";
import { runAttempts, type AttemptReport, type PolicyClock } from "./run-attempts.ts";

/** What the proxy needs from the outside world, injected by createApp. */
export interface ProxyDeps {
  readonly config: AppConfig;
  readonly fetch: FetchLike;
  readonly clock: PolicyClock;
  readonly log: Logger;
}

export interface ProxyCall {
  readonly access: Access;
  readonly requestId: string;
  readonly request: Request;
  /** e.g. `chat/completions`, the Azure operation under the deployment. */
  readonly operation: string;
  readonly model: string;
  readonly body: unknown;
}

function describeResult(report: AttemptReport): Record<string, unknown> {
  const { result } = report;
  return result.kind === "unreachable" ? { failure: result.reason, detail: result.detail } : { status: result.status };
}

/** Runs a JSON operation against Azure with retry and failover; throws ProxyError for the client. */
export async function proxyRequest(call: ProxyCall, deps: ProxyDeps): Promise<Response | StreamAnswer> {
  const { access, requestId, request, model } = call;
  const { config, clock, log } = deps;
  const targets = planTargets(access.keys, model);
  if (targets.length === 0) throw modelNotFound(model, listModelNames(access.keys));

  const started = clock.now();
  const context = {
    requestId,
    user: access.mode === "user" ? access.userId : null,
    mode: access.mode,
    operation: call.operation,
    model,
  };
  const logDone = (fields: Record<string, unknown>) =>
    log.info("request done", { ...context, ...fields, ms: Math.round(clock.now() - started) });

  const run = await runAttempts({
    targets,
    settings: config,
    clock,
    signal: request.signal,
    send: (target) =>
      sendAttempt(buildJsonRequest(target.key, target.deployment, call.operation, call.body, requestId), {
        fetch: deps.fetch,
        timeoutMs: config.firstByteTimeoutMs,
        clientSignal: request.signal,
        endsHead: (event) => hasContent(event.json),
      }),
    onAttempt: (report) => {
      if (report.verdict === "ok" || report.verdict === "fail") return;
      log.warn(report.nextTarget ? "upstream attempt failed, trying again" : "upstream attempt failed, giving up", {
        ...context,
        attempt: report.number,
        upstream: report.target.id,
        resource: report.target.key.resourceId,
        deployment: report.target.deployment,
        verdict: report.verdict,
        ...describeResult(report),
        next: report.nextTarget,
        waitMs: report.waitMs,
      });
    },
  });

  const final = { upstream: run.target.id, attempts: run.attempts, verdict: run.verdict };
  try {
    const answer = buildAnswer(run, {
      serverOwnedKeys: access.keys.serverOwned,
      retries: config.maxRetries > 0,
      clientSignal: request.signal,
      onUpstreamAuthFailure: (resourceId, status) =>
        log.error("Azure rejected the server's key", { ...context, resource: resourceId, status }),
      onStreamEnd: (end, detail) => logDone({ ...final, status: 200, stream: end, ...(detail ? { detail } : {}) }),
    });
    if (answer instanceof Response) logDone({ ...final, status: answer.status });
    return answer;
  } catch (error) {
    if (error instanceof ProxyError) logDone({ ...final, status: error.status, code: error.code });
    throw error;
  }
}
