/**
 * The proxied POST routes answered in front of Elysia: a path table built once sends a request straight
 * to the same handler Elysia's route runs; everything else (health, admin, models, 404/405, CORS,
 * malformed URLs) is left to Elysia.
 */
import type { Access } from "../auth/resolve-access.ts";
import { OPERATIONS } from "../proxy/operations.ts";
import type { ProxyDeps } from "../proxy/proxy-request.ts";
import { hasValidUrl } from "../request-path.ts";
import { proxyRoute } from "./proxy-route.ts";
import { REQUEST_ID_HEADER } from "./request-id.ts";
import type { ProxiedContext, ResponseSet } from "./route-context.ts";

type ProxiedHandler = (ctx: ProxiedContext) => Promise<Response>;

/** The static proxied paths, as api-routes.ts serves them (a deployment in the path is left to Elysia). */
function buildPathTable(deps: ProxyDeps): Map<string, ProxiedHandler> {
  const table = new Map<string, ProxiedHandler>();
  const add = (path: string, handler: ProxiedHandler) => void (table.has(path) || table.set(path, handler));
  for (const op of OPERATIONS) {
    add(`/v1/${op.path}`, proxyRoute(deps, op));
    add(`/openai/v1/${op.path}`, proxyRoute(deps, op, "model-or-deployment"));
    if (op.dated !== "deployment-path") add(`/openai/${op.path}`, proxyRoute(deps, op, "deployment"));
    add(`/${op.path}`, proxyRoute(deps, op));
  }
  return table;
}

export interface FastProxyDeps {
  readonly resolveAccess: (headers: Headers) => Access;
  readonly newRequestId: () => string;
  readonly observer?: { recordOf(request: Request): { summary: { requestId?: string } } | undefined };
  /** Elysia's error handler (src/errors/error-handler.ts), so an error answers exactly as on Elysia's routes. */
  readonly handleError: (ctx: { code: unknown; error: unknown; request: Request; set: ResponseSet; requestId: string }) => Response;
}

/** The set's headers on the answer where it has none of its own, as Elysia's mapResponse adds them. */
function withSetHeaders(response: Response, headers: ResponseSet["headers"]): Response {
  try {
    for (const key in headers) if (!response.headers.has(key)) response.headers.set(key, String(headers[key]));
    return response;
  } catch {
    // A response whose headers are immutable (fetch's own): copied, as Elysia does.
    const merged = new Headers(response.headers);
    for (const key in headers) if (!merged.has(key)) merged.set(key, String(headers[key]));
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
  }
}

/**
 * Returns the answer of a proxied POST request without an Origin (a browser's CORS goes through
 * Elysia's onRequest), or null for every other request.
 */
export function createFastProxy(proxyDeps: ProxyDeps, deps: FastProxyDeps): (request: Request) => Promise<Response> | null {
  const table = buildPathTable(proxyDeps);
  async function answer(handler: ProxiedHandler, request: Request): Promise<Response> {
    const requestId = deps.newRequestId();
    const record = deps.observer?.recordOf(request);
    if (record) record.summary.requestId = requestId;
    const set: ResponseSet = { headers: { [REQUEST_ID_HEADER]: requestId } };
    let response: Response;
    try {
      response = await handler({ access: deps.resolveAccess(request.headers), request, set, requestId });
    } catch (error) {
      response = deps.handleError({ code: "UNKNOWN", error, request, set, requestId });
    }
    return withSetHeaders(response, set.headers);
  }
  return function answerFast(request) {
    if (request.method !== "POST") return null;
    const url = request.url;
    const pathStart = url.indexOf("/", url.indexOf("//") + 2);
    if (pathStart < 0) return null;
    const queryStart = url.indexOf("?", pathStart);
    const handler = table.get(queryStart < 0 ? url.slice(pathStart) : url.slice(pathStart, queryStart));
    if (!handler || request.headers.has("origin") || !hasValidUrl(url)) return null;
    return answer(handler, request);
  };
}
