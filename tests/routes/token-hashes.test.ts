import { afterAll, beforeAll, expect, test } from "bun:test";
import { sha256Hex } from "../../src/config/user-token-entries.ts";
import { PRIMARY_KEY, postJson, startHaigpt, startSimulator, upstreamCalls, type Haigpt, type Simulator } from "../support/harness.ts";
import { makeTempDir } from "../support/temp-files.ts";

const CAROL = "carol-token-5e1f0a9c3b7d2e84";
const DAVE = "dave-token-0a1b2c3d4e5f6789";
const tmp = makeTempDir();
let azure: Simulator;
let haigpt: Haigpt;
beforeAll(async () => {
  azure = await startSimulator();
  const path = tmp.write("hashed.json", {
    primaryApiKey: { resourceId: "primary-res", deployment: { "gpt-4o": "gpt4o-prod" }, apiKey: PRIMARY_KEY, apiVersion: "2024-10-21" },
    userTokens: [{ userId: "carol", tokenSha256: sha256Hex(CAROL) }, { userId: "dave", token: DAVE }],
  });
  haigpt = await startHaigpt({ HAIGPT_CONFIG: path, HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}` });
});
afterAll(async () => {
  await haigpt.stop();
  await azure.stop();
  tmp.cleanup();
});

const chat = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };

test("a user configured by the SHA-256 of the token is let in with the token itself", async () => {
  const completion = await haigpt.client(CAROL).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hashed" }] });
  expect(completion.choices[0]?.message.content).toContain("hashed");
  expect(haigpt.logs.some((line) => line.user === "carol" || line.userId === "carol")).toBe(true);
  const plain = await postJson(`${haigpt.baseURL}/chat/completions`, chat, { authorization: `Bearer ${DAVE}` });
  expect(plain.status).toBe(200);
});

test("the hash itself, or a near miss, is not a token", async () => {
  azure.sim.reset();
  for (const wrong of [sha256Hex(CAROL), `${CAROL}x`, CAROL.slice(0, -1)]) {
    const response = await postJson(`${haigpt.baseURL}/chat/completions`, chat, { authorization: `Bearer ${wrong}` });
    expect(response.status).toBe(401);
  }
  expect(upstreamCalls(azure.sim)).toHaveLength(0);
});
