/**
 * The JSON body of a proxied request, read by haigpt itself once the caller is known: content type
 * checked (415), bytes counted as they arrive (413), nesting bounded and JSON parsed (400), then the
 * operation's schema checked (400 naming the parameter).
 */
import type { ProxyError } from "../errors/openai-error.ts";
import { invalidJsonError, nestingTooDeepError, unsupportedMediaTypeError } from "../errors/request-errors.ts";
import { findTooDeep } from "./json-depth.ts";
import { readBodyBytes } from "./read-body.ts";

/** Deepest nesting of objects and arrays read; tool and response-format schemas stay far below it. */
export const MAX_JSON_DEPTH = 128;

/** Only `application/json` (parameters allowed): a browser cannot send it cross-origin without a preflight. */
export function isJsonContentType(value: string | null): boolean {
  return value !== null && /^\s*application\/json\s*(?:;|$)/i.test(value);
}

export interface JsonBodyRules {
  readonly maxBytes: number;
  readonly check: (body: unknown) => ProxyError | null;
}

const decoder = new TextDecoder();

/**
 * The body as text. With a Content-Length within the limit, the runtime reads exactly that many bytes
 * natively (HTTP framing: a longer body cannot be sent under it); a chunked body is counted as it comes.
 */
async function readText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && declared !== "" && Number(declared) <= maxBytes) return request.text();
  return decoder.decode(await readBodyBytes(request.body, maxBytes));
}

/** Reads, parses and checks the body; throws the OpenAI-shaped error for the first rule it breaks. */
export async function readJsonBody(request: Request, rules: JsonBodyRules): Promise<Record<string, unknown>> {
  if (!isJsonContentType(request.headers.get("content-type"))) throw unsupportedMediaTypeError();
  const text = await readText(request, rules.maxBytes);
  const tooDeep = findTooDeep(text, MAX_JSON_DEPTH);
  if (tooDeep) throw nestingTooDeepError(tooDeep.param, MAX_JSON_DEPTH);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidJsonError();
  }
  const refusal = rules.check(body);
  if (refusal) throw refusal;
  return body as Record<string, unknown>;
}
