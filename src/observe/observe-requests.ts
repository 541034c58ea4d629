/**
 * Wraps the server's fetch handler: every request gets a record that is finished when its answer has
 * ended, and while the server drains, requests other than the health checks get a 503 that closes the connection.
 */
import { ProxyError } from "../errors/openai-error.ts";
import type { Observer } from "./observer.ts";

type FetchHandler = (request: Request) => Response | Promise<Response>;

const HEALTH_PATHS = ["/healthz", "/readyz"];

function isHealthCheck(request: Request): boolean {
  return HEALTH_PATHS.some((path) => request.url.endsWith(path) || request.url.includes(`${path}?`));
}

function shuttingDown(): Response {
  const response = new ProxyError(503, "This haigpt server is shutting down; send the request again (to another instance).", {
    code: "server_shutting_down",
    headers: { connection: "close", "retry-after": "1" },
  }).toResponse();
  return response;
}

/** The observed handler; `draining` says whether the server is shutting down. */
export function observeRequests(handler: FetchHandler, observer: Observer, draining: () => boolean): (request: Request) => Promise<Response> {
  return async function handleObserved(request) {
    const record = observer.begin(request);
    if (draining() && !isHealthCheck(request)) {
      record.refuse("server_shutting_down");
      record.finish(503);
      return shuttingDown();
    }
    let response: Response;
    try {
      response = await handler(request);
    } catch (error) {
      record.refuse("internal_error", String(error));
      record.finish(500);
      throw error;
    }
    if (draining()) response.headers.set("connection", "close");
    record.head(response.status, record.isStreaming());
    if (!record.isStreaming()) record.finish(response.status);
    return response;
  };
}
