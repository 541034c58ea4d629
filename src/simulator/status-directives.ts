// Directives that replace the answer with an Azure error status (429, 5xx, 401, 403, 408) or a hang.

import type { OperationContext } from "./context.ts";
import { completeWith } from "./context.ts";
import {
  buildEntraUnauthorized,
  buildInvalidKey,
  buildPlatformError,
  buildRateLimited,
  buildServerError,
  buildTimeout,
} from "./errors.ts";
import { respondJson } from "./http.ts";
import { lookupOperationId } from "./routing.ts";

const STATUS_NAMES = ["429", "429s", "429-date", "408", "500", "502", "503", "504", "401", "403", "statuscode-401", "hang"];

/** Never answers; settles only once the client has gone, so the server can drop the request. */
function respondNever(request: Request): Promise<Response> {
  return new Promise((resolve) => {
    const settle = (): void => resolve(new Response(null, { status: 499 }));
    if (request.signal.aborted) settle();
    else request.signal.addEventListener("abort", settle, { once: true });
  });
}

function respondRateLimited(ctx: OperationContext, seconds: number, headers: Record<string, string>): Response {
  const body = buildRateLimited(lookupOperationId(ctx.route.operation), ctx.apiVersionLabel, seconds);
  return respondJson(429, body, ctx.meta, headers);
}

/** The error answer the first status directive asks for, or null when there is none. */
export function respondToStatusDirective(ctx: OperationContext): Response | Promise<Response> | null {
  const directive = ctx.directives.list.find((d) => STATUS_NAMES.includes(d.name));
  if (!directive) return null;
  if (directive.name === "hang") return respondNever(ctx.request);
  const { meta } = ctx;
  const respondStatus = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
    completeWith(ctx, respondJson(status, body, meta, headers));
  switch (directive.name) {
    case "429": {
      const ms = ctx.directives.readNumberArg("429", 10);
      const seconds = Math.ceil(ms / 1000);
      return completeWith(ctx, respondRateLimited(ctx, seconds, { "retry-after-ms": String(ms), "retry-after": String(seconds) }));
    }
    case "429s": {
      const seconds = ctx.directives.readNumberArg("429s", 1);
      return completeWith(ctx, respondRateLimited(ctx, seconds, { "retry-after": String(seconds) }));
    }
    case "429-date": {
      const seconds = ctx.directives.readNumberArg("429-date", 1);
      const date = new Date(Date.now() + seconds * 1000).toUTCString();
      return completeWith(ctx, respondRateLimited(ctx, seconds, { "retry-after": date }));
    }
    case "408":
      return respondStatus(408, buildTimeout());
    case "500":
      return respondStatus(500, buildServerError(meta.requestId));
    case "401":
      return respondStatus(401, buildInvalidKey());
    case "statuscode-401":
      return respondStatus(401, buildEntraUnauthorized());
    default:
      return respondStatus(Number(directive.name), buildPlatformError(Number(directive.name) as 403 | 502 | 503 | 504));
  }
}
