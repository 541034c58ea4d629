// Routing, api-version, resource, key and deployment checks of the simulator (AZURE-FACTS §1, §2, §5).

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { buildChatBody, buildChatPath, KEY, readJson, SECONDARY_KEY, startHarness, type Harness } from "./sim-helpers.ts";

const RESOURCE_NOT_FOUND = { error: { code: "404", message: "Resource not found" } };
const DEPLOYMENT_NOT_FOUND = {
  error: {
    code: "DeploymentNotFound",
    message: "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
  },
};
const INVALID_KEY = {
  error: {
    code: "401",
    message:
      "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
  },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.stop());
beforeEach(() => h.sim.reset());

describe("404 Resource not found", () => {
  test("missing api-version", async () => {
    const res = await h.post("/primary/openai/deployments/gpt-4o/chat/completions", buildChatBody("hi"));
    expect(res.status).toBe(404);
    expect(await readJson(res)).toEqual(RESOURCE_NOT_FOUND);
  });

  test("unknown path, extra slash and unknown resource", async () => {
    for (const path of ["/primary/openai/deployments/gpt-4o/chat/complete?api-version=2024-10-21", "/primary/openai/deployments/gpt-4o/chat/completions/?api-version=2024-10-21", buildChatPath("2024-10-21", "nowhere")]) {
      const res = await h.post(path, buildChatBody("hi"));
      expect(res.status).toBe(404);
      expect(await readJson(res)).toEqual(RESOURCE_NOT_FOUND);
    }
  });

  test("audio/speech on a GA api-version, responses on a pre-2025-03-01 preview", async () => {
    const speech = await h.post("/primary/openai/deployments/tts/audio/speech?api-version=2024-10-21", { input: "hi", voice: "alloy" });
    expect(speech.status).toBe(404);
    expect(await readJson(speech)).toEqual(RESOURCE_NOT_FOUND);
    const responses = await h.post("/primary/openai/responses?api-version=2025-02-01-preview", { model: "gpt-4o", input: "hi" });
    expect(responses.status).toBe(404);
    expect(await readJson(responses)).toEqual(RESOURCE_NOT_FOUND);
  });
});

describe("auth", () => {
  test("wrong key gives the 401 bad-key body; another resource's key is wrong too", async () => {
    for (const key of ["nope", SECONDARY_KEY]) {
      const res = await h.post(buildChatPath(), buildChatBody("hi"), { "api-key": key });
      expect(res.status).toBe(401);
      expect(await readJson(res)).toEqual(INVALID_KEY);
    }
  });

  test("Authorization: Bearer <key> is accepted instead of api-key", async () => {
    const res = await fetch(h.server.url + buildChatPath(), {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify(buildChatBody("hi")),
    });
    expect(res.status).toBe(200);
  });
});

test("unknown deployment gives 404 DeploymentNotFound on the dated and v1 surfaces", async () => {
  const dated = await h.post(buildChatPath("2024-10-21", "primary", "gpt-5"), buildChatBody("hi"));
  expect(dated.status).toBe(404);
  expect(await readJson(dated)).toEqual(DEPLOYMENT_NOT_FOUND);
  const v1 = await h.post("/primary/openai/v1/chat/completions", { model: "gpt-5", ...buildChatBody("hi") });
  expect(v1.status).toBe(404);
  expect(await readJson(v1)).toEqual(DEPLOYMENT_NOT_FOUND);
});

test("paths without a resource prefix use defaultResource", async () => {
  const res = await h.post("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21", buildChatBody("hi"));
  expect(res.status).toBe(200);
  expect(h.sim.requests[0]?.resource).toBe("primary");
});

test("v1 surface: no api-version needed, v1/preview/latest accepted, others 404", async () => {
  for (const query of ["", "?api-version=v1", "?api-version=preview", "?api-version=latest"]) {
    const res = await h.post(`/primary/openai/v1/chat/completions${query}`, { model: "gpt-4o", ...buildChatBody("hi") });
    expect(res.status).toBe(200);
  }
  const bad = await h.post("/primary/openai/v1/chat/completions?api-version=2024-10-21", { model: "gpt-4o", ...buildChatBody("hi") });
  expect(bad.status).toBe(404);
});

test("every request is recorded with its routing facts", async () => {
  await h.post(`${buildChatPath("2024-10-21", "secondary")}&x=1`, buildChatBody("recorded"), { "api-key": SECONDARY_KEY, "X-Custom": "Yes" });
  await h.post("/primary/openai/v1/embeddings", { model: "emb", input: "a" });
  await h.post("/primary/openai/nothing-here", {});
  const [first, second, third] = h.sim.requests;
  expect(first).toMatchObject({
    seq: 1, resource: "secondary", deployment: "gpt-4o", surface: "deployments", operation: "chat/completions",
    method: "POST", path: "/secondary/openai/deployments/gpt-4o/chat/completions", search: "?api-version=2024-10-21&x=1",
    body: buildChatBody("recorded"), aborted: false, completed: true,
  });
  expect(first?.headers["x-custom"]).toBe("Yes");
  expect(JSON.parse(first?.bodyText ?? "")).toEqual(buildChatBody("recorded"));
  expect(second).toMatchObject({ seq: 2, surface: "v1", operation: "embeddings", deployment: "emb" });
  expect(third).toMatchObject({ seq: 3, surface: "unrouted" });
});

test("Azure headers on answers and errors", async () => {
  const ok = await h.post(buildChatPath(), buildChatBody("hi"), { "x-ms-client-request-id": "client-1" });
  const missing = await h.post("/primary/openai/deployments/gpt-4o/chat/completions", buildChatBody("hi"));
  for (const res of [ok, missing]) {
    expect(res.headers.get("apim-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-ms-region")).toBe("Sweden Central");
  }
  expect(ok.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  expect(ok.headers.get("x-ms-client-request-id")).toBe("client-1");
  expect(ok.headers.get("x-ratelimit-remaining-requests")).not.toBeNull();
  expect(ok.headers.get("x-ratelimit-remaining-tokens")).not.toBeNull();
  expect(ok.headers.get("cache-control")).toBe("no-cache, must-revalidate");
});
