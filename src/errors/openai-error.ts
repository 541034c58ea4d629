/** OpenAI-shaped errors: the one error form every client of haigpt sees. */

/** The OpenAI error body: all four keys are always present (`null` allowed). */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
    [extra: string]: unknown;
  };
}

/** OpenAI's error `type` for an HTTP status, used wherever Azure left it out. */
export function errorTypeForStatus(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status === 408 || status >= 500) return "server_error";
  return "invalid_request_error";
}

/** Builds an OpenAI error body. */
export function openAIError(
  status: number,
  message: string,
  code: string | null = null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type: errorTypeForStatus(status), param, code } };
}

/**
 * An error raised by haigpt itself. `toResponse()` renders it in the OpenAI shape;
 * Elysia's error handler and the route handlers both use it.
 */
export class ProxyError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    options: { code?: string | null; param?: string | null; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ProxyError";
    this.status = status;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  get body(): OpenAIErrorBody {
    return openAIError(this.status, this.message, this.code, this.param);
  }

  toResponse(extraHeaders: Record<string, string> = {}): Response {
    return jsonResponse(this.status, this.body, { ...this.headers, ...extraHeaders });
  }
}

/** A JSON response with the given status and headers. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, "content-type": "application/json" },
  });
}
