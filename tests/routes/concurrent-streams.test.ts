import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { BUN_LIMIT_VARIABLE } from "../../src/connection-limit.ts";
import { createConnectionSlots, type ConnectionSlots } from "../../src/upstream/connection-slots.ts";
import { ALICE_TOKEN, serverKeyEnv, startHaigpt, startSimulator, type Simulator } from "../support/harness.ts";
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
  // The waiting request's slot is handed out only after another request, sent after it began waiting,
  // has run into the same first-byte timeout: so it has waited longer than that timeout, measured by
  // haigpt's own timer (awaited, not slept). Counted as Azure's time, the wait would abandon and retry it.
  const slots = createConnectionSlots(100);
  let freeSlot!: () => void;
  const slotFreed = new Promise<void>((resolve) => (freeSlot = resolve));
  let waiting!: () => void;
  const isWaiting = new Promise<void>((resolve) => (waiting = resolve));
  const isFirst = { taken: false };
  const held: ConnectionSlots = {
    async take(cancel) {
      if (!isFirst.taken) {
        isFirst.taken = true;
        waiting();
        await Promise.race([slotFreed, new Promise((_, reject) => cancel.addEventListener("abort", () => reject(cancel.reason), { once: true }))]);
      }
      return slots.take(cancel);
    },
    get inUse() {
      return slots.inUse;
    },
  };
  const haigpt = await startHaigpt(
    { ...serverKeyEnv(azure.url), SecondaryApiKey: "", HAIGPT_MAX_RETRIES: "0", HAIGPT_FIRST_BYTE_TIMEOUT_MS: "300" },
    { deps: { slots: held } },
  );
  const send = (content: string) =>
    fetch(`${haigpt.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content }] }),
    });
  try {
    const third = send("three");
    await isWaiting;
    const timedOut = await send("never answered sim:hang");
    expect(timedOut.status).toBe(504);
    freeSlot();
    const response = await third;
    expect(response.status).toBe(200);
    expect(response.headers.get("x-haigpt-attempts")).toBe("1");
  } finally {
    await haigpt.stop();
  }
});

test("every answered attempt gives its upstream connection back: with one slot, requests one after another all get through", async () => {
  const slots = createConnectionSlots(1);
  const haigpt = await startHaigpt({ ...serverKeyEnv(azure.url), SecondaryApiKey: "" }, { deps: { slots } });
  const send = (stream: boolean) =>
    fetch(`${haigpt.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "one at a time" }], stream }),
    });
  try {
    for (const stream of [false, false, true, false, true]) {
      const response = await send(stream);
      expect(response.status).toBe(200);
      await response.text();
      expect(slots.inUse).toBe(0);
    }
  } finally {
    await haigpt.stop();
  }
});
