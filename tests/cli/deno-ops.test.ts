import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { ALICE_TOKEN, BOB_TOKEN, PRIMARY_KEY, startSimulator, type Simulator } from "../support/harness.ts";
import { startProcess } from "../support/process.ts";
import { makeTempDir } from "../support/temp-files.ts";

// The real binary, not the npm wrapper (a Node script): stopping the child then stops Deno itself.
const DENO = join(import.meta.dir, "../../node_modules/deno/deno");
const ENTRY = join(import.meta.dir, "../../src/index.ts");
import { ADMIN_TOKEN } from "../support/secrets.ts";

let azure: Simulator;
beforeAll(async () => {
  azure = await startSimulator();
});
afterAll(() => azure.stop());

const configWith = (userId: string, token: string) => ({
  primaryApiKey: { resourceId: "primary-res", deployment: { "gpt-4o": "gpt4o-prod" }, apiKey: PRIMARY_KEY, apiVersion: "2024-10-21" },
  userTokens: [{ userId, token }],
});

test("under Deno: the request line, /metrics, SIGHUP reload and a SIGTERM that exits 0", async () => {
  const temp = makeTempDir();
  const path = temp.write("config.json", configWith("alice", ALICE_TOKEN));
  const running = await startProcess(
    { HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}`, PORT: "0", HOST: "127.0.0.1", HAIGPT_ADMIN_TOKEN: ADMIN_TOKEN, DENO_NO_UPDATE_CHECK: "1" },
    ["--config", path],
    [DENO, "run", "-A", "--unstable-no-legacy-abort", ENTRY],
  );
  try {
    const models = (token: string) => fetch(`${running.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await models(ALICE_TOKEN)).toBe(200);
    const chat = await fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hello from deno" }] }),
    });
    expect(chat.status).toBe(200);
    await running.waitForOutput(/"path":"\/v1\/chat\/completions","mode":"user","userId":"alice"[^\n]*"usage":\{[^\n]*"msg":"request"/);
    const metrics = await fetch(`${running.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(await metrics.text()).toContain("haigpt_requests_total");

    temp.write("config.json", configWith("bob", BOB_TOKEN));
    running.signal("SIGHUP");
    await running.waitForOutput(/"msg":"configuration reloaded"/);
    expect(await models(BOB_TOKEN)).toBe(200);
    expect(await models(ALICE_TOKEN)).toBe(401);

    running.signal("SIGTERM");
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('"msg":"stopped"');
    expect(running.output()).not.toContain(ADMIN_TOKEN);
  } finally {
    await running.stop();
    temp.cleanup();
  }
}, 30_000);

test("under Deno: a stream still open when the grace period ends does not keep the process from exiting 0", async () => {
  const temp = makeTempDir();
  const path = temp.write("config.json", configWith("alice", ALICE_TOKEN));
  const running = await startProcess(
    { HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}`, PORT: "0", HOST: "127.0.0.1", HAIGPT_SHUTDOWN_GRACE_MS: "200", DENO_NO_UPDATE_CHECK: "1" },
    ["--config", path],
    [DENO, "run", "-A", "--unstable-no-legacy-abort", ENTRY],
  );
  try {
    const response = await fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hold sim:gate=deno-grace" }] }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    running.signal("SIGTERM");
    const drained = (async () => {
      try {
        while (!(await reader.read()).done);
      } catch {
        // Cut when the process ends.
      }
    })();
    expect(await running.exited).toBe(0);
    await drained;
    expect(running.output()).toContain("shutdown grace period over");
  } finally {
    azure.sim.release("deno-grace");
    await running.stop();
    temp.cleanup();
  }
}, 30_000);
