/**
 * CORS for browser-based chat UIs that call haigpt directly. Clients authenticate with bearer tokens,
 * not cookies, so allowing an origin exposes nothing a script could not already send. Anonymous
 * servers need no token, though: any page could spend their quota, so CORS is off there by default,
 * and a request from a page whose origin is not allowed is refused before its body is read (a
 * multipart upload needs no preflight).
 */
import { allowsOrigin, type CorsSetting } from "../config/cors-setting.ts";
import { ProxyError } from "../errors/openai-error.ts";

/** Headers a browser may read from haigpt's answers (it hides all but a few by default). */
const EXPOSED = [
  "x-request-id",
  "x-haigpt-upstream",
  "x-haigpt-attempts",
  "x-haigpt-dropped-params",
  "x-haigpt-usage",
  "x-should-retry",
  "retry-after",
  "retry-after-ms",
  "apim-request-id",
  "x-ratelimit-remaining-requests",
  "x-ratelimit-remaining-tokens",
].join(", ");

/** The CORS headers for a request from `origin` (null when the request has no Origin); none for an origin not allowed. */
export function corsHeaders(origin: string | null, setting: CorsSetting): Record<string, string> {
  if (origin === null || !allowsOrigin(origin, setting)) return {};
  if (setting === "*") return { "access-control-allow-origin": "*", "access-control-expose-headers": EXPOSED };
  return { "access-control-allow-origin": origin, "access-control-expose-headers": EXPOSED, vary: "origin" };
}

/** The 403 for a browser request from an origin the setting does not allow. */
export function originNotAllowedError(): ProxyError {
  return new ProxyError(
    403,
    "This haigpt server does not take requests from web pages at this origin; its operator can allow the origin with HAIGPT_CORS_ORIGINS.",
    { code: "origin_not_allowed" },
  );
}

/**
 * Checks a request's Origin: null when it may go on (no Origin, or an allowed one), else the 403.
 * Non-browser clients send no Origin, so they are not affected.
 */
export function checkOrigin(request: Request, setting: CorsSetting): ProxyError | null {
  const origin = request.headers.get("origin");
  return origin === null || allowsOrigin(origin, setting) ? null : originNotAllowedError();
}

/** The answer to a CORS preflight, or null when the request is not one. */
export function answerPreflight(request: Request, setting: CorsSetting): Response | null {
  const origin = request.headers.get("origin");
  if (request.method !== "OPTIONS" || origin === null || !request.headers.has("access-control-request-method")) return null;
  const headers = corsHeaders(origin, setting);
  if (!headers["access-control-allow-origin"]) return originNotAllowedError().toResponse();
  return new Response(null, {
    status: 204,
    headers: {
      ...headers,
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": request.headers.get("access-control-request-headers") ?? "authorization, content-type",
      "access-control-max-age": "600",
    },
  });
}
