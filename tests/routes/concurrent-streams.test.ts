import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { BUN_LIMIT_VARIABLE } from "../../src/connection-limit.ts";
import { ALICE_TOKEN, serverKeyEnv, startSimulator, type Simulator } from "../support/harness.ts";
import { startProcess, type RunningProcess } from "../support/process.ts";

const STREAMS = 1000;
const CLIENT = join(import.meta.dir, "../support/stream-load-client.ts");

let azure: Simulator;
let haigpt: RunningProcess;

beforeAll(async () => {
  azure = await startSimulator();
  // Started as users start it, without BUN_CONFIG_MAX_HTTP_REQUESTS: haigpt must raise Bun's limit itself.
  haigpt = await startProcess({ ...serverKeyEnv(azure.url), PORT: "0", HOST: "127.0.0.1" });
});
afterAll(async () => {
  await haigpt.stop();
  await azure.stop();
});

test(`${STREAMS} concurrent streams through one process complete with 0 errors; all are open at Azure at once`, async () => {
  // Every stream is held after its first content until all of them have reached Azure: with a hidden
  // cap of 256, the rest would never get there.
  const client = Bun.spawn([process.execPath, CLIENT, `${haigpt.url}/v1/chat/completions`, ALICE_TOKEN, String(STREAMS), "load sim:gate=all-open"], {
    env: { PATH: process.env.PATH ?? "", [BUN_LIMIT_VARIABLE]: String(STREAMS * 2) },
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    await azure.sim.waitForRequest((request) => request.seq === STREAMS);
    azure.sim.release("all-open");
    const [output] = await Promise.all([new Response(client.stdout).text(), client.exited]);
    expect(JSON.parse(output)).toEqual({ completed: STREAMS, errors: 0, firstErrors: [] });
    expect(azure.sim.requests).toHaveLength(STREAMS);
  } finally {
    client.kill();
    await client.exited;
  }
}, 20_000);

test("a request waiting for a free upstream connection is not timed out for it: the first-byte timeout starts once it is sent", async () => {
  // Two connections allowed, both held by streams; a third request waits longer than the first-byte
  // timeout for one to come free. Counted as Azure's time, that wait would abandon and retry it.
  const limited = await startProcess({
    ...serverKeyEnv(azure.url),
    PORT: "0",
    HOST: "127.0.0.1",
    SecondaryApiKey: "",
    HAIGPT_MAX_UPSTREAM_CONNECTIONS: "2",
    HAIGPT_FIRST_BYTE_TIMEOUT_MS: "800",
  });
  const send = (content: string, stream: boolean) =>
    fetch(`${limited.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", stream, messages: [{ role: "user", content }] }),
    });
  try {
    const held = await Promise.all([send("one sim:gate=slots", true), send("two sim:gate=slots", true)]);
    const third = send("three", false);
    // The wait being tested is a span of time: longer than the first-byte timeout.
    await Bun.sleep(1500);
    azure.sim.release("slots");
    await Promise.all(held.map((response) => response.text()));
    const response = await third;
    expect(response.status).toBe(200);
    expect(response.headers.get("x-haigpt-attempts")).toBe("1");
  } finally {
    await limited.stop();
  }
});
