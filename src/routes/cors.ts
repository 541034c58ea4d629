/**
 * CORS for browser-based chat UIs that call haigpt directly. Clients authenticate with bearer tokens,
 * not cookies, so allowing any origin exposes nothing a script could not already send; operators can
 * still narrow it to a list of origins, or turn it off.
 */

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

/** `*`, a comma-separated list of origins, or `off`. */
export type CorsSetting = string;

/** The CORS headers for a request from `origin` (null when the request has no Origin). */
export function corsHeaders(origin: string | null, setting: CorsSetting): Record<string, string> {
  if (origin === null || setting === "off") return {};
  if (setting === "*") return { "access-control-allow-origin": "*", "access-control-expose-headers": EXPOSED };
  const allowed = setting.split(",").map((entry) => entry.trim());
  if (!allowed.includes(origin)) return { vary: "origin" };
  return { "access-control-allow-origin": origin, "access-control-expose-headers": EXPOSED, vary: "origin" };
}

/** The answer to a CORS preflight, or null when the request is not one. */
export function answerPreflight(request: Request, setting: CorsSetting): Response | null {
  const origin = request.headers.get("origin");
  if (request.method !== "OPTIONS" || origin === null || !request.headers.has("access-control-request-method")) return null;
  const headers = corsHeaders(origin, setting);
  if (!headers["access-control-allow-origin"]) return new Response(null, { status: 403, headers });
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
