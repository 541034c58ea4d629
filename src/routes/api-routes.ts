/**
 * The proxied HTTP surface, built from the operation table: OpenAI's paths (under `/v1` and, for
 * clients configured without it, at the root) and the Azure-shaped paths `AzureOpenAI` clients send.
 */
import { Elysia } from "elysia";
import { authPlugin } from "../auth/auth-plugin.ts";
import type { Access } from "../auth/resolve-access.ts";
import { OPERATIONS } from "../proxy/operations.ts";
import type { ProxyDeps } from "../proxy/proxy-request.ts";
import { listModels, retrieveModel } from "./models.ts";
import { proxyRoute, type ModelSource } from "./proxy-route.ts";
import { requestIdPlugin } from "./request-id.ts";

type Resolve = (headers: Headers) => Access;

/**
 * Elysia reads no body (`parse: "none"`): the handler reads it once `access` is resolved, so a caller
 * without a valid token is refused before a byte of the body is read (see json-body.ts).
 */
const ROUTE_OPTIONS = { parse: "none" } as const;

/**
 * OpenAI's API under `prefix`: "/v1", "" for base URLs without it, or "/openai/v1" (Azure's v1 surface,
 * whose clients may put a deployment name in `model`).
 */
export function openAIRoutes(prefix: string, deps: ProxyDeps, resolveAccess: Resolve, startedAtSeconds: number, source: ModelSource = "body") {
  // Elysia's methods add to the instance they are called on: the loop keeps the type that has `access`,
  // so a handler whose context lacks what it needs (the auth plugin removed) does not type-check.
  const app = new Elysia({ prefix }).use(requestIdPlugin).use(authPlugin(resolveAccess));
  app.get("/models", listModels(startedAtSeconds)).get("/models/:model", retrieveModel(startedAtSeconds));
  for (const op of OPERATIONS) app.post(`/${op.path}`, proxyRoute(deps, op, source), ROUTE_OPTIONS);
  return app;
}

/**
 * The paths Azure clients (the SDKs' `AzureOpenAI`) send: `/openai/deployments/{deployment}/…` and
 * `/openai/responses` (the deployment as `model`). The deployment is mapped back to the OpenAI model
 * name; Azure is then called with the key's own api-version, whatever the client's query says.
 */
export function azureShapedRoutes(deps: ProxyDeps, resolveAccess: Resolve) {
  const app = new Elysia({ prefix: "/openai" }).use(requestIdPlugin).use(authPlugin(resolveAccess));
  for (const op of OPERATIONS) {
    const inPath = op.dated === "deployment-path";
    const path = inPath ? `/deployments/:deployment/${op.path}` : `/${op.path}`;
    app.post(path, proxyRoute(deps, op, "deployment"), ROUTE_OPTIONS);
  }
  return app;
}
