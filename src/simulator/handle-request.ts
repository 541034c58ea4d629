// The request pipeline: route, record, check resource/api-version/key/deployment, apply directives, answer.

import { parseApiVersion, selectAnnotationField, supportsResponses, supportsSpeech, unsupportedParams, type ApiVersion } from "./api-versions.ts";
import { resolveFilterCategory } from "./content-filter.ts";
import { completeWith, type OperationContext } from "./context.ts";
import { ActiveDirectives, parseDirectives, selectActiveDirectives } from "./directives.ts";
import { answerTokenRequest } from "./entra.ts";
import { buildDeploymentNotFound, buildImagePromptFiltered, buildPromptFiltered, buildResourceNotFound, buildUnrecognizedArgument } from "./errors.ts";
import { respondJson, type ResponseMeta } from "./http.ts";
import { decodePlaceholderPng, IMAGE_BLOB_PREFIX } from "./images.ts";
import { buildModelList } from "./models.ts";
import { runOperation } from "./operations.ts";
import { checkResourceAuth } from "./resource-auth.ts";
import { parseRoute, type Route } from "./routing.ts";
import type { SimulatorState } from "./simulator-state.ts";
import { respondToFaultDirective } from "./fault-directives.ts";
import { respondToStatusDirective } from "./status-directives.ts";
import type { SimulatorOptions } from "./types.ts";

/** A request body read once: raw text, parsed JSON or form, and the text directives are searched in. */
interface Payload {
  bodyText: string;
  body: unknown;
  form: FormData | null;
  directiveText: string;
}

async function readPayload(request: Request): Promise<Payload> {
  const bytes = await request.arrayBuffer();
  const bodyText = new TextDecoder().decode(bytes);
  const contentType = request.headers.get("content-type") ?? "";
  if (contentType.includes("multipart/form-data")) {
    // Cast: bun-types and undici-types declare two incompatible FormData types for the same runtime object.
    const parsed: unknown = await new Response(bytes, { headers: { "content-type": contentType } }).formData().catch(() => null);
    const form = parsed as FormData | null;
    const texts: string[] = [];
    form?.forEach((value) => (typeof value === "string" ? texts.push(value) : undefined));
    return { bodyText, body: null, form, directiveText: texts.join("\n") };
  }
  let body: unknown = null;
  try {
    body = bodyText === "" ? null : JSON.parse(bodyText);
  } catch {
    body = null;
  }
  return { bodyText, body, form: null, directiveText: bodyText };
}

function coerceRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Deployment named by the path, or by `model` in the body on the v1 and Responses surfaces. */
function findDeploymentName(route: Route | null, payload: Payload): string | undefined {
  if (route?.deployment !== undefined) return route.deployment;
  const model = coerceRecord(payload.body)["model"] ?? payload.form?.get("model");
  return typeof model === "string" ? model : undefined;
}

/** The api-version the surface accepts, or null when Azure would answer 404. */
function resolveVersion(route: Route, raw: string | null): ApiVersion | "v1" | null {
  if (route.surface === "v1") return raw === null || ["v1", "preview", "latest"].includes(raw) ? "v1" : null;
  const version = raw === null ? null : parseApiVersion(raw);
  if (!version) return null;
  if (route.surface === "responses") return supportsResponses(version) ? version : null;
  return route.operation === "audio/speech" && !supportsSpeech(version) ? null : version;
}

/** Handles one request against `options`, keeping all state in `state`. */
export async function handleRequest(options: SimulatorOptions, state: SimulatorState, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (request.method === "GET" && url.pathname.startsWith(IMAGE_BLOB_PREFIX)) {
    return new Response(decodePlaceholderPng(), { headers: { "content-type": "image/png" } });
  }
  const tokenAnswer = await answerTokenRequest(options.entra, state.entra, request, (gate) => state.waitForGate(gate, request.signal));
  if (tokenAnswer) return tokenAnswer;
  const route = parseRoute(url.pathname);
  const payload = await readPayload(request);
  const resourceName = route?.resource ?? options.defaultResource ?? "";
  const deploymentName = findDeploymentName(route, payload);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  const record = state.recordRequest({
    resource: resourceName,
    ...(deploymentName === undefined ? {} : { deployment: deploymentName }),
    surface: route?.surface ?? "unrouted",
    operation: route?.operation ?? url.pathname,
    method: request.method,
    path: url.pathname,
    search: url.search,
    headers,
    bodyText: payload.bodyText,
    body: payload.body,
  });
  state.watchAbort(record, request.signal);
  const clientRequestId = request.headers.get("x-ms-client-request-id");
  const meta: ResponseMeta = { requestId: crypto.randomUUID(), ...(clientRequestId === null ? {} : { clientRequestId }) };
  const respondError = (status: number, body: unknown): Response => completeWith({ state, record }, respondJson(status, body, meta));

  const resource = options.resources[resourceName];
  if (!route || request.method !== route.method || !resource) return respondError(404, buildResourceNotFound());
  const rawVersion = url.searchParams.get("api-version");
  const version = resolveVersion(route, rawVersion);
  if (!version) return respondError(404, buildResourceNotFound());
  const refusal = checkResourceAuth(request, resource, state.entra);
  if (refusal) return respondError(refusal.status, refusal.body);
  if (route.operation === "models") return completeWith({ state, record }, respondJson(200, buildModelList(resource), meta));
  const deployment = deploymentName === undefined ? undefined : resource.deployments[deploymentName];
  if (!deployment || deploymentName === undefined) return respondError(404, buildDeploymentNotFound());

  const { directiveText } = payload;
  const found = parseDirectives(directiveText);
  const directives = new ActiveDirectives(selectActiveDirectives(found, resourceName, directiveText, (key) => state.takeTicket(key), options.unscopedDirectivesResource));
  const ctx: OperationContext = {
    request, origin: url.origin, route, resourceName, deploymentName, deployment,
    apiVersionLabel: version === "v1" ? (rawVersion ?? "v1") : version.raw,
    version,
    annotationField: selectAnnotationField(version),
    body: coerceRecord(payload.body), form: payload.form, directives, meta, record, state,
    chunkDelayMs: options.chunkDelayMs ?? 0,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  };
  const fault = respondToFaultDirective(ctx, options.redirectTo);
  if (fault) return fault;
  // Rate limiting and platform faults happen in front of request validation.
  const statusAnswer = respondToStatusDirective(ctx);
  if (statusAnswer) return statusAnswer;
  if (version !== "v1" && route.operation === "chat/completions") {
    const refused = unsupportedParams(version.raw, payload.body);
    if (refused[0] !== undefined) return respondError(400, buildUnrecognizedArgument(refused[0]));
  }
  if (directives.has("filter-prompt")) {
    const category = resolveFilterCategory(directives.readArg("filter-prompt"));
    const images = route.operation === "images/generations";
    return respondError(400, images ? buildImagePromptFiltered(category) : buildPromptFiltered(category));
  }
  return runOperation(ctx);
}
