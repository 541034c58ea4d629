import { describe, expect, test } from "bun:test";
import { parseCredentialString } from "../../src/config/credential-string.ts";

describe("parseCredentialString", () => {
  test("reads resource, deployment map, key and api-version", () => {
    const parsed = parseCredentialString("gpt1:gpt-4o|gpt4o-prod,gpt-35-turbo|gpt35:0123456789abcdef:2024-10-21");
    expect(parsed).toEqual({
      ok: true,
      value: {
        resourceId: "gpt1",
        deployments: { "gpt-4o": "gpt4o-prod", "gpt-35-turbo": "gpt35" },
        apiKey: "0123456789abcdef",
        apiVersion: "2024-10-21",
      },
    });
  });

  test("api-version is optional; a bare deployment serves the model of the same name", () => {
    const parsed = parseCredentialString("gpt1:gpt-4o:key");
    expect(parsed).toEqual({ ok: true, value: { resourceId: "gpt1", deployments: { "gpt-4o": "gpt-4o" }, apiKey: "key" } });
  });

  test("accepts the catch-all and the v1 surface", () => {
    const parsed = parseCredentialString("gpt1:*|default-dep:key:v1");
    expect(parsed.ok && parsed.value.deployments).toEqual({ "*": "default-dep" });
    expect(parsed.ok && parsed.value.apiVersion).toBe("v1");
  });

  test.each([
    ["evil.com", "RESOURCE_ID"],
    ["127.0.0.1", "RESOURCE_ID"],
    ["host@evil", "RESOURCE_ID"],
    ["a/b", "RESOURCE_ID"],
    ["a#b", "RESOURCE_ID"],
    ["2130706433", "RESOURCE_ID"],
    ["-leading", "RESOURCE_ID"],
  ])("refuses resource id %p", (resource, part) => {
    const parsed = parseCredentialString(`${resource}:gpt-4o|dep:key`);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.part).toBe(part);
  });

  test("a port in the resource id splits into too many parts and is refused", () => {
    const parsed = parseCredentialString("host:8080:gpt-4o|dep:key:2024-10-21");
    expect(parsed.ok).toBe(false);
  });

  test.each(["a/b", "..", ".", "a?b", "a%2Fb", "a#b", "a b"])("refuses deployment %p", (deployment) => {
    const parsed = parseCredentialString(`gpt1:gpt-4o|${deployment}:key`);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.part).toBe("DEPLOYMENT");
  });

  test("refuses a malformed api-version and an empty key", () => {
    expect(parseCredentialString("gpt1:m|d:key:yesterday")).toMatchObject({ ok: false, part: "API_VERSION" });
    expect(parseCredentialString("gpt1:m|d::2024-10-21")).toMatchObject({ ok: false, part: "AZURE_API_KEY" });
  });

  test("error messages never quote the key", () => {
    const secret = "f00dfeedcafebabe1234";
    for (const text of [`bad.host:m|d:${secret}`, `gpt1:m|d/x:${secret}`, `gpt1:m|d:${secret}:nope`, secret]) {
      const parsed = parseCredentialString(text);
      expect(parsed.ok).toBe(false);
      expect(JSON.stringify(parsed)).not.toContain(secret);
    }
  });
});
