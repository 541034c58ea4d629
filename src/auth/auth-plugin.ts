/** The auth plugin: resolves each request's Azure access before its body is validated; 401s are OpenAI-shaped. */
import { Elysia } from "elysia";
import type { Access } from "./resolve-access.ts";

/** Derives `access` for the routes it guards (scoped to the plugin's parent). */
export function authPlugin(resolveAccess: (headers: Headers) => Access) {
  return new Elysia().derive({ as: "scoped" }, function deriveAccess({ request }) {
    return { access: resolveAccess(request.headers) };
  });
}
