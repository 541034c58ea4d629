import { expect, test } from "bun:test";
import { createAllowedMethods } from "../../src/routes/allowed-methods.ts";
import { hasValidUrl, pathOf, showPath } from "../../src/request-path.ts";

test.each([
  ["http://localhost:3000/v1/models?x=1", "/v1/models", true],
  ["http://[/v1/models", "/v1/models", false],
  ["http://a b/v1/chat/completions#f", "/v1/chat/completions", false],
  ["http://[", "/", false],
])("pathOf(%p) is %p; valid URL: %p", (url, path, valid) => {
  expect(pathOf(url)).toBe(path);
  expect(hasValidUrl(url)).toBe(valid);
});

test("showPath cuts long paths", () => {
  expect(showPath("/short")).toBe("/short");
  expect(showPath(`/${"p".repeat(1000)}`)).toHaveLength(201);
});

const allowed = createAllowedMethods(() => [
  { method: "GET", path: "/v1/models" },
  { method: "GET", path: "/v1/models/:model" },
  { method: "POST", path: "/v1/chat/completions" },
  { method: "POST", path: "/openai/deployments/:deployment/chat/completions" },
  { method: "post", path: "/v1/a.b" },
]);

test.each([
  ["/v1/models", ["GET"]],
  ["/v1/models/gpt-4o", ["GET"]],
  ["/v1/models/a/b", []],
  ["/v1/chat/completions", ["POST"]],
  ["/openai/deployments/x/chat/completions", ["POST"]],
  ["/openai/deployments//chat/completions", []],
  ["/v1/a.b", ["POST"]],
  ["/v1/aXb", []],
  ["/nothing", []],
])("methods for %p: %p", (path, methods) => {
  expect(allowed(path)).toEqual(methods);
});
