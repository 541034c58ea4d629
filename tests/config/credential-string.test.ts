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

  test.each([
    ["the model list left out", "gpt1:0123456789abcdef0123456789abcdef:2024-10-21", "MODEL|DEPLOYMENT"],
    ["the model list left out, a short key", "gpt1:KEY:2024-10-21", "MODEL|DEPLOYMENT"],
    ["the model list left out, a v1 version", "gpt1:somekey:v1", "MODEL|DEPLOYMENT"],
    ["a key where the model list goes", "gpt1:0123456789abcdef0123456789abcdef:gpt-4o", "MODEL|DEPLOYMENT"],
    ["a long key where the model list goes", `gpt1:${"Ab1".repeat(28)}:x`, "MODEL|DEPLOYMENT"],
    ["a key as the deployment", "gpt1:gpt-4o|0123456789abcdef0123456789abcdef:x", "MODEL|DEPLOYMENT"],
    ["a model with a space", "gpt1:gpt 4o|dep:key", "MODEL|DEPLOYMENT"],
    ["a model with a slash", "gpt1:a/b|dep:key", "MODEL|DEPLOYMENT"],
    ["an empty model list", "gpt1::key", "MODEL|DEPLOYMENT"],
    ["an empty entry", "gpt1:gpt-4o,:key", "MODEL|DEPLOYMENT"],
    ["three bars", "gpt1:a|b|c:key", "MODEL|DEPLOYMENT"],
    ["too few parts", "gpt1:key", "format"],
    ["too many parts", "gpt1:m:key:2024-10-21:x", "format"],
  ])("refuses %s", (_name, text, part) => {
    const parsed = parseCredentialString(text);
    expect(parsed).toMatchObject({ ok: false, part });
  });

  test.each([
    ["gpt1:gpt-4o|dep,text-embedding-3-small|emb:key:2024-10-21", { "gpt-4o": "dep", "text-embedding-3-small": "emb" }],
    ["gpt1:gpt-35-turbo-instruct:key", { "gpt-35-turbo-instruct": "gpt-35-turbo-instruct" }],
    ["gpt1:whisper-1|whisper,dall-e-3|dalle3,tts-1|tts:key:2025-03-01-preview", { "whisper-1": "whisper", "dall-e-3": "dalle3", "tts-1": "tts" }],
    ["gpt1:o1.mini|o1_mini:key:preview", { "o1.mini": "o1_mini" }],
    // Long one-word deployment names are names, not keys.
    ["gpt1:gpt-4o|mycompanygpt4odeploymentprod:key", { "gpt-4o": "mycompanygpt4odeploymentprod" }],
  ])("accepts the model list of %p", (text, deployments) => {
    const parsed = parseCredentialString(text);
    expect(parsed.ok && parsed.value.deployments).toEqual(deployments);
  });

  test("error messages quote no part of the string, wherever the key was put", () => {
    const secret = "f00dfeedcafebabe1234";
    const texts = [
      `bad.host:m|d:${secret}`, `gpt1:m|d/x:${secret}`, `gpt1:m|d:${secret}:nope`, secret,
      `gpt1:${secret}:2024-10-21`, `gpt1:${secret}${secret}${secret}|d:k`, `gpt1:m|${secret}/x:k`, `gpt1:m|d:k:${secret}`,
      `gpt1:m ${secret}:k`, `${secret}.x:m:k`, `gpt1:m:k:${secret}:x`,
    ];
    for (const text of texts) {
      const parsed = parseCredentialString(text);
      expect(parsed.ok).toBe(false);
      expect(JSON.stringify(parsed)).not.toContain(secret);
    }
  });
});
