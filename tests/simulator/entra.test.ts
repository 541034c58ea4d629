// The simulator's local Entra ID (client credentials, managed identity) and per-resource token auth.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { buildChatBody, buildChatPath, createTestOptions, KEY, readJson, startHarness, type Harness } from "./sim-helpers.ts";

const TENANT = "contoso.onmicrosoft.com";
const SCOPE = "https://cognitiveservices.azure.com/.default";
const KEY_AUTH_DISABLED = { error: { code: "AuthenticationTypeDisabled", message: "Key based authentication is disabled for this resource." } };
const ENTRA_UNAUTHORIZED = {
  statusCode: 401,
  message: "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.",
};

let h: Harness;
beforeAll(async () => {
  const options = createTestOptions();
  options.resources["keyless"] = { keys: [], auth: "entra", deployments: { "gpt-4o": { model: "gpt-4o-2024-08-06" } } };
  options.resources["mixed"] = { keys: ["mixed-key"], auth: "both", deployments: { "gpt-4o": { model: "gpt-4o-2024-08-06" } } };
  options.entra = { tenants: { [TENANT]: { "app-1": "right-secret" } }, identityHeader: "id-header" };
  h = await startHarness(options);
});
afterAll(() => h.server.stop());
beforeEach(() => h.sim.reset());

function requestToken(fields: Record<string, string>, tenant = TENANT): Promise<Response> {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: "app-1", client_secret: "right-secret", scope: SCOPE, ...fields });
  return fetch(`${h.server.url}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
}

async function issuedToken(fields: Record<string, string> = {}): Promise<string> {
  const res = await requestToken(fields);
  expect(res.status).toBe(200);
  return (await readJson(res)).access_token;
}

const chatWith = (resource: string, headers: Record<string, string>) =>
  h.post(buildChatPath("2024-10-21", resource), buildChatBody("hi"), { "api-key": "", ...headers });

describe("token endpoint (client credentials)", () => {
  test("issues a bearer token with Entra's answer shape", async () => {
    const res = await requestToken({});
    const body = await readJson(res);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    expect(body.access_token).toMatch(/^sim-entra-/);
    expect(h.sim.entra.tokenRequests).toBe(1);
  });

  test("refuses a wrong secret with 401 invalid_client AADSTS7000215, never echoing the secret", async () => {
    const res = await requestToken({ client_secret: "wrong-secret-123" });
    expect(res.status).toBe(401);
    const body = await readJson(res);
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    expect(body.error_description).toStartWith("AADSTS7000215: Invalid client secret provided.");
    expect(JSON.stringify(body)).not.toContain("wrong-secret-123");
  });

  test("refuses an unknown client, an unknown tenant and other grants", async () => {
    expect(await readJson(await requestToken({ client_id: "app-9" }))).toMatchObject({ error: "unauthorized_client", error_codes: [700016] });
    expect(await readJson(await requestToken({}, "other-tenant"))).toMatchObject({ error: "invalid_request", error_codes: [90002] });
    expect(await readJson(await requestToken({ grant_type: "password" }))).toMatchObject({ error: "unsupported_grant_type" });
  });

  test("faults: refuse every request, answer 503, or hold answers at a gate", async () => {
    h.sim.entra.setFault({ refuse: "invalid_client" });
    expect((await requestToken({})).status).toBe(401);
    h.sim.entra.setFault({ refuse: "unavailable" });
    const busy = await requestToken({});
    expect(busy.status).toBe(503);
    expect(await readJson(busy)).toMatchObject({ error: "temporarily_unavailable" });
    h.sim.entra.setFault({ gate: "token" });
    let settled = false;
    const held = requestToken({}).then((res) => ((settled = true), res));
    while (h.sim.entra.tokenRequests < 3) await Bun.sleep(1);
    // A held answer cannot be awaited; give an unheld one ample time to arrive, then check none did.
    await Bun.sleep(50);
    expect(settled).toBe(false);
    h.sim.release("token");
    expect((await held).status).toBe(200);
  });
});

describe("managed identity endpoints", () => {
  test("IMDS needs Metadata: true and answers expires_on as epoch seconds", async () => {
    const url = `${h.server.url}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://cognitiveservices.azure.com/`;
    expect((await fetch(url)).status).toBe(400);
    const res = await fetch(url, { headers: { Metadata: "true" } });
    const body = await readJson(res);
    expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000);
    expect((await chatWith("keyless", { authorization: `Bearer ${body.access_token}` })).status).toBe(200);
  });

  test("App Service's endpoint needs the identity header", async () => {
    const url = `${h.server.url}/msi/token?api-version=2019-08-01&resource=https://cognitiveservices.azure.com/`;
    expect((await fetch(url, { headers: { "X-IDENTITY-HEADER": "wrong" } })).status).toBe(400);
    expect((await fetch(url, { headers: { "X-IDENTITY-HEADER": "id-header" } })).status).toBe(200);
  });
});

describe("per-resource auth", () => {
  test("a resource with key auth off accepts its issued tokens and refuses api-key with 403", async () => {
    const token = await issuedToken();
    expect((await chatWith("keyless", { authorization: `Bearer ${token}` })).status).toBe(200);
    const keyed = await chatWith("keyless", { "api-key": KEY });
    expect(keyed.status).toBe(403);
    expect(await readJson(keyed)).toEqual(KEY_AUTH_DISABLED);
  });

  test("tokens it did not issue, or for another audience, get the unwrapped 401", async () => {
    for (const token of ["made-up-token", await issuedToken({ scope: "https://graph.microsoft.com/.default" })]) {
      const res = await chatWith("keyless", { authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(await readJson(res)).toEqual(ENTRA_UNAUTHORIZED);
    }
    expect(await readJson(await chatWith("keyless", {}))).toEqual(ENTRA_UNAUTHORIZED);
  });

  test("a key-only resource does not take Entra tokens; a resource with both takes either", async () => {
    const token = await issuedToken();
    expect((await chatWith("primary", { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await chatWith("mixed", { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await chatWith("mixed", { "api-key": "mixed-key" })).status).toBe(200);
  });

  test("an expired token is refused", async () => {
    const options = createTestOptions();
    options.resources["keyless"] = { keys: [], auth: "entra", deployments: { "gpt-4o": { model: "gpt-4o-2024-08-06" } } };
    options.entra = { tenants: { [TENANT]: { "app-1": "right-secret" } }, tokenLifetimeSeconds: 0 };
    const short = await startHarness(options);
    try {
      const form = new URLSearchParams({ grant_type: "client_credentials", client_id: "app-1", client_secret: "right-secret", scope: SCOPE });
      const token = (await readJson(await fetch(`${short.server.url}/${TENANT}/oauth2/v2.0/token`, { method: "POST", body: form }))).access_token;
      const res = await short.post(buildChatPath("2024-10-21", "keyless"), buildChatBody("hi"), { "api-key": "", authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
    } finally {
      short.server.stop();
    }
  });
});
