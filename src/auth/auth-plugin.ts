/** The auth plugin: resolves each request's Azure access before any of its body is read; 401s are OpenAI-shaped. */
import { Elysia } from "elysia";
import type { Access } from "./resolve-access.ts";

/**
 * Derives `access` for the routes it guards (scoped to the plugin's parent). `derive` runs after
 * Elysia's body parsing, so the guarded routes take `parse: "none"` and read their bodies themselves.
 */
export function authPlugin(resolveAccess: (headers: Headers) => Access) {
  return new Elysia().derive({ as: "scoped" }, function deriveAccess({ request }) {
    return { access: resolveAccess(request.headers) };
  });
}
