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
