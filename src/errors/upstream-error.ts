/** Turns whatever error body Azure sent into the OpenAI error shape, keeping Azure's message and code. */
import { errorTypeForStatus, type OpenAIErrorBody } from "./openai-error.ts";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asCode(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return null;
}

/**
 * Normalises an Azure error body to `{"error":{"message","type","param","code"}}`.
 * Azure often omits `type`/`param`, sends `type: null`, or (for Entra token failures) an unwrapped
 * `{"statusCode":401,"message":…}`; the missing parts are filled from the status. Extra Azure fields
 * (`status`, `innererror`, …) are kept here; the compatibility layer decides whether clients see them.
 */
export function normalizeUpstreamError(status: number, body: unknown): OpenAIErrorBody {
  const fallback = `Azure OpenAI answered HTTP ${status} without an error message.`;
  if (isObject(body) && isObject(body.error)) {
    const { message, type, param, code, ...extra } = body.error;
    return {
      error: {
        ...extra,
        message: typeof message === "string" && message !== "" ? message : fallback,
        type: typeof type === "string" && type !== "" ? type : errorTypeForStatus(status),
        param: typeof param === "string" ? param : null,
        code: asCode(code),
      },
    };
  }
  if (isObject(body) && typeof body.message === "string") {
    return { error: { message: body.message, type: errorTypeForStatus(status), param: null, code: null } };
  }
  return { error: { message: fallback, type: errorTypeForStatus(status), param: null, code: null } };
}

/** Parses a body as JSON, or returns `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
