/**
 * Elysia reads a request's path from a fixed offset of its URL (the first `/` from character 11), so
 * a short Host (`Host: a`, `api`, `y:80`) would be routed by a wrong path. A request with such a URL is
 * given a placeholder host before it is routed, so routing does not depend on the Host's length.
 */

/** Where Elysia starts looking for the path's `/`. */
const ROUTER_PATH_OFFSET = 11;
/** A host long enough for that offset; `.invalid` never resolves (RFC 2606). */
const PLACEHOLDER_ORIGIN = "http://haigpt.invalid";

/**
 * `request` itself when the router finds its path, otherwise the same request (method, headers, body,
 * signal) at the placeholder origin. A URL that does not parse is left for the malformed-Host 400.
 */
export function routableRequest(request: Request): Request {
  const url = request.url;
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  if (pathStart >= ROUTER_PATH_OFFSET) return request;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return request;
  }
  return new Request(`${PLACEHOLDER_ORIGIN}${parsed.pathname}${parsed.search}`, request);
}
