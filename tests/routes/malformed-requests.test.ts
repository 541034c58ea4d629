import { describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log.ts";
import { createObserver } from "../../src/observe/observer.ts";
import { ALICE_TOKEN, jsonOf, serverKeyEnv, startHaigpt, useServerKeyServers } from "../support/harness.ts";
import { rawRequest } from "../support/raw-http.ts";

const servers = useServerKeyServers();

const openAIShaped = { error: { message: expect.any(String), type: expect.any(String), param: null, code: expect.any(String) } };

describe("a malformed Host header", () => {
  test.each([
    ["[", ""],
    ["[", `authorization: Bearer ${ALICE_TOKEN}\r\n`],
    ["a b", ""],
    ["exa mple:80", `authorization: Bearer ${ALICE_TOKEN}\r\n`],
  ])("Host: %p is a 400 in the OpenAI shape, never an HTML page", async (hostHeader, extra) => {
    const answer = await rawRequest(servers.haigpt.url, `GET /v1/models HTTP/1.1\r\nHost: ${hostHeader}\r\n${extra}\r\n`);
    expect(answer.status).toBe(400);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(answer.body)).toEqual({ error: { ...openAIShaped.error, code: "invalid_host" } });
    expect(answer.headers["x-request-id"]).toBeTruthy();
  });

  test("a POST with a body and a malformed Host is refused the same way", async () => {
    const body = '{"model":"gpt-4o","messages":[]}';
    const answer = await rawRequest(
      servers.haigpt.url,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: [\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe("invalid_host");
  });
});

describe("paths and methods", () => {
  test("an unknown path is a 404", async () => {
    const answer = await rawRequest(servers.haigpt.url, `GET /v1/nothing HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ error: { message: "Invalid URL (GET /v1/nothing).", type: "not_found_error", param: null, code: "unknown_url" } });
  });

  test.each([
    ["GET", "/v1/chat/completions", "POST"],
    ["PUT", "/chat/completions", "POST"],
    ["DELETE", "/v1/models", "GET"],
    ["POST", "/v1/models/gpt-4o", "GET"],
    ["GET", "/openai/deployments/gpt4o-prod/chat/completions", "POST"],
    ["PATCH", "/healthz", "GET"],
  ])("%s %s is a 405 with Allow: %s", async (method, path, allow) => {
    const response = await fetch(`${servers.haigpt.url}${path}`, { method, headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect(await jsonOf(response)).toEqual({
      error: { message: `${method} is not allowed on ${path}; use ${allow}.`, type: "invalid_request_error", param: null, code: "method_not_allowed" },
    });
    expect(servers.azure.sim.requests).toHaveLength(0);
  });

  test("an Azure-shaped path naming an odd or very long deployment is a 404 that does not echo it", async () => {
    for (const deployment of ["d".repeat(5000), "x%3Cscript%3E"]) {
      const response = await fetch(`${servers.haigpt.url}/openai/deployments/${deployment}/chat/completions?api-version=2024-10-21`, {
        method: "POST",
        headers: { "api-key": ALICE_TOKEN, "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
      });
      expect(response.status).toBe(404);
      const { error } = await jsonOf(response);
      expect(error.code).toBe("DeploymentNotFound");
      expect(error.message).toContain("The deployment in the URL is not served");
      expect(error.message.length).toBeLessThan(300);
    }
  });

  test("a very long unknown path is not echoed whole", async () => {
    const path = `/v1/${"p".repeat(5000)}`;
    const response = await fetch(`${servers.haigpt.url}${path}`);
    expect(response.status).toBe(404);
    expect((await jsonOf(response)).error.message.length).toBeLessThan(300);
  });
});

test("when the error handler itself fails, the answer is still OpenAI-shaped JSON", async () => {
  // The error handler hands every refusal to the request's record; a record store that throws makes it fail.
  const observer = createObserver(createLogger("silent"));
  const failing = { ...observer, recordOf: () => { throw new Error("record store broke"); } };
  const local = await startHaigpt(serverKeyEnv(servers.azure.url), { deps: { observer: failing } });
  const original = console.error;
  console.error = () => {};
  try {
    const response = await fetch(`${local.url}/v1/nothing`);
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/json");
    const text = await response.text();
    expect(text).not.toContain("<");
    expect(JSON.parse(text)).toEqual({ error: { ...openAIShaped.error, type: "server_error", code: "internal_error" } });
  } finally {
    console.error = original;
    await local.stop();
  }
});
