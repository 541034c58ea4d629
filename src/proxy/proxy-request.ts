/**
 * Proxies one OpenAI request to Azure: pick the keys that serve the model and offer the operation,
 * run the attempts (each with its request adapted to its key's api-version), and answer in OpenAI's
 * shapes. Logs one line per request and one per failed attempt.
 */
import type { Access } from "../auth/resolve-access.ts";
import type { FilterAnnotation } from "../compat/compat-context.ts";
import type { AppConfig } from "../config/schema.ts";
import { ProxyError } from "../errors/openai-error.ts";
import type { Logger } from "../log.ts";
import { hasContent } from "../policy/content-filter.ts";
import type { TargetId } from "../policy/next-attempt.ts";
import { prepareRequest, type PreparedRequest, type RequestPayload } from "../upstream/azure-request.ts";
import { listModelNames, planTargets, type Target } from "../upstream/model-map.ts";
import type { StreamEvent } from "../streaming/stream-event.ts";
import type { ConnectionSlots } from "../upstream/connection-slots.ts";
import { ClientGoneError, sendAttempt, type FetchLike } from "../upstream/send-attempt.ts";
import { createAnswerNormalizer } from "./answer-normalizer.ts";
import { buildAnswer, type StreamAnswer } from "./build-answer.ts";
import { modelNotFound } from "./model-not-found.ts";
import { linkRequestSignal } from "./request-signal.ts";
import type { Operation } from "./operations.ts";
import { runAttempts, type AttemptReport, type PolicyClock } from "./run-attempts.ts";

/** What the proxy needs from the outside world, injected by createApp. */
export interface ProxyDeps {
  readonly config: AppConfig;
  readonly fetch: FetchLike;
  readonly clock: PolicyClock;
  readonly log: Logger;
  /** Aborts when the server's shutdown grace has run out: open streams end with an error event. */
  readonly shutdown?: AbortSignal;
  /** haigpt's count of upstream connections; without it, requests beyond the runtime's limit wait inside fetch. */
  readonly slots?: ConnectionSlots;
}

export interface ProxyCall {
  readonly access: Access;
  readonly requestId: string;
  readonly request: Request;
  readonly op: Operation;
  /** The OpenAI model name: as the client asked, or mapped back from the deployment an Azure-shaped client named. */
  readonly model: string;
  readonly payload: RequestPayload;
}

function describeResult(report: AttemptReport): Record<string, unknown> {
  const { result } = report;
  if (result.kind === "unreachable") return { failure: result.reason, detail: result.detail };
  return { status: result.status, ...redirectHost(result.headers, result.status) };
}

/** A redirect's target host only: the rest of `Location` may carry anything. */
function redirectHost(headers: Headers, status: number): Record<string, unknown> {
  if (status < 300 || status >= 400) return {};
  try {
    return { location: new URL(headers.get("location") ?? "").host };
  } catch {
    return { location: null };
  }
}

function operationNotOffered(op: Operation, targets: readonly Target[]): ProxyError {
  const versions = [...new Set(targets.map((t) => t.key.apiVersion))].join(", ");
  return new ProxyError(
    400,
    `${op.path} is not offered by Azure api-version ${versions} of this server's keys; it needs ${op.requirement}. ` +
      "The server's operator can configure such an api-version for the key.",
    { code: "unsupported_api_version" },
  );
}

/** When a stream's decision may stop reading: at the first content (chat, completions) or at once (Responses API). */
function endsHead(op: Operation): (event: StreamEvent) => boolean {
  return op.stream === "responses" ? () => true : (event) => hasContent(event.json);
}

/** The keys to try, each with its prepared request; throws when none can serve. */
function planAttempts(call: ProxyCall, deps: ProxyDeps): { targets: Target[]; prepared: Map<TargetId, PreparedRequest> } {
  const { access, op, model, payload, requestId } = call;
  const serving = planTargets(access.keys, model);
  if (serving.length === 0) throw modelNotFound(model, listModelNames(access.keys));
  const offering = serving.filter((target) => op.offeredIn(target.key.apiVersion));
  if (offering.length === 0) throw operationNotOffered(op, serving);
  const prepared = new Map<TargetId, PreparedRequest>();
  let refusal: ProxyError | null = null;
  const targets = offering.filter((target) => {
    const request = prepareRequest(op, target, payload, { params: deps.config.params, requestId });
    if (request instanceof ProxyError) {
      refusal ??= request;
      return false;
    }
    prepared.set(target.id, request);
    return true;
  });
  if (targets.length === 0) throw refusal!;
  return { targets, prepared };
}

/** Runs an operation against Azure with retry and failover; throws ProxyError for the client. */
export async function proxyRequest(call: ProxyCall, deps: ProxyDeps): Promise<Response | StreamAnswer> {
  const { access, requestId, request, model, op } = call;
  const { config, clock, log } = deps;
  const { targets, prepared } = planAttempts(call, deps);

  const started = clock.now();
  const context = {
    requestId,
    user: access.mode === "user" ? access.userId : null,
    mode: access.mode,
    operation: op.path,
    model,
  };
  const logDone = (fields: Record<string, unknown>) =>
    log.info("request done", { ...context, ...fields, ms: Math.round(clock.now() - started) });
  const observeFilter = (annotation: FilterAnnotation) =>
    (annotation.flagged ? log.info : log.debug)("content filter annotation", { ...context, ...annotation });

  const { signal, release } = linkRequestSignal(request.signal, deps.shutdown);
  const run = await runAttempts({
    targets,
    settings: config,
    clock,
    signal,
    serverOwnedKeys: access.keys.serverOwned,
    send: (target, timeoutMs) =>
      sendAttempt(prepared.get(target.id)!.open(), {
        fetch: deps.fetch,
        timeoutMs,
        idleTimeoutMs: config.streamIdleTimeoutMs,
        requestSignal: signal,
        endsHead: endsHead(op),
        ...(deps.slots ? { slots: deps.slots } : {}),
      }),
    onAttempt: (report) => {
      if (report.verdict === "ok" || report.verdict === "fail") return;
      // A failure on the operator's side (redirect, rejected key, missing deployment) needs fixing, not waiting.
      (report.verdict === "switch" ? log.error : log.warn)(report.nextTarget ? "upstream attempt failed, trying again" : "upstream attempt failed, giving up", {
        ...context,
        attempt: report.number,
        upstream: report.target.id,
        resource: report.target.key.resourceId,
        deployment: report.target.deployment,
        verdict: report.verdict,
        ...(report.operatorFailure ? { failure: report.operatorFailure } : {}),
        ...describeResult(report),
        next: report.nextTarget,
        waitMs: report.waitMs,
      });
    },
  }).catch((error: unknown) => {
    release();
    if (error instanceof ClientGoneError && signal.reason === "shutdown") {
      throw new ProxyError(503, "This haigpt server is shutting down. Retry the request.", { code: "server_shutting_down" });
    }
    throw error;
  });

  const removed = prepared.get(run.target.id)?.dropped ?? [];
  const final = { upstream: run.target.id, attempts: run.attempts, verdict: run.verdict, ...(removed.length ? { droppedParams: removed } : {}) };
  const prefix = op.stream === "completions" ? "cmpl" : op.stream === "responses" ? "resp" : "chatcmpl";
  try {
    const answer = buildAnswer(run, {
      serverOwnedKeys: access.keys.serverOwned,
      retries: config.maxRetries > 0,
      clientSignal: request.signal,
      headers: removed.length ? { "x-haigpt-dropped-params": removed.join(",") } : {},
      normalize: createAnswerNormalizer(op, {
        mode: config.compat,
        requestedModel: model,
        fallbackId: `${prefix}-haigpt-${requestId}`,
        nowSeconds: () => Math.floor(clock.now() / 1000),
        observeFilter,
      }),
      onOperatorFailure: (resourceId, failure, status) =>
        log.error("Azure OpenAI cannot serve this request with the server's configuration", { ...context, resource: resourceId, failure, status }),
      onStreamEnd: (end, detail) => {
        release();
        logDone({ ...final, status: "status" in run.attempt.result ? run.attempt.result.status : null, stream: end, ...(detail ? { detail } : {}) });
      },
    });
    if (answer instanceof Response) {
      release();
      logDone({ ...final, status: answer.status });
    }
    return answer;
  } catch (error) {
    release();
    if (error instanceof ProxyError) logDone({ ...final, status: error.status, code: error.code });
    throw error;
  }
}
