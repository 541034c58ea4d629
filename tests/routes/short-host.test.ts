import { afterAll, beforeAll, expect, test } from "bun:test";
import { ALICE_TOKEN, serverKeyEnv, startHaigpt, startSimulator, type Haigpt, type Simulator } from "../support/harness.ts";
import { rawRequest } from "../support/raw-http.ts";
import { SHORT_HOST_ADMIN_TOKEN } from "../support/secrets.ts";

let azure: Simulator;
let haigpt: Haigpt;
beforeAll(async () => {
  azure = await startSimulator();
  haigpt = await startHaigpt({ ...serverKeyEnv(azure.url), HAIGPT_ADMIN_TOKEN: SHORT_HOST_ADMIN_TOKEN });
});
afterAll(async () => {
  await haigpt.stop();
  await azure.stop();
});

// A reverse proxy or health checker may pass a short Host; routing must not depend on its length.
test.each(["a", "api", "llm", "y:80", "localhost"])("Host: %p reaches /healthz, /readyz, /metrics and /v1/models", async (host) => {
  for (const [path, extra] of [
    ["/healthz", ""],
    ["/readyz", ""],
    ["/metrics", `authorization: Bearer ${SHORT_HOST_ADMIN_TOKEN}\r\n`],
    ["/v1/models?x=1", `authorization: Bearer ${ALICE_TOKEN}\r\n`],
  ] as const) {
    const answer = await rawRequest(haigpt.url, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}\r\n`);
    expect({ host, path, status: answer.status }).toEqual({ host, path, status: 200 });
  }
});

test("a POST with a body under a short Host is routed and answered", async () => {
  const body = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
  const answer = await rawRequest(
    haigpt.url,
    `POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nauthorization: Bearer ${ALICE_TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
  );
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body).object).toBe("chat.completion");
});
