/** The part of Elysia's context the proxied routes use, and how they hand an answer back to Elysia. */
import type { Access } from "../auth/resolve-access.ts";
import type { StreamAnswer } from "../proxy/build-answer.ts";

export interface ResponseSet {
  headers: Record<string, string | number>;
  status?: number | string;
}

export interface ProxiedContext {
  readonly access: Access;
  readonly request: Request;
  readonly set: ResponseSet;
}

/**
 * Returns the answer in the form Elysia sends: a Response as it is, a stream as its generator with
 * status and headers on `set` (Elysia pulls the first chunk only after this, so errors thrown before
 * here still become ordinary responses).
 */
export function sendAnswer(set: ResponseSet, answer: Response | StreamAnswer) {
  if (answer instanceof Response) return answer;
  set.status = answer.status;
  Object.assign(set.headers, answer.headers);
  return answer.stream;
}
