import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { findCorsProblem } from "../../src/config/cors-setting.ts";
import { corsHeaders } from "../../src/routes/cors.ts";
import { ALICE_TOKEN, PRIMARY_KEY, jsonOf, postJson, upstreamCalls, serverKeyEnv, startHaigpt, useServerKeyServers } from "../support/harness.ts";

const servers = useServerKeyServers();

describe("CORS for browser chat UIs", () => {
  test("a preflight is answered without auth, allowing the headers asked for", async () => {
    const response = await fetch(`${servers.haigpt.baseURL}/chat/completions`, {
      method: "OPTIONS",
      headers: { origin: "https://chat.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, x-stainless-os" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toBe("authorization, content-type, x-stainless-os");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
  });

  test("answers (errors included) let the browser read haigpt's headers", async () => {
    const ok = await postJson(`${servers.haigpt.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${ALICE_TOKEN}`, origin: "https://chat.example" });
    expect(ok.headers.get("access-control-allow-origin")).toBe("*");
    expect(ok.headers.get("access-control-expose-headers")).toContain("x-haigpt-upstream");
    const refused = await postJson(`${servers.haigpt.baseURL}/chat/completions`, {}, { origin: "https://chat.example" });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
  });

  test("HAIGPT_CORS_ORIGINS narrows the origins, or turns CORS off", async () => {
    expect(corsHeaders("https://a.example", "https://a.example, https://b.example")["access-control-allow-origin"]).toBe("https://a.example");
    expect(corsHeaders("https://evil.example", "https://a.example")).toEqual({});
    expect(corsHeaders("https://a.example", "off")).toEqual({});
    expect(corsHeaders(null, "*")).toEqual({});
    const narrow = await startHaigpt({ ...serverKeyEnv(servers.azure.url), HAIGPT_CORS_ORIGINS: "https://a.example" });
    try {
      const preflight = await fetch(`${narrow.baseURL}/models`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await narrow.stop();
    }
  });

  test("the exposed headers include retry-after, x-request-id and every x-haigpt header", async () => {
    const ok = await postJson(`${servers.haigpt.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${ALICE_TOKEN}`, origin: "https://chat.example" });
    const exposed = (ok.headers.get("access-control-expose-headers") ?? "").split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(["retry-after", "retry-after-ms", "x-request-id"]));
    const haigptHeaders = [...ok.headers.keys()].filter((name) => name.startsWith("x-haigpt-"));
    expect(haigptHeaders.length).toBeGreaterThan(0);
    expect(exposed).toEqual(expect.arrayContaining([...haigptHeaders, "x-haigpt-dropped-params"]));
  });

  test("an origin not listed gets no CORS headers at all, and its requests are refused before the body is read", async () => {
    const narrow = await startHaigpt({ ...serverKeyEnv(servers.azure.url), HAIGPT_CORS_ORIGINS: "https://a.example" });
    try {
      const preflight = await fetch(`${narrow.baseURL}/chat/completions`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
      expect(preflight.status).toBe(403);
      expect([...preflight.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
      expect((await jsonOf(preflight)).error.code).toBe("origin_not_allowed");
      // A multipart POST is a "simple" request: the browser sends it without asking first.
      const form = new FormData();
      form.append("model", "whisper-1");
      form.append("file", new Blob([new Uint8Array(10)]), "a.wav");
      const upload = await fetch(`${narrow.baseURL}/audio/transcriptions`, { method: "POST", headers: { authorization: `Bearer ${ALICE_TOKEN}`, origin: "https://evil.example" }, body: form });
      expect(upload.status).toBe(403);
      expect([...upload.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
      const listed = await fetch(`${narrow.baseURL}/models`, { headers: { authorization: `Bearer ${ALICE_TOKEN}`, origin: "https://a.example" } });
      expect(listed.status).toBe(200);
      expect(listed.headers.get("access-control-allow-origin")).toBe("https://a.example");
      const noOrigin = await fetch(`${narrow.baseURL}/models`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
      expect(noOrigin.status).toBe(200);
    } finally {
      await narrow.stop();
    }
  });

  test("anonymous mode: CORS is off unless set, so a page's text/plain or JSON post spends nothing", async () => {
    const anonymous = await startHaigpt({
      HAIGPT_AZURE_ENDPOINT: `${servers.azure.url}/{resourceId}`,
      PrimaryApiKey: `primary-res:gpt-4o|gpt4o-prod:${PRIMARY_KEY}:2024-10-21`,
      HAIGPT_ALLOW_ANONYMOUS: "true",
    });
    try {
      servers.azure.sim.reset();
      const body = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "spend" }] });
      const preflight = await fetch(`${anonymous.baseURL}/chat/completions`, { method: "OPTIONS", headers: { origin: "https://any.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
      for (const contentType of ["text/plain;charset=UTF-8", "application/json"]) {
        const post = await fetch(`${anonymous.baseURL}/chat/completions`, { method: "POST", headers: { origin: "https://any.example", "content-type": contentType }, body });
        expect(post.status).toBe(403);
        expect(post.headers.get("access-control-allow-origin")).toBeNull();
      }
      expect(upstreamCalls(servers.azure.sim)).toHaveLength(0);
      const server = await postJson(`${anonymous.baseURL}/chat/completions`, body);
      expect(server.status).toBe(200);
    } finally {
      await anonymous.stop();
    }
  });

  test("anonymous mode with CORS set explicitly starts with a warning; a malformed setting stops start-up", async () => {
    const env = { PrimaryApiKey: `primary-res:gpt-4o:${PRIMARY_KEY}`, HAIGPT_ALLOW_ANONYMOUS: "true" };
    const load = (extra: Record<string, string>) => loadConfig({ env: { ...env, ...extra }, argv: [], defaultConfigPath: "/nonexistent/haigpt.json" });
    expect((await load({})).config.corsOrigins).toBe("off");
    expect((await load({})).warnings).toEqual([]);
    const open = await load({ HAIGPT_CORS_ORIGINS: "*" });
    expect(open.config.corsOrigins).toBe("*");
    expect(open.warnings.join("\n")).toContain("anonymous mode");
    const withTokens = await loadConfig({ env: { ...env, UserTokens: `alice|${ALICE_TOKEN}` }, argv: [], defaultConfigPath: "/nonexistent/haigpt.json" });
    expect(withTokens.config.corsOrigins).toBe("*");
    const error = await load({ HAIGPT_CORS_ORIGINS: "https://a.example/path" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain("HAIGPT_CORS_ORIGINS");
  });

  test.each([
    ["*", null],
    ["off", null],
    ["https://a.example, http://localhost:5173", null],
    ["https://a.example/", "entry"],
    ["a.example", "entry"],
    ["https://*.example", "entry"],
    ["*, https://a.example", "entry"],
  ])("findCorsProblem(%p)", (setting, problem) => {
    const found = findCorsProblem(setting);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });
});
