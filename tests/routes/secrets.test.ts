import { afterAll, beforeAll, expect, test } from "bun:test";
import { ALICE_TOKEN, BOB_TOKEN, PRIMARY_KEY, SECONDARY_KEY, postJson, serverKeyEnv, startHaigpt, startSimulator, type Haigpt, type Simulator } from "../support/harness.ts";

let azure: Simulator;
let tokens: Haigpt;
let proxy: Haigpt;
const CLIENT_KEY = "9f9f9f9f8e8e8e8e7d7d7d7d6c6c6c6c";

beforeAll(async () => {
  azure = await startSimulator();
  tokens = await startHaigpt(serverKeyEnv(azure.url));
  proxy = await startHaigpt({ HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}` });
});
afterAll(async () => {
  await tokens.stop();
  await proxy.stop();
  await azure.stop();
});

test("no key or token appears in any answer, header or log line, whatever happens", async () => {
  const seen: string[] = [];
  const record = async (response: Response) => {
    seen.push(JSON.stringify([...response.headers]), await response.text());
  };
  const chat = (content: string, stream = false) => ({ model: "gpt-4o", stream, messages: [{ role: "user", content }] });
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

  for (const content of ["hello", "sim:429*1", "sim:filter-prompt@primary-res", "sim:500", "sim:401", "sim:filter-output"]) {
    await record(await postJson(`${tokens.baseURL}/chat/completions`, chat(content), bearer(ALICE_TOKEN)));
    await record(await postJson(`${tokens.baseURL}/chat/completions`, chat(content, true), bearer(BOB_TOKEN)));
  }
  await record(await postJson(`${tokens.baseURL}/chat/completions`, chat("hi"), bearer(`${ALICE_TOKEN}x`)));
  await record(await postJson(`${tokens.baseURL}/chat/completions`, chat("hi"), bearer(`primary-res:gpt-4o|gpt4o-prod:${PRIMARY_KEY}`)));
  await record(await postJson(`${tokens.baseURL}/chat/completions`, "{bad json", bearer(ALICE_TOKEN)));
  await record(await fetch(`${tokens.baseURL}/models`, { headers: bearer(ALICE_TOKEN) }));
  for (const credential of [
    `primary-res:gpt-4o|gpt4o-prod:${CLIENT_KEY}`,
    `evil.host:gpt-4o|gpt4o-prod:${CLIENT_KEY}`,
    `primary-res:gpt-4o|a/b:${CLIENT_KEY}`,
    `primary-res:gpt-4o|gpt4o-prod:${CLIENT_KEY}:not-a-version`,
  ]) {
    await record(await postJson(`${proxy.baseURL}/chat/completions`, chat("hi"), bearer(credential)));
  }

  const everything = [...seen, ...tokens.logs.map((l) => JSON.stringify(l)), ...proxy.logs.map((l) => JSON.stringify(l))].join("\n");
  expect(tokens.logs.length).toBeGreaterThan(10);
  for (const secret of [PRIMARY_KEY, SECONDARY_KEY, ALICE_TOKEN, BOB_TOKEN, CLIENT_KEY]) {
    expect(everything).not.toContain(secret);
  }
});
