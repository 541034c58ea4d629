/** Turns whatever error body Azure sent into the OpenAI error shape, keeping Azure's message and code. */
import { isJsonObject } from "../json.ts";
import { errorTypeForStatus, type OpenAIErrorBody } from "./openai-error.ts";

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
  if (isJsonObject(body) && isJsonObject(body.error)) {
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
  if (isJsonObject(body) && typeof body.message === "string") {
    return { error: { message: body.message, type: errorTypeForStatus(status), param: null, code: null } };
  }
  return { error: { message: fallback, type: errorTypeForStatus(status), param: null, code: null } };
}

