/** The request id every answer carries: made in onRequest, read back by the handlers. */

export const REQUEST_ID_HEADER = "x-request-id";

export function requestIdOf(set: { headers: Record<string, unknown> }): string {
  return String(set.headers[REQUEST_ID_HEADER] ?? "");
}
