/** Elysia's onError for haigpt: every failure leaves as an OpenAI-shaped body; stacks go to the log, never the client. */
import type { ValidationError } from "elysia";
import type { Logger } from "../log.ts";
import { pathOf, showPath } from "../request-path.ts";
import { ClientGoneError } from "./client-gone.ts";
import { ProxyError } from "./openai-error.ts";
import { invalidBodyError, invalidJsonError } from "./request-errors.ts";

interface ErrorContext {
  readonly code: unknown;
  readonly error: unknown;
  readonly request: Request;
  readonly set: { headers: Record<string, unknown> };
  /** Given by onRequest (app.ts) before anything can fail; empty only if that hook never ran. */
  readonly requestId?: string;
}

/** The 404 for an unknown path, or the 405 (with `Allow`) for a known path asked with another method. */
function routeNotFound(method: string, path: string, allowed: readonly string[]): ProxyError {
  if (allowed.length === 0) return new ProxyError(404, `Invalid URL (${method} ${showPath(path)}).`, { code: "unknown_url" });
  return new ProxyError(405, `${method} is not allowed on ${showPath(path)}; use ${allowed.join(" or ")}.`, {
    code: "method_not_allowed",
    headers: { allow: allowed.join(", ") },
  });
}

/** Where a request's refusal is noted for its log line (the observer's records, src/observe). */
export interface RefusalRecords {
  recordOf(request: Request): { refuse(code: string | null | undefined, error?: string): void } | undefined;
}

/**
 * Builds the handler; the request id is the one onRequest put in the context, `allowedMethods` says
 * which methods a path is served with. The URL is never parsed here: a malformed one must not throw.
 */
export function createErrorHandler(
  log: Logger,
  allowedMethods: (pathname: string) => readonly string[] = () => [],
  observer?: RefusalRecords,
) {
  return function handleError({ code, error, request, set, requestId = "" }: ErrorContext): Response {
    const fullPath = pathOf(request.url);
    const pathname = showPath(fullPath);
    if (error instanceof ClientGoneError) {
      // Nobody is left to read this; 499 is the conventional "client closed request" for the log.
      observer?.recordOf(request)?.refuse("client_gone");
      return new Response(null, { status: 499 });
    }
    let failure: ProxyError;
    if (error instanceof ProxyError) failure = error;
    else if (code === "PARSE") failure = invalidJsonError();
    else if (code === "VALIDATION") failure = invalidBodyError((error as ValidationError).value, (error as ValidationError).valueError);
    else if (code === "NOT_FOUND") failure = routeNotFound(request.method, fullPath, allowedMethods(fullPath));
    else {
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
