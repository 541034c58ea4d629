/**
 * Handlers of the proxied operations: read what the client sent (a JSON body, or a multipart upload
 * streamed until its `model` field), find the OpenAI model name, and hand over to the proxy.
 */
import { limitedUserOf } from "../auth/access-limits.ts";
import type { Access } from "../auth/resolve-access.ts";
import { isDeploymentName } from "../config/names.ts";
import { ProxyError } from "../errors/openai-error.ts";
import { stringTooLongError } from "../errors/request-errors.ts";
import { startRequestLimits, withCurrentLimitHeaders } from "../limits/request-limits.ts";
import { limitAnswer, limitError } from "../limits/limit-answer.ts";
import type { Operation } from "../proxy/operations.ts";
import { proxyRequest, type ProxyDeps } from "../proxy/proxy-request.ts";
import type { RequestPayload } from "../upstream/azure-request.ts";
import { listDeploymentNames, listModelNames, modelForDeployment } from "../upstream/model-map.ts";
import { ClientGoneError } from "../errors/client-gone.ts";
import { readFormField } from "../uploads/streamed-form.ts";
import { compileBodyCheck, MAX_MODEL_LENGTH } from "./body-schemas.ts";
import { readJsonBody, type JsonBodyRules } from "./json-body.ts";
import { checkDeclaredLength } from "./read-body.ts";
import { sendAnswer, type ProxiedContext } from "./route-context.ts";

type Body = Record<string, unknown> & { model?: string };


/**
 * Where the model name comes from: the body (OpenAI clients), the deployment in the URL (Azure-shaped
 * clients), or the body holding a model or a deployment name (clients of Azure's v1 surface, `/openai/v1`).
 */
export type ModelSource = "body" | "deployment" | "model-or-deployment";

/** A name from an `/openai/v1` body: a model a key maps by name stays; a known deployment becomes its model. */
function modelOfModelOrDeployment(access: Access, named: string): string {
  if (listModelNames(access.keys).includes(named)) return named;
  return modelForDeployment(access.keys, named) ?? named;
}

/** A client that leaves mid-upload is not a failure of haigpt's: its read's error becomes ClientGoneError. */
function orGone(request: Request, error: unknown): unknown {
  return request.signal.aborted ? new ClientGoneError() : error;
}

/** A body is read only here, after the caller is known (the route's `access` is resolved first). */
async function readPayload(
  op: Operation,
  ctx: ProxiedContext,
  deps: ProxyDeps,
  checkBody: JsonBodyRules["check"],
): Promise<{ payload: RequestPayload; named: string | null }> {
  checkDeclaredLength(ctx.request.headers, deps.config.maxBodyBytes);
  if (op.body === "json") {
    let body: Body;
    try {
      body = await readJsonBody(ctx.request, { maxBytes: deps.config.maxBodyBytes, check: checkBody });
    } catch (error) {
      throw orGone(ctx.request, error);
    }
    return { payload: { kind: "json", body }, named: typeof body.model === "string" ? body.model : null };
  }
  let form: Awaited<ReturnType<typeof readFormField>>;
  try {
    form = await readFormField(ctx.request.body, ctx.request.headers.get("content-type") ?? "", "model", deps.config.maxBodyBytes);
  } catch (error) {
    throw orGone(ctx.request, error);
  }
  const named = form.field?.value.trim() ?? null;
  if (named !== null && named.length > MAX_MODEL_LENGTH) {
    throw stringTooLongError("model", MAX_MODEL_LENGTH, named.length);
  }
  return { payload: { kind: "multipart", form }, named };
}

/** The OpenAI model name for an Azure-shaped request's deployment, or a 404 naming the known ones. */
function modelOfDeployment(access: Access, deployment: string): string {
  const model = modelForDeployment(access.keys, deployment);
  if (model !== null) return model;
  // Only a name that could be a deployment is quoted: the path is the client's, of any length.
  const named = isDeploymentName(deployment) ? `\`${deployment}\`` : "in the URL";
  throw new ProxyError(
    404,
    `The deployment ${named} is not served by this haigpt server. Known deployments: ${listDeploymentNames(access.keys).join(", ")}.`,
    { code: "DeploymentNotFound" },
  );
}

/** The handler for an operation; `source` says where its model name comes from. */
export function proxyRoute(deps: ProxyDeps, op: Operation, source: ModelSource = "body") {
  const checkBody = compileBodyCheck(op, source === "deployment" && op.dated === "deployment-path");
  async function readRequest(ctx: ProxiedContext & { params?: Record<string, string> }): Promise<{ payload: RequestPayload; model: string }> {
    const { payload, named } = await readPayload(op, ctx, deps, checkBody);
    if (source === "deployment") return { payload, model: modelOfDeployment(ctx.access, ctx.params?.deployment ?? named ?? "") };
    let model = named ?? op.defaultModel;
    if (model !== null && source === "model-or-deployment") model = modelOfModelOrDeployment(ctx.access, model);
    if (model === null) throw new ProxyError(400, "Missing required parameter: 'model'.", { param: "model", code: "missing_required_parameter" });
    return { payload, model };
  }
  return async function handleProxied(ctx: ProxiedContext & { params?: Record<string, string> }) {
    const { requestId } = ctx;
    // Most requests have no limits: nothing is asked of the store for them.
    const user = deps.state ? limitedUserOf(ctx.access) : null;
    let read: { payload: RequestPayload; model: string };
    try {
      read = await readRequest(ctx);
    } catch (error) {
      // A limited user's refusals before the model is known carry the user's rate-limit headers too.
      throw user && deps.state ? await withCurrentLimitHeaders(error, user, deps.state, requestId) : error;
    }
    const { payload, model } = read;
    const limits = user && deps.state
      ? await startRequestLimits({ user, op, model, payload, requestId },
        { requestTimeoutMs: deps.config.requestTimeoutMs, state: deps.state, now: deps.clock.now, log: deps.log })
      : null;
    if (!limits) return sendAnswer(await proxyRequest({ access: ctx.access, requestId, request: ctx.request, op, model, payload }, deps));
    // A limited user's every answer (success, error, stream) carries the user's rate-limit headers.
    const usage = () => deps.observer?.recordOf(ctx.request)?.summary.usage ?? null;
    const answer = await proxyRequest({ access: ctx.access, requestId, request: ctx.request, op, model, payload }, deps).catch((error: unknown) => {
      throw limitError(error, limits, usage);
    });
    return sendAnswer(limitAnswer(answer, limits, usage, ctx.request.signal));
  };
}
