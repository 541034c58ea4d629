/** Elysia's onError for haigpt: every failure leaves as an OpenAI-shaped body; stacks go to the log, never the client. */
import type { ValidationError } from "elysia";
import type { Logger } from "../log.ts";
import type { Observer } from "../observe/observer.ts";
import { ClientGoneError } from "../upstream/send-attempt.ts";
import { ProxyError } from "./openai-error.ts";
import { invalidBodyError, invalidJsonError } from "./request-errors.ts";

interface ErrorContext {
  readonly code: unknown;
  readonly error: unknown;
  readonly request: Request;
  readonly set: { headers: Record<string, unknown> };
}

/** Builds the handler; `requestIdOf` reads the id onRequest put on the answer; the request's record gets the error's code. */
export function createErrorHandler(log: Logger, requestIdOf: (set: ErrorContext["set"]) => string, observer?: Observer) {
  return function handleError({ code, error, request, set }: ErrorContext): Response {
    const requestId = requestIdOf(set);
    const { pathname } = new URL(request.url);
    if (error instanceof ClientGoneError) {
      // Nobody is left to read this; 499 is the conventional "client closed request" for the log.
      observer?.recordOf(request)?.refuse("client_gone");
      return new Response(null, { status: 499 });
    }
    let failure: ProxyError;
    if (error instanceof ProxyError) failure = error;
    else if (code === "PARSE") failure = invalidJsonError();
    else if (code === "VALIDATION") failure = invalidBodyError((error as ValidationError).value, (error as ValidationError).valueError);
    else if (code === "NOT_FOUND") {
      failure = new ProxyError(404, `Invalid URL (${request.method} ${pathname}).`, { code: "unknown_url" });
    } else {
      const stack = String((error as Error)?.stack ?? error);
      const record = observer?.recordOf(request);
      // The request's own line carries the stack; without a record it gets a line of its own.
      if (record) record.refuse(undefined, stack);
      else log.error("internal error", { requestId, path: pathname, error: stack });
      failure = new ProxyError(500, `haigpt failed on this request; the operator can find it in the logs by request id ${requestId}.`, {
        code: "internal_error",
      });
    }
    observer?.recordOf(request)?.refuse(failure.code);
    return failure.toResponse();
  };
}
