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

type Resolve = (headers: Headers) => Access;
type Handler = ReturnType<typeof proxyRoute>;

/**
 * Elysia reads no body (`parse: "none"`): the handler reads it once `access` is resolved, so a caller
 * without a valid token is refused before a byte of the body is read (see json-body.ts).
 */
const ROUTE_OPTIONS = { parse: "none" } as const;

function addOperation(app: Elysia<string>, path: string, handler: Handler) {
  // The handler's context type is the part of Elysia's context it uses; Elysia's own is wider.
  return app.post(path, handler as never, ROUTE_OPTIONS);
}

/**
 * OpenAI's API under `prefix`: "/v1", "" for base URLs without it, or "/openai/v1" (Azure's v1 surface,
 * whose clients may put a deployment name in `model`).
 */
export function openAIRoutes(prefix: string, deps: ProxyDeps, resolveAccess: Resolve, startedAtSeconds: number, source: ModelSource = "body") {
  let app = new Elysia({ prefix }).use(authPlugin(resolveAccess)) as unknown as Elysia<string>;
  app = app.get("/models", listModels(startedAtSeconds) as never).get("/models/:model", retrieveModel(startedAtSeconds) as never);
  for (const op of OPERATIONS) app = addOperation(app, `/${op.path}`, proxyRoute(deps, op, source));
  return app;
}

/**
 * The paths Azure clients (the SDKs' `AzureOpenAI`) send: `/openai/deployments/{deployment}/…` and
 * `/openai/responses` (the deployment as `model`). The deployment is mapped back to the OpenAI model
 * name; Azure is then called with the key's own api-version, whatever the client's query says.
 */
export function azureShapedRoutes(deps: ProxyDeps, resolveAccess: Resolve) {
  let app = new Elysia({ prefix: "/openai" }).use(authPlugin(resolveAccess)) as unknown as Elysia<string>;
  for (const op of OPERATIONS) {
    const inPath = op.dated === "deployment-path";
    const path = inPath ? `/deployments/:deployment/${op.path}` : `/${op.path}`;
    app = addOperation(app, path, proxyRoute(deps, op, "deployment"));
  }
  return app;
}
