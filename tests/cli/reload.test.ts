import { afterAll, beforeAll, expect, test } from "bun:test";
import { ALICE_TOKEN, BOB_TOKEN, PRIMARY_KEY, startSimulator, type Simulator } from "../support/harness.ts";
import { startProcess, type RunningProcess } from "../support/process.ts";
import { makeTempDir } from "../support/temp-files.ts";

let azure: Simulator;
beforeAll(async () => {
  azure = await startSimulator();
});
afterAll(() => azure.stop());

const configWith = (tokens: { userId: string; token: string }[], extra: Record<string, unknown> = {}) => ({
  primaryApiKey: { resourceId: "primary-res", deployment: { "gpt-4o": "gpt4o-prod" }, apiKey: PRIMARY_KEY, apiVersion: "2024-10-21" },
  userTokens: tokens,
  ...extra,
});

const listModels = (running: RunningProcess, token: string) =>
  fetch(`${running.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

/** Waits for the `count`-th occurrence of `text` in the process's output. */
async function waitForCount(running: RunningProcess, text: string, count: number): Promise<void> {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  await running.waitForOutput(new RegExp(`(?:${escaped}[\\s\\S]*){${count}}`));
}

async function start(path: string) {
  return startProcess({ HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}`, PORT: "0", HOST: "127.0.0.1" }, ["--config", path]);
}

test("an edited config file is taken once it stops changing: a new token is accepted, a revoked one refused", async () => {
  const temp = makeTempDir();
  const path = temp.write("config.json", configWith([{ userId: "alice", token: ALICE_TOKEN }]));
  const running = await start(path);
  try {
    expect(await listModels(running, ALICE_TOKEN)).toBe(200);
    expect(await listModels(running, BOB_TOKEN)).toBe(401);
    temp.write("config.json", configWith([{ userId: "bob", token: BOB_TOKEN }]));
    await waitForCount(running, '"msg":"configuration reloaded"', 1);
    expect(await listModels(running, BOB_TOKEN)).toBe(200);
    expect(await listModels(running, ALICE_TOKEN)).toBe(401);
  } finally {
    await running.stop();
    temp.cleanup();
  }
}, 30_000);

test("an invalid edit is refused with an error naming the file and field, and the old configuration keeps serving; SIGHUP reloads", async () => {
  const temp = makeTempDir();
  const path = temp.write("config.json", configWith([{ userId: "alice", token: ALICE_TOKEN }]));
  const running = await start(path);
  try {
    temp.write("config.json", configWith([{ userId: "bob", token: BOB_TOKEN }], { maxRetries: "three" }));
    await waitForCount(running, "configuration reload refused", 1);
    expect(running.output()).toContain(`config file ${path}, field maxRetries`);
    expect(await listModels(running, ALICE_TOKEN)).toBe(200);
    expect(await listModels(running, BOB_TOKEN)).toBe(401);

    temp.write("config.json", "{ not json");
    await waitForCount(running, "configuration reload refused", 2);
    expect(running.output()).toContain("not valid JSON");
    expect(await listModels(running, ALICE_TOKEN)).toBe(200);

    // SIGHUP re-reads the file at once (here: the same invalid file, refused again).
    running.signal("SIGHUP");
    await waitForCount(running, '"reason":"SIGHUP"', 1);
    expect(await listModels(running, ALICE_TOKEN)).toBe(200);
    expect(running.output()).not.toContain(ALICE_TOKEN);
    expect(running.output()).not.toContain(PRIMARY_KEY);
  } finally {
    await running.stop();
    temp.cleanup();
  }
}, 30_000);

test("a stream in progress finishes on the configuration it began with, while its revoked token is refused for new requests", async () => {
  const temp = makeTempDir();
  const path = temp.write("config.json", configWith([{ userId: "alice", token: ALICE_TOKEN }]));
  const running = await start(path);
  try {
    const response = await fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "keep going sim:gate=reload" }] }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    temp.write("config.json", configWith([{ userId: "bob", token: BOB_TOKEN }]));
    await waitForCount(running, '"msg":"configuration reloaded"', 1);
    expect(await listModels(running, ALICE_TOKEN)).toBe(401);
    azure.sim.release("reload");
    let rest = "";
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += new TextDecoder().decode(next.value);
    expect(rest).toContain(`"finish_reason":"stop"`);
    expect(rest.trimEnd().endsWith("data: [DONE]")).toBe(true);
  } finally {
    await running.stop();
    temp.cleanup();
  }
}, 30_000);
