/**
 * Proxies one OpenAI request to Azure: pick the upstreams that serve the model and offer the
 * operation, order them by the shared routing state, run the attempts (each with its request adapted
 * to its upstream's api-version and signed with its credential), and answer in OpenAI's shapes.
 * Reports what happens to the request's record (attempts, the answer, the stream's end, usage).
 */
import type { Access } from "../auth/resolve-access.ts";
import { asksForUsage, type UsagePlan } from "../compat/adapt-params.ts";
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
import { runAttempts } from "./run-attempts.ts";
import type { UpstreamRouter } from "../routing/upstream-router.ts";
import type { UpstreamCredentials } from "../upstream-auth/upstream-credentials.ts";
import { routeTargets, sendRouted } from "./routed-send.ts";
import { retryAfterHeaders } from "../routing/cooldown.ts";

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
  /** Orders upstreams by the shared cooldowns and circuits; without it, configuration order and no shared state. */
  readonly router?: UpstreamRouter;
  /** Each upstream's authenticating headers (`api-key` or an Entra token); without it, keys only. */
  readonly credentials?: UpstreamCredentials;
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
    `${op.path} is not offered by Azure api-version ${versions} of this server's upstreams; it needs ${op.requirement}. ` +
      "The server's operator can configure such an api-version for the upstream.",
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
  const options = { params: deps.config.params, requestId, adaptations: new Map() };
  for (const target of offering) {
    const prepared = prepareRequest(op, target, payload, options);
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
  // A pure-proxy client's key is its own resource, not a shared upstream: no shared cooldown or circuit.
  const router = access.keys.serverOwned ? deps.router : undefined;
  const targets = await routeTargets(planAttempts(call, deps), model, router);
  // Flagged annotations only (flaggedFiltersOnly below): every chunk of a stream carries "safe" ones.
  const observeFilter = (annotation: FilterAnnotation) => record?.filter(annotation);

  const { signal, release, watch } = linkRequestSignal(request.signal, deps.shutdown);
  let sent = 0;
  const answered429 = new Set<string>();
  const run = await runAttempts({
    targets,
    settings: config,
    clock,
    signal,
    serverOwnedKeys: access.keys.serverOwned,
    answersJson: op.answer !== "audio",
    send: (target, timeoutMs) =>
      sendRouted(target, {
        router,
        retry: sent++ > 0,
        answered429,
        credentials: deps.credentials,
        log: deps.log,
        now: () => clock.now(),
        serverOwnedKeys: access.keys.serverOwned,
        answersJson: op.answer !== "audio",
        send: (auth) =>
          sendAttempt(target.prepared.open(auth), {
            fetch: deps.fetch,
            timeoutMs,
            idleTimeoutMs: config.streamIdleTimeoutMs,
            requestSignal: signal,
            watchRequest: watch,
            endsHead: endsHead(op),
            ...(deps.slots ? { slots: deps.slots } : {}),
          }),
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
  // Azure's 429 is relayed with the shortest wait before any upstream serving the model is usable again.
  const throttled = run.attempt.result.kind !== "unreachable" && run.attempt.result.status === 429 && router
    ? await router.explain(targets.map((t) => t.key)).catch(() => null)
    : null;
  const waitHeaders = throttled?.reason === "cooling_down" && throttled.waitMs !== null ? retryAfterHeaders(throttled.waitMs) : {};
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
        ...waitHeaders,
        ...(removed.length ? { "x-haigpt-dropped-params": removed.join(",") } : {}),
        ...(usagePlan.source === "counted" ? { [USAGE_SOURCE_HEADER]: "counted" } : {}),
      },
      normalize: withUsagePlan(usagePlan, call, createAnswerNormalizer(op, {
        mode: config.compat,
        requestedModel: model,
        fallbackId: `${prefix}-haigpt-${requestId}`,
        nowSeconds: () => Math.floor(clock.now() / 1000),
        observeFilter,
        flaggedFiltersOnly: true,
        observeUsage: (usage) => record?.usage(usage),
        clientAskedUsage: call.payload.kind === "json" && asksForUsage(call.payload.body),
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
