import { afterAll, beforeAll, expect, test } from "bun:test";
import { PRIMARY_KEY, jsonOf, postJson, startHaigpt, startSimulator, type Haigpt, type Simulator } from "../support/harness.ts";
import { runToExit } from "../support/process.ts";

let azure: Simulator;
let proxy: Haigpt;
beforeAll(async () => {
  azure = await startSimulator();
  proxy = await startHaigpt({ HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}` });
});
afterAll(async () => {
  await proxy.stop();
  await azure.stop();
});

const chat = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };

test("a PrimaryApiKey without its model list stops start-up, and the key is printed nowhere", async () => {
  const run = await runToExit({
    PrimaryApiKey: `primary-res:${PRIMARY_KEY}:2024-10-21`,
    HAIGPT_ALLOW_ANONYMOUS: "true",
    PORT: "0",
    HOST: "127.0.0.1",
  });
  expect(run.code).not.toBe(0);
  expect(run.output).toContain("PrimaryApiKey");
  expect(run.output).toContain("model list");
  expect(run.output).not.toContain(PRIMARY_KEY);
  expect(run.output).not.toContain("listening");
});

test.each([
  ["no model list", `primary-res:${PRIMARY_KEY}:2024-10-21`],
  ["the key in the model list", `primary-res:${PRIMARY_KEY}:gpt-4o`],
  ["the key as a deployment", `primary-res:gpt-4o|${PRIMARY_KEY}:k`],
  ["the key where the api-version goes", `primary-res:gpt-4o|gpt4o-prod:x:${PRIMARY_KEY}`],
  ["the key in a malformed entry", `primary-res:gpt-4o|${PRIMARY_KEY}/x:k`],
])("a pure-proxy client's credential string with %s is a 401 that does not quote it", async (_name, credential) => {
  const response = await postJson(`${proxy.baseURL}/chat/completions`, chat, { authorization: `Bearer ${credential}` });
  expect(response.status).toBe(401);
  const text = await response.text();
  expect(JSON.parse(text).error.code).toBe("invalid_api_key");
  expect(text).not.toContain(PRIMARY_KEY);
  expect(JSON.stringify(proxy.logs)).not.toContain(PRIMARY_KEY);
  expect(azure.sim.requests).toHaveLength(0);
});

test("a well-formed credential string still works", async () => {
  const response = await postJson(`${proxy.baseURL}/chat/completions`, chat, {
    authorization: `Bearer primary-res:gpt-4o|gpt4o-prod:${PRIMARY_KEY}:2024-10-21`,
  });
  expect(response.status).toBe(200);
  expect((await jsonOf(response)).choices[0].message.content).toContain("gpt4o-prod");
});
