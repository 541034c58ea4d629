import { describe, expect, test } from "bun:test";
import { errorTypeForStatus } from "../../src/errors/openai-error.ts";
import { normalizeUpstreamError, plainText } from "../../src/errors/upstream-error.ts";
import * as wire from "../fixtures/azure-wire.ts";

describe("normalizeUpstreamError", () => {
  test.each([
    [401, wire.BAD_KEY_401, { type: "authentication_error", param: null, code: "401" }],
    [401, wire.RBAC_401, { type: "authentication_error", param: null, code: "PermissionDenied" }],
    [404, wire.DEPLOYMENT_404, { type: "not_found_error", param: null, code: "DeploymentNotFound" }],
    [404, wire.RESOURCE_404, { type: "not_found_error", param: null, code: "404" }],
    [408, wire.TIMEOUT_408, { type: "server_error", param: null, code: "Timeout" }],
    [429, wire.RATE_LIMIT_429, { type: "rate_limit_error", param: null, code: "429" }],
    [500, wire.SERVER_500, { type: "server_error", param: null, code: null }],
    [400, wire.UNRECOGNIZED_ARGUMENT_400, { type: "invalid_request_error", param: "", code: null }],
  ])("HTTP %d: keeps Azure's message and code, adds what is missing", (status, body, expected) => {
    const normalized = normalizeUpstreamError(status, body);
    expect(normalized.error).toMatchObject({ ...expected, message: (body as { error: { message: string } }).error.message });
    expect(Object.keys(normalized.error)).toEqual(expect.arrayContaining(["message", "type", "param", "code"]));
  });

  test("the prompt filter's 400: type filled in, Azure's own fields kept", () => {
    const { error } = normalizeUpstreamError(400, wire.PROMPT_FILTER_400);
    expect(error).toMatchObject({ type: "invalid_request_error", param: "prompt", code: "content_filter", status: 400 });
    expect(error.innererror).toEqual(wire.PROMPT_FILTER_400.error.innererror);
  });

  test("the unwrapped Entra 401 becomes the OpenAI shape", () => {
    expect(normalizeUpstreamError(401, wire.ENTRA_401_UNWRAPPED)).toEqual({
      error: { message: wire.ENTRA_401_UNWRAPPED.message, type: "authentication_error", param: null, code: null },
    });
  });

  test("a body that is an HTML page gives its text, without the markup", () => {
    expect(normalizeUpstreamError(502, "<html>502 Bad Gateway</html>").error.message).toBe("Azure OpenAI answered HTTP 502: 502 Bad Gateway");
  });

  test.each([["nothing", null], ["only markup", "<html></html>"], ["a JSON array", [1, 2]]])(
    "a body that is %s gets a message saying what happened",
    (_name, body) => {
      expect(normalizeUpstreamError(502, body)).toEqual({
        error: { message: "Azure OpenAI answered HTTP 502 without an error message.", type: "server_error", param: null, code: null },
      });
    },
  );
});

test.each([
  [400, "invalid_request_error"],
  [401, "authentication_error"],
  [403, "permission_error"],
  [404, "not_found_error"],
  [408, "server_error"],
  [422, "invalid_request_error"],
  [429, "rate_limit_error"],
  [500, "server_error"],
  [503, "server_error"],
])("errorTypeForStatus(%d) = %s", (status, type) => {
  expect(errorTypeForStatus(status)).toBe(type);
});

describe("non-JSON error bodies", () => {
  test.each([
    ["a gateway's HTML page", "<html><head><title>502 Bad Gateway</title><style>h1{x:y}</style><script>alert(1)</script></head><body><h1>Bad&nbsp;Gateway</h1></body></html>", "502 Bad Gateway Bad Gateway"],
    ["a proxy's one-liner", "  upstream connect error or disconnect/reset before headers \n", "upstream connect error or disconnect/reset before headers"],
    ["only markup", "<br/><hr>", ""],
    ["a bracketed run is taken for a tag", "a < b > c", "a c"],
  ])("%s → %p", (_name, body, expected) => {
    expect(plainText(body)).toBe(expected);
  });
  test("the text reaches the message instead of 'without an error message', cut to a line", () => {
    expect(normalizeUpstreamError(503, "Service Unavailable").error.message).toBe("Azure OpenAI answered HTTP 503: Service Unavailable");
    expect(normalizeUpstreamError(502, "x".repeat(1000)).error.message.length).toBeLessThan(340);
  });
});
