import { afterAll, beforeAll, expect, test } from "bun:test";
import { ALICE_TOKEN, BOB_TOKEN, PRIMARY_KEY, SECONDARY_KEY, postJson, serverKeyEnv, startHaigpt, startSimulator, type Haigpt, type Simulator } from "../support/harness.ts";

let azure: Simulator;
let tokens: Haigpt;
let proxy: Haigpt;
import { ADMIN_TOKEN, CLIENT_KEY, TEST_SECRETS } from "../support/secrets.ts";
import { runToExit, startProcess } from "../support/process.ts";

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

test("the real process: start-up line, stderr, /metrics, /admin/usage, a wrong admin token's 401 and config errors show no secret", async () => {
  const running = await startProcess({ ...serverKeyEnv(azure.url), PORT: "0", HOST: "127.0.0.1", HAIGPT_ADMIN_TOKEN: ADMIN_TOKEN, HAIGPT_LOG_LEVEL: "debug" });
  const seen: string[] = [];
  const record = async (response: Response) => {
    seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
    return response.status;
  };
  const chat = (content: string, stream = false) => ({ model: "gpt-4o", stream, messages: [{ role: "user", content }] });
  try {
    for (const content of ["hello", "sim:429*1", "sim:401@primary-res", "sim:500"]) {
      await record(await postJson(`${running.url}/v1/chat/completions`, chat(content), { authorization: `Bearer ${ALICE_TOKEN}` }));
      await record(await postJson(`${running.url}/v1/chat/completions`, chat(content, true), { authorization: `Bearer ${BOB_TOKEN}` }));
    }
    await record(await postJson(`${running.url}/v1/chat/completions`, chat("hi"), { authorization: `Bearer ${ALICE_TOKEN}x` }));
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expect(await record(await fetch(`${running.url}/metrics`, { headers: admin }))).toBe(200);
    expect(await record(await fetch(`${running.url}/admin/usage`, { headers: admin }))).toBe(200);
    for (const wrong of [`${ADMIN_TOKEN}x`, ALICE_TOKEN, PRIMARY_KEY]) {
      expect(await record(await fetch(`${running.url}/metrics`, { headers: { authorization: `Bearer ${wrong}` } }))).toBe(401);
      expect(await record(await fetch(`${running.url}/admin/usage`, { headers: { authorization: `Bearer ${wrong}` } }))).toBe(401);
    }
    // The answers were read; the request lines follow them. Stopping flushes the rest (stopped line).
    running.signal("SIGTERM");
    expect(await running.exited).toBe(0);
  } finally {
    await running.stop();
  }
  const configErrors = await Promise.all([
    runToExit({ PrimaryApiKey: `primary-res:${PRIMARY_KEY}:2024-10-21`, HAIGPT_ADMIN_TOKEN: ADMIN_TOKEN, PORT: "0" }),
    runToExit({ ...serverKeyEnv(azure.url), HAIGPT_ADMIN_TOKEN: ADMIN_TOKEN, HAIGPT_MAX_RETRIES: "many", PORT: "0" }),
    runToExit({ ...serverKeyEnv(azure.url), UserTokens: `alice${ALICE_TOKEN}`, PORT: "0" }),
  ]);
  for (const result of configErrors) expect(result.code).toBe(1);

  const output = running.output();
  expect(output).toContain("haigpt listening on");
  expect(output).toContain('"msg":"request"');
  expect(output).toContain('"msg":"stopped"');
  const everything = [output, ...seen, ...configErrors.map((result) => result.output)].join("\n");
  expect(seen.join("\n")).toContain("haigpt_");
  for (const secret of TEST_SECRETS) expect(everything).not.toContain(secret);
}, 30_000);
