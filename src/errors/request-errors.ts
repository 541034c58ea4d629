/** OpenAI-shaped 400s for request bodies haigpt refuses before any upstream call. */
import { ValueErrorType, type ValueError } from "@sinclair/typebox/errors";
import { ProxyError } from "./openai-error.ts";

/** A body that is not JSON at all. */
export function invalidJsonError(): ProxyError {
  return new ProxyError(
    400,
    "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload; check that the body " +
      "is valid JSON and that the Content-Type header is application/json.",
    { code: "invalid_json" },
  );
}

/** The 400 for the first schema violation of `body`, naming the parameter as OpenAI does. */
export function invalidBodyError(body: unknown, error: ValueError | undefined): ProxyError {
  const param = error?.path.split("/").filter(Boolean).join(".") || null;
  if (!error || param === null || typeof body !== "object" || body === null) {
    return new ProxyError(400, "The request body must be a JSON object.", { code: "invalid_type" });
  }
  if (error.value === undefined || error.type === ValueErrorType.ObjectRequiredProperty) {
    return new ProxyError(400, `Missing required parameter: '${param}'.`, { param, code: "missing_required_parameter" });
  }
  switch (error.type) {
    case ValueErrorType.ArrayMinItems:
      return new ProxyError(400, `Invalid '${param}': empty array. Expected an array with at least one element.`, {
        param,
        code: "empty_array",
      });
    case ValueErrorType.StringMaxLength:
      return stringTooLongError(param, Number(error.schema.maxLength), String(error.value).length);
    case ValueErrorType.StringMinLength:
      return new ProxyError(400, `Invalid '${param}': empty string. Expected a non-empty string.`, {
        param,
        code: "empty_string",
      });
    default:
      return new ProxyError(400, `Invalid type for '${param}': ${error.message.toLowerCase()}.`, {
        param,
        code: "invalid_type",
      });
  }
}

/** A body over the configured limit (HAIGPT_MAX_BODY_BYTES). */
export function bodyTooLargeError(limit: number): ProxyError {
  return new ProxyError(413, `The request body is larger than this server's limit of ${limit} bytes.`, {
    code: "request_too_large",
  });
}

/** A JSON endpoint called with another content type (a browser's text/plain form post, curl -d). */
export function unsupportedMediaTypeError(): ProxyError {
  return new ProxyError(
    415,
    "This endpoint takes a JSON body: send it with the header Content-Type: application/json.",
    { code: "unsupported_media_type" },
  );
}

/** A JSON body nested deeper than haigpt reads. */
export function nestingTooDeepError(param: string | null, maxDepth: number): ProxyError {
  const where = param === null ? "The JSON body" : `Invalid '${param}': the value`;
  return new ProxyError(400, `${where} is nested more than ${maxDepth} levels deep.`, { param, code: "nesting_too_deep" });
}

/** A string parameter longer than haigpt accepts (OpenAI's wording and code). */
export function stringTooLongError(param: string, maxLength: number, length: number): ProxyError {
  return new ProxyError(
    400,
    `Invalid '${param}': string too long. Expected a string with maximum length ${maxLength}, but got a string with length ${length} instead.`,
    { param, code: "string_above_max_length" },
  );
}

/** A request whose Host header makes no valid URL (e.g. `Host: [`). */
export function malformedHostError(): ProxyError {
  return new ProxyError(400, "The request's Host header is missing or not a valid host name; send the host (and port) of this server.", {
    code: "invalid_host",
  });
}
