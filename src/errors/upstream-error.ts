/** Turns whatever error body Azure sent into the OpenAI error shape, keeping Azure's message and code. */
import { isJsonObject } from "../json.ts";
import { errorTypeForStatus, type OpenAIErrorBody } from "./openai-error.ts";

function asCode(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return null;
}

/** Longest piece of a non-JSON error body passed on: enough for a gateway's one-line reason. */
const MAX_TEXT = 300;

/**
 * The readable text of a non-JSON error body (a gateway's page, a proxy's one-liner): scripts, styles
 * and tags removed, entities for the usual characters decoded, whitespace collapsed, cut to a line.
 */
export function plainText(body: string): string {
  const text = body
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " })[name] ?? " ")
    .replace(/[<>]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
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
  const text = typeof body === "string" ? plainText(body) : "";
  if (text !== "") {
    return { error: { message: `Azure OpenAI answered HTTP ${status}: ${text}`, type: errorTypeForStatus(status), param: null, code: null } };
  }
  return { error: { message: fallback, type: errorTypeForStatus(status), param: null, code: null } };
}

