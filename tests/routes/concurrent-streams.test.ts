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
  haigpt = await startProcess({ ...serverKeyEnv(azure.url) });
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
