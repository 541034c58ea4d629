/**
 * The operator's surfaces: GET /metrics (Prometheus text), GET /admin/usage and GET /admin/upstreams
 * (each upstream's routing facts, health and recent numbers; no key or secret). Hidden (404) unless an
 * admin token is configured; then `Authorization: Bearer <admin token>` is required, compared in constant time.
 */
import { timingSafeEqual } from "node:crypto";
import { Elysia } from "elysia";
import { ProxyError } from "../errors/openai-error.ts";
import type { Observer } from "../observe/observer.ts";

const encoder = new TextEncoder();

/** Constant-time equality of two strings, whatever their lengths (digests are compared, never the strings). */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([given, expected].map((value) => crypto.subtle.digest("SHA-256", encoder.encode(value))));
  return timingSafeEqual(new Uint8Array(a!), new Uint8Array(b!));
}

/** Throws the 404 or 401 an admin request gets when it may not see the surface. */
async function checkAdmin(request: Request, adminToken: string | null): Promise<void> {
  if (adminToken === null) {
    const { pathname } = new URL(request.url);
    throw new ProxyError(404, `Invalid URL (${request.method} ${pathname}).`, { code: "unknown_url" });
  }
  const header = request.headers.get("authorization") ?? "";
  const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? "";
  if (given === "" || !(await sameSecret(given, adminToken))) {
    throw new ProxyError(401, "This is an operator surface: send Authorization: Bearer <the server's admin token> (HAIGPT_ADMIN_TOKEN).", {
      code: "invalid_admin_token",
      headers: { "www-authenticate": 'Bearer realm="haigpt-admin"' },
    });
  }
}

export function adminRoutes(observer: Observer, adminToken: string | null, describeUpstreams: () => Promise<unknown>) {
  return new Elysia()
    .get("/metrics", async ({ request }) => {
      await checkAdmin(request, adminToken);
      const { registry } = observer.metrics;
      return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
    })
    .get("/admin/usage", async ({ request }) => {
      await checkAdmin(request, adminToken);
      return Response.json(await observer.usage.report());
    })
    .get("/admin/upstreams", async ({ request }) => {
      await checkAdmin(request, adminToken);
      return Response.json(await describeUpstreams());
    });
}
