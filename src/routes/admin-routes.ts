/**
 * The operator's surfaces: GET /metrics (Prometheus text), GET /admin/usage and GET /admin/upstreams
 * (each upstream's routing facts, health and recent numbers; no key or secret). Hidden (404) unless an
 * admin token is configured; then `Authorization: Bearer <admin token>` is required, compared in constant time.
 */
import { Elysia } from "elysia";
import { createTokenMatcher } from "../auth/user-tokens.ts";
import { ProxyError } from "../errors/openai-error.ts";
import type { Observer } from "../observe/observer.ts";

/**
 * The check an admin request passes, or throws its 404 (no admin token configured) or 401. The token is
 * compared as user tokens are (constant time, digests), its digest made once here, not per request.
 */
function createAdminCheck(adminToken: string | null): (request: Request) => void {
  const matches = adminToken === null ? null : createTokenMatcher([{ userId: "admin", token: adminToken }]);
  return (request) => {
    if (matches === null) {
      const { pathname } = new URL(request.url);
      throw new ProxyError(404, `Invalid URL (${request.method} ${pathname}).`, { code: "unknown_url" });
    }
    const header = request.headers.get("authorization") ?? "";
    const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? "";
    if (given === "" || matches(given) === null) {
      throw new ProxyError(401, "This is an operator surface: send Authorization: Bearer <the server's admin token> (HAIGPT_ADMIN_TOKEN).", {
        code: "invalid_admin_token",
        headers: { "www-authenticate": 'Bearer realm="haigpt-admin"' },
      });
    }
  };
}

export function adminRoutes(observer: Observer, adminToken: string | null, describeUpstreams: () => Promise<unknown>) {
  const checkAdmin = createAdminCheck(adminToken);
  return new Elysia()
    .get("/metrics", async ({ request }) => {
      checkAdmin(request);
      const { registry } = observer.metrics;
      return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
    })
    .get("/admin/usage", async ({ request }) => {
      checkAdmin(request);
      return Response.json(await observer.usage.report());
    })
    .get("/admin/upstreams", async ({ request }) => {
      checkAdmin(request);
      return Response.json(await describeUpstreams());
    });
}
