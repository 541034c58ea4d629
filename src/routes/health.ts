/** Health checks, no auth: /healthz (the process answers) and /readyz (configuration loaded, not draining). */
import { Elysia } from "elysia";
import type { StoreStatus } from "../state/state-store.ts";

/** GET /healthz: liveness. */
export function health() {
  return { status: "ok" };
}

/**
 * The routes; `draining` says whether the server is shutting down (then /readyz is 503, so balancers
 * move on). The body carries the state store's status: a Redis that is away leaves /readyz at 200
 * (every replica would be pulled at once otherwise) and says so in `state`.
 */
export function healthRoutes(draining: () => boolean, stateStatus?: () => StoreStatus) {
  return new Elysia()
    .get("/healthz", health)
    .get("/readyz", ({ set }) => {
      const state = stateStatus ? { state: stateStatus() } : {};
      if (!draining()) return { status: "ready", ...state };
      set.status = 503;
      return { status: "draining", ...state };
    });
}
