/**
 * The state store of a real haigpt process: kept across a configuration reload (the new limits apply to
 * the same windows), closed on SIGTERM and found again by the next process on the same HAIGPT_DATA_DIR;
 * an unusable data directory stops start-up naming the setting.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ALICE_TOKEN, PRIMARY_KEY, postJson, startSimulator, type Simulator } from "../support/harness.ts";
import { runToExit, startProcess, type RunningProcess } from "../support/process.ts";
import { makeTempDir } from "../support/temp-files.ts";

import { LIMITS_ADMIN_TOKEN as ADMIN_TOKEN } from "../support/secrets.ts";

let azure: Simulator;
const temp = makeTempDir();
beforeAll(async () => {
  azure = await startSimulator();
});
afterAll(async () => {
  await azure.stop();
  temp.cleanup();
});

const configWith = (rpm: number) => ({
  primaryApiKey: { resourceId: "primary-res", deployment: { "gpt-4o": "gpt4o-prod" }, apiKey: PRIMARY_KEY, apiVersion: "2024-10-21" },
  userTokens: [{ userId: "alice", token: ALICE_TOKEN, rpm }],
});

const chat = (running: RunningProcess) =>
  postJson(`${running.url}/v1/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "hello" }] }, { authorization: `Bearer ${ALICE_TOKEN}` })
    .then(async (response) => (await response.arrayBuffer(), response.status));

test("windows and usage outlive a reload and a restart on the same data directory", async () => {
  const dataDir = `${temp.dir}/data`;
  const path = temp.write("config.json", configWith(2));
  const env = { HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}`, HAIGPT_DATA_DIR: dataDir, HAIGPT_ADMIN_TOKEN: ADMIN_TOKEN, PORT: "0", HOST: "127.0.0.1" };
  let running = await startProcess(env, ["--config", path]);
  try {
    expect(running.output()).toContain(`"state":"sqlite ${dataDir}"`);
    expect([await chat(running), await chat(running), await chat(running)]).toEqual([200, 200, 429]);
    // A reload brings the new limit, not a new window: one more request fits under rpm 3.
    temp.write("config.json", configWith(3));
    running.signal("SIGHUP");
    await running.waitForOutput(/"msg":"configuration reloaded"/);
    expect([await chat(running), await chat(running)]).toEqual([200, 429]);
    await running.stop();

    running = await startProcess(env, ["--config", path]);
    expect(await chat(running)).toBe(429);
    const usage: any = await (await fetch(`${running.url}/admin/usage`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    expect(usage.users.alice["gpt-4o"].requests).toBe(3);
  } finally {
    await running.stop();
  }
}, 30_000);

test("a data directory that cannot be made stops start-up with exit 1, naming it and HAIGPT_DATA_DIR", async () => {
  const blocker = temp.write("a-file", "x");
  const path = temp.write("config-dir.json", configWith(2));
  const { code, stderr } = await runToExit({ HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}`, HAIGPT_DATA_DIR: `${blocker}/data`, PORT: "0" }, ["--config", path]);
  expect(code).toBe(1);
  expect(stderr).toContain(`data directory ${blocker}/data`);
  expect(stderr).toContain("HAIGPT_DATA_DIR");
});
