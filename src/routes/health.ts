/** Health checks, no auth: /healthz (the process answers) and /readyz (configuration loaded, not draining). */
import { Elysia } from "elysia";

/** GET /healthz: liveness. */
export function health() {
  return { status: "ok" };
}

/** The routes; `draining` says whether the server is shutting down (then /readyz is 503, so balancers move on). */
export function healthRoutes(draining: () => boolean) {
  return new Elysia()
    .get("/healthz", health)
    .get("/readyz", ({ set }) => {
      if (!draining()) return { status: "ready" };
      set.status = 503;
      return { status: "draining" };
    });
}
