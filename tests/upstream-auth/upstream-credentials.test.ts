// Entra and managed-identity tokens for upstreams, against the simulator's local Entra ID.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { Upstream } from "../../src/routing/upstream.ts";
import { requestClientCredentialsToken, tokenEndpoint, type ClientCredentials } from "../../src/upstream-auth/client-credentials.ts";
import { IMDS_TOKEN_URL, managedIdentityRequest, requestManagedIdentityToken } from "../../src/upstream-auth/managed-identity.ts";
import { upstreamAuthFailedError } from "../../src/upstream-auth/upstream-auth-error.ts";
import { createUpstreamCredentials } from "../../src/upstream-auth/upstream-credentials.ts";
import { buildChatBody, buildChatPath, createTestOptions, startHarness, type Harness } from "../simulator/sim-helpers.ts";

const TENANT = "contoso.onmicrosoft.com";
import { GRANT_CLIENT_SECRET as SECRET } from "../support/secrets.ts";
const IDENTITY_HEADER = "identity-header-value";

let h: Harness;
beforeAll(async () => {
  const options = createTestOptions();
  options.resources["keyless"] = { keys: [], auth: "entra", deployments: { "gpt-4o": { model: "gpt-4o-2024-08-06" } } };
  options.entra = { tenants: { [TENANT]: { "app-1": SECRET } }, identityHeader: IDENTITY_HEADER };
  h = await startHarness(options);
});
afterAll(() => h.server.stop());
beforeEach(() => h.sim.reset());

const now = () => Date.now();
const realFetch = (input: string | URL | Request, init?: RequestInit) => fetch(input, init);

function entraUpstream(clientSecret = SECRET): Upstream {
  return {
    name: "paygo-swe", resourceId: "keyless", endpoint: `${h.server.url}/keyless`, apiVersion: "2024-10-21",
    deployments: { "gpt-4o": "gpt-4o" }, priority: 1, weight: 1, source: "test",
    auth: { type: "entra", tenantId: TENANT, clientId: "app-1", clientSecret, authorityHost: h.server.url },
  };
}

function grant(clientSecret = SECRET): ClientCredentials {
  return { tenantId: TENANT, clientId: "app-1", clientSecret, authorityHost: h.server.url };
}

function miUpstream(): Upstream {
  return { ...entraUpstream(), name: "mi", auth: { type: "managedIdentity" } };
}

async function chatWith(headers: Readonly<Record<string, string>>): Promise<Response> {
  return fetch(`${h.server.url}${buildChatPath("2024-10-21", "keyless")}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(buildChatBody("hi")),
  });
}

describe("client-credentials grant", () => {
  test("posts the form to {authorityHost}/{tenantId}/oauth2/v2.0/token and gets a token the resource accepts", async () => {
    expect(tokenEndpoint({ authorityHost: "https://login.microsoftonline.us", tenantId: TENANT }))
      .toBe("https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token");
    const credentials = createUpstreamCredentials({ fetch: realFetch, now, env: {} });
    const auth = await credentials.headersFor(entraUpstream());
    if (!auth.ok) throw new Error(auth.failure.detail);
    expect(Object.keys(auth.headers)).toEqual(["authorization"]);
    expect((await chatWith(auth.headers)).status).toBe(200);
  });

  test("a wrong secret is a typed refusal without the secret in it", async () => {
    const result = await requestClientCredentialsToken(grant("wrong-secret-abcdef"), { fetch: realFetch, now });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({ kind: "refused", status: 401, error: "invalid_client", aadsts: "AADSTS7000215" });
    expect(JSON.stringify(result.failure)).not.toContain("wrong-secret-abcdef");
  });

  test("an endpoint that echoes the secret does not get it into the failure", async () => {
    const echo = async (_input: string | URL | Request, init?: RequestInit) => {
      const secret = new URLSearchParams(String(init?.body)).get("client_secret");
      return Response.json({ error: "invalid_client", error_description: `AADSTS7000215: bad secret ${secret}` }, { status: 401 });
    };
    const result = await requestClientCredentialsToken(grant(), { fetch: echo, now });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  test("an unreachable or silent endpoint is an `unreachable` failure", async () => {
    const refused = async () => {
      throw new TypeError("Unable to connect. Is the computer able to access the url?");
    };
    const silent = async () => {
      throw new DOMException("The operation timed out.", "TimeoutError");
    };
    for (const fetchImpl of [refused, silent]) {
      const result = await requestClientCredentialsToken(grant(), { fetch: fetchImpl, now });
      expect(result.ok ? null : result.failure.kind).toBe("unreachable");
    }
  });
});

describe("single flight", () => {
  test("concurrent requests share one token request, and later ones use the cache", async () => {
    h.sim.entra.setFault({ gate: "token" });
    const credentials = createUpstreamCredentials({ fetch: realFetch, now, env: {} });
    const pending = Array.from({ length: 20 }, () => credentials.headersFor(entraUpstream()));
    while (h.sim.entra.tokenRequests < 1) await Bun.sleep(1);
    h.sim.release("token");
    const results = await Promise.all(pending);
    expect(new Set(results.map((r) => (r.ok ? r.headers.authorization : "failed"))).size).toBe(1);
    await credentials.headersFor(entraUpstream());
    expect(h.sim.entra.tokenRequests).toBe(1);
  });
});

describe("a refusing token endpoint", () => {
  test("gives a failure the proxy turns into 502 upstream_auth_failed naming the upstream", async () => {
    const credentials = createUpstreamCredentials({ fetch: realFetch, now, env: {} });
    const auth = await credentials.headersFor(entraUpstream("wrong-secret-abcdef"));
    if (auth.ok) throw new Error("accepted a wrong secret");
    const error = upstreamAuthFailedError("paygo-swe", auth.failure);
    const response = error.toResponse();
    expect(response.status).toBe(502);
    expect(response.headers.get("x-should-retry")).toBe("false");
    const body = (await response.json()) as any;
    expect(body.error).toMatchObject({ type: "server_error", code: "upstream_auth_failed", param: null });
    expect(body.error.message).toContain('Azure upstream "paygo-swe"');
    expect(body.error.message).toContain("HTTP 401, invalid_client, AADSTS7000215");
    expect(JSON.stringify(body)).not.toContain("wrong-secret-abcdef");
  });

  test("warm-up reports each failing upstream by name (for a start-up warning)", async () => {
    h.sim.entra.setFault({ refuse: "unavailable" });
    const credentials = createUpstreamCredentials({ fetch: realFetch, now, env: {} });
    const failures = await credentials.warmUp([entraUpstream(), { ...entraUpstream(), name: "keyed", auth: { type: "apiKey", apiKey: "k" } }]);
    expect(failures.map((f) => [f.name, f.failure.kind, f.failure.status])).toEqual([["paygo-swe", "refused", 503]]);
  });

  test("an unreachable endpoint is a 502 that does not tell clients to stop retrying", () => {
    const response = upstreamAuthFailedError("x", { kind: "unreachable", detail: "down" }).toResponse();
    expect(response.status).toBe(502);
    expect(response.headers.get("x-should-retry")).toBeNull();
  });
});

describe("managed identity", () => {
  test("from the instance metadata service (its address injected), with Metadata: true", async () => {
    const imdsUrl = `${h.server.url}/metadata/identity/oauth2/token`;
    const credentials = createUpstreamCredentials({ fetch: realFetch, now, env: {}, imdsUrl });
    const auth = await credentials.headersFor(miUpstream());
    if (!auth.ok) throw new Error(auth.failure.detail);
    expect((await chatWith(auth.headers)).status).toBe(200);
  });

  test("from App Service's endpoint when IDENTITY_ENDPOINT and IDENTITY_HEADER are set", async () => {
    const env = { IDENTITY_ENDPOINT: `${h.server.url}/msi/token`, IDENTITY_HEADER: IDENTITY_HEADER };
    const result = await requestManagedIdentityToken(undefined, { fetch: realFetch, now, env, imdsUrl: "http://127.0.0.1:9/never" });
    if (!result.ok) throw new Error(result.failure.detail);
    expect(result.token.expiresAt).toBeGreaterThan(Date.now());
    expect((await chatWith({ authorization: `Bearer ${result.token.token}` })).status).toBe(200);
  });

  test("request shapes: IMDS 2018-02-01 by default, App Service 2019-08-01, client_id for a user-assigned identity", () => {
    const imds = managedIdentityRequest("mi-client", { env: {} });
    expect(imds.url).toBe(`${IMDS_TOKEN_URL}?api-version=2018-02-01&resource=https%3A%2F%2Fcognitiveservices.azure.com%2F&client_id=mi-client`);
    expect(IMDS_TOKEN_URL).toBe("http://169.254.169.254/metadata/identity/oauth2/token");
    expect(imds.headers).toEqual({ Metadata: "true" });
    const app = managedIdentityRequest(undefined, { env: { IDENTITY_ENDPOINT: "http://127.0.0.1:41/msi/token", IDENTITY_HEADER: "h" } });
    expect(app).toEqual({
      url: "http://127.0.0.1:41/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fcognitiveservices.azure.com%2F",
      headers: { "X-IDENTITY-HEADER": "h" },
    });
  });
});

test("API-key upstreams authenticate with api-key and ask no token endpoint", async () => {
  const credentials = createUpstreamCredentials({ fetch: realFetch, now, env: {} });
  const auth = await credentials.headersFor({ ...entraUpstream(), auth: { type: "apiKey", apiKey: "the-key" } });
  expect(auth).toEqual({ ok: true, headers: { "api-key": "the-key" } });
  expect(h.sim.entra.tokenRequests).toBe(0);
});
