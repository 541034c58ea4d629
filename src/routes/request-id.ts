/** The request id every answer carries: made in onRequest, a value in Elysia's context from then on. */
import { Elysia } from "elysia";

export const REQUEST_ID_HEADER = "x-request-id";

/**
 * Declares the request id in the context (empty until app.ts's onRequest sets it for each request):
 * used by the app and by every route plugin whose handlers read it, so their types know it. Named,
 * so Elysia registers it once however many plugins use it.
 */
export const requestIdPlugin = new Elysia({ name: "haigpt:request-id" }).decorate("requestId", "");
