import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { corsHeaders } from "../../src/routes/cors.ts";
import { ALICE_TOKEN, postJson, serverKeyEnv, startHaigpt, startSimulator, type Haigpt, type Simulator } from "../support/harness.ts";

let azure: Simulator;
let haigpt: Haigpt;
beforeAll(async () => {
  azure = await startSimulator();
  haigpt = await startHaigpt(serverKeyEnv(azure.url));
});
afterAll(async () => {
  await haigpt.stop();
  await azure.stop();
});

describe("CORS for browser chat UIs", () => {
  test("a preflight is answered without auth, allowing the headers asked for", async () => {
    const response = await fetch(`${haigpt.baseURL}/chat/completions`, {
      method: "OPTIONS",
      headers: { origin: "https://chat.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, x-stainless-os" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toBe("authorization, content-type, x-stainless-os");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
  });

  test("answers (errors included) let the browser read haigpt's headers", async () => {
    const ok = await postJson(`${haigpt.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${ALICE_TOKEN}`, origin: "https://chat.example" });
    expect(ok.headers.get("access-control-allow-origin")).toBe("*");
    expect(ok.headers.get("access-control-expose-headers")).toContain("x-haigpt-upstream");
    const refused = await postJson(`${haigpt.baseURL}/chat/completions`, {}, { origin: "https://chat.example" });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
  });

  test("HAIGPT_CORS_ORIGINS narrows the origins, or turns CORS off", async () => {
    expect(corsHeaders("https://a.example", "https://a.example, https://b.example")["access-control-allow-origin"]).toBe("https://a.example");
    expect(corsHeaders("https://evil.example", "https://a.example")["access-control-allow-origin"]).toBeUndefined();
    expect(corsHeaders("https://a.example", "off")).toEqual({});
    expect(corsHeaders(null, "*")).toEqual({});
    const narrow = await startHaigpt({ ...serverKeyEnv(azure.url), HAIGPT_CORS_ORIGINS: "https://a.example" });
    try {
      const preflight = await fetch(`${narrow.baseURL}/models`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await narrow.stop();
    }
  });
});
