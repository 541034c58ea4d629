/**
 * Proxies one OpenAI request to Azure: pick the keys that serve the model and offer the operation,
 * run the attempts (each with its request adapted to its key's api-version), and answer in OpenAI's
 * shapes. Reports what happens to the request's record (attempts, the answer, the stream's end, usage).
 */
import type { Access } from "../auth/resolve-access.ts";
import type { UsagePlan } from "../compat/adapt-params.ts";
import type { FilterAnnotation } from "../compat/compat-context.ts";
import { applyUsagePlan, applyUsagePlanToStep, USAGE_SOURCE_HEADER } from "../compat/include-usage.ts";
import type { AppConfig } from "../config/schema.ts";
import { ProxyError } from "../errors/openai-error.ts";
import type { Logger } from "../log.ts";
import type { Observer } from "../observe/observer.ts";
import { hasContent } from "../policy/content-filter.ts";
import { prepareRequest, type PreparedRequest, type RequestPayload } from "../upstream/azure-request.ts";
import { listModelNames, planTargets, type Target } from "../upstream/model-map.ts";
import type { StreamEvent } from "../streaming/stream-event.ts";
import type { StateStore } from "../state/state-store.ts";
import type { ConnectionSlots } from "../upstream/connection-slots.ts";
import { ClientGoneError } from "../errors/client-gone.ts";
import type { FetchLike } from "../upstream/attempt.ts";
import { sendAttempt } from "../upstream/send-attempt.ts";
import { createAnswerNormalizer, type AnswerNormalizer } from "./answer-normalizer.ts";
import { buildAnswer, type StreamAnswer } from "./build-answer.ts";
import { modelNotFound } from "./model-not-found.ts";
import { linkRequestSignal } from "./request-signal.ts";
import type { Operation } from "./operations.ts";
import type { PolicyClock } from "../clock.ts";
import { runAttempts, type AttemptReport } from "./run-attempts.ts";

/** What the proxy needs from the outside world, injected by createApp. */
export interface ProxyDeps {
  readonly config: AppConfig;
  readonly fetch: FetchLike;
  readonly clock: PolicyClock;
  readonly log: Logger;
  /** Where the request's record is kept; absent when an app runs without the server around it. */
  readonly observer?: Observer;
  /** Aborts when the server's shutdown grace has run out: open streams end with an error event. */
  readonly shutdown?: AbortSignal;
  /** haigpt's count of upstream connections; without it, requests beyond the runtime's limit wait inside fetch. */
  readonly slots?: ConnectionSlots;
  /** Where per-user limits are kept (the route handler admits limited users with it); createApp always gives one. */
  readonly state?: StateStore;
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

function operationNotOffered(op: Operation, targets: readonly Target[]): ProxyError {
  const versions = [...new Set(targets.map((t) => t.key.apiVersion))].join(", ");
  return new ProxyError(
    400,
    `${op.path} is not offered by Azure api-version ${versions} of this server's keys; it needs ${op.requirement}. ` +
      "The server's operator can configure such an api-version for the key.",
    { code: "unsupported_api_version" },
  );
}

/** The normaliser with the include_usage plan of the key that answered around its stream. */
function withUsagePlan(plan: UsagePlan, call: ProxyCall, normalizer: AnswerNormalizer): AnswerNormalizer {
  if (plan.source === "none" && !plan.strip) return normalizer;
  const body = call.payload.kind === "json" ? call.payload.body : {};
  const { step } = normalizer;
  const planned = step && plan.source !== "counted" ? () => applyUsagePlanToStep(plan, step())! : undefined;
  return { ...normalizer, stream: applyUsagePlan(plan, normalizer.stream, body, call.model), step: planned };
}

/** When a stream's decision may stop reading: at the first content (chat, completions) or at once (Responses API). */
function endsHead(op: Operation): (event: StreamEvent) => boolean {
  return op.stream === "responses" ? () => true : (event) => hasContent(event.json);
}

/** A key to try, carrying the request prepared for its api-version. */
interface PreparedTarget extends Target {
  readonly prepared: PreparedRequest;
}

/** The keys to try, each with its prepared request; throws when none can serve. */
function planAttempts(call: ProxyCall, deps: ProxyDeps): PreparedTarget[] {
  const { access, op, model, payload, requestId } = call;
  const serving = planTargets(access.keys, model);
  if (serving.length === 0) throw modelNotFound(model, listModelNames(access.keys));
  const offering = serving.filter((target) => op.offeredIn(target.key.apiVersion));
  if (offering.length === 0) throw operationNotOffered(op, serving);
  let refusal: ProxyError | null = null;
  const targets: PreparedTarget[] = [];
  for (const target of offering) {
    const prepared = prepareRequest(op, target, payload, { params: deps.config.params, requestId });
    if (prepared instanceof ProxyError) refusal ??= prepared;
    else targets.push({ ...target, prepared });
  }
  if (targets.length === 0) throw refusal!;
  return targets;
}

/** Runs an operation against Azure with retry and failover; throws ProxyError for the client. */
export async function proxyRequest(call: ProxyCall, deps: ProxyDeps): Promise<Response | StreamAnswer> {
  const { access, requestId, request, model, op } = call;
  const { config, clock } = deps;
  const record = deps.observer?.recordOf(request);
  record?.identify({ requestId, mode: access.mode, userId: access.mode === "user" ? access.userId : null, model, operation: op.path });
  const targets = planAttempts(call, deps);
  // Flagged annotations only: every chunk of a stream carries "safe" ones.
  const observeFilter = (annotation: FilterAnnotation) => annotation.flagged && record?.filter(annotation);

  const { signal, release } = linkRequestSignal(request.signal, deps.shutdown);
  const run = await runAttempts({
    targets,
    settings: config,
    clock,
    signal,
    serverOwnedKeys: access.keys.serverOwned,
    answersJson: op.answer !== "audio",
    send: (target, timeoutMs) =>
      sendAttempt(target.prepared.open(), {
        fetch: deps.fetch,
        timeoutMs,
        idleTimeoutMs: config.streamIdleTimeoutMs,
        requestSignal: signal,
        endsHead: endsHead(op),
        ...(deps.slots ? { slots: deps.slots } : {}),
      }),
    onAttempt: (report) => record?.attempt(report),
  }).catch((error: unknown) => {
    release();
    if (error instanceof ClientGoneError && signal.reason === "shutdown") {
      throw new ProxyError(503, "This haigpt server is shutting down. Retry the request.", { code: "server_shutting_down" });
    }
    throw error;
  });

  const { prepared } = run.target;
  const removed = prepared.dropped;
  record?.settle({ upstream: run.target.id, resource: run.target.key.resourceId, deployment: run.target.deployment, droppedParams: removed });
  const usagePlan = prepared.usage;
  const prefix = op.stream === "completions" ? "cmpl" : op.stream === "responses" ? "resp" : "chatcmpl";
  let answer: Response | StreamAnswer;
  try {
    answer = buildAnswer(run, {
      serverOwnedKeys: access.keys.serverOwned,
      answersJson: op.answer !== "audio",
      retries: config.maxRetries > 0,
      clientSignal: request.signal,
      headers: {
        ...(removed.length ? { "x-haigpt-dropped-params": removed.join(",") } : {}),
        ...(usagePlan.source === "counted" ? { [USAGE_SOURCE_HEADER]: "counted" } : {}),
      },
      normalize: withUsagePlan(usagePlan, call, createAnswerNormalizer(op, {
        mode: config.compat,
        requestedModel: model,
        fallbackId: `${prefix}-haigpt-${requestId}`,
        nowSeconds: () => Math.floor(clock.now() / 1000),
        observeFilter,
        observeUsage: (usage) => record?.usage(usage),
      })),
      onOperatorFailure: (_resourceId, failure) => record?.refuse(failure),
      onStreamEnd: (end, detail) => {
        release();
        closeStream?.();
        record?.streamEnd(end, detail);
        record?.finish(answer.status);
      },
    });
  } catch (error) {
    release();
    throw error;
  }
  let closeStream: (() => void) | undefined;
  if (answer instanceof Response) release();
  else {
    closeStream = deps.observer?.streamOpened();
    record?.head(answer.status, true);
  }
  return answer;
}
