// Whether a request may use a resource: its key (`api-key`, or `Authorization: Bearer <key>` on v1), or
// an Entra token this simulator issued. A resource with key auth off refuses keys as Azure does.

import type { EntraIssuer } from "./entra.ts";
import { buildEntraUnauthorized, buildInvalidKey, buildKeyAuthDisabled } from "./errors.ts";
import type { SimResource } from "./types.ts";

/** Null when allowed; else the status and Azure's body for the refusal. */
export function checkResourceAuth(request: Request, resource: SimResource, issuer: EntraIssuer): { status: number; body: unknown } | null {
  const mode = resource.auth ?? "key";
  const apiKey = request.headers.get("api-key")?.trim();
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]?.trim();
  if (apiKey !== undefined && apiKey !== "") {
    if (mode === "entra") return { status: 403, body: buildKeyAuthDisabled() };
    return resource.keys.includes(apiKey) ? null : { status: 401, body: buildInvalidKey() };
  }
  if (bearer !== undefined) {
    if (mode !== "entra" && resource.keys.includes(bearer)) return null;
    if (mode !== "key" && issuer.accepts(bearer)) return null;
  }
  return mode === "key" ? { status: 401, body: buildInvalidKey() } : { status: 401, body: buildEntraUnauthorized() };
}
