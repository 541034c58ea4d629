/** The part of Elysia's context the proxied routes use, and how they hand an answer back to Elysia. */
import type { Access } from "../auth/resolve-access.ts";
import type { StreamAnswer } from "../proxy/build-answer.ts";
import { runtime } from "../runtime.ts";

export interface ResponseSet {
  headers: Record<string, string | number>;
  status?: number | string;
}

export interface ProxiedContext {
  readonly access: Access;
  readonly request: Request;
  readonly set: ResponseSet;
  /** Made in onRequest (app.ts) and carried in the context. */
  readonly requestId: string;
}

/**
 * Returns the answer as a Response (Elysia adds the headers on `set`): a stream's body is the runtime's
 * own stream over the relay's bytes (runtime.ts), not a generator Elysia wraps in one more stream. By
 * the time a stream is answered its decision is made, so nothing thrown before here is lost.
 */
export function sendAnswer(answer: Response | StreamAnswer): Response {
  if (answer instanceof Response) return answer;
  return new Response(runtime.streamBody(answer.stream), { status: answer.status, headers: answer.headers });
}
