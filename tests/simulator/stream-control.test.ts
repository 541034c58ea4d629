// Streams are real: gates hold them mid-way, `slow` paces them, client aborts are detected; `hang` never answers.

import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { createAzureSimulator } from "../../src/simulator/azure-simulator.ts";
import { serveSimulator } from "../../src/simulator/serve.ts";
import { buildChatBody, buildChatPath, createTestOptions, joinContent, KEY, parseChunks, SseReader, startHarness, type Harness } from "./sim-helpers.ts";

const REPLY_START = "Simulated ";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.stop());
beforeEach(() => h.sim.reset());

/** Reads frames up to and including the first one with content text. */
async function readToFirstContent(reader: SseReader): Promise<Array<Record<string, any>>> {
  const seen: Array<Record<string, any>> = [];
  for (let frame = await reader.next(); frame; frame = await reader.next()) {
    const chunk = JSON.parse(frame.data);
    seen.push(chunk);
    if (chunk.choices?.[0]?.delta?.content) return seen;
  }
  throw new Error("stream ended before any content");
}

test("gate holds the stream after the first word until release()", async () => {
  const res = await h.post(buildChatPath(), buildChatBody("hello sim:gate=g1", { stream: true }));
  const reader = new SseReader(res);
  const head = await readToFirstContent(reader);
  expect(head.at(-1)?.choices[0].delta.content).toBe(REPLY_START);
  expect(h.sim.requests[0]?.completed).toBe(false);
  h.sim.release("g1");
  const rest = parseChunks(await reader.rest());
  expect(joinContent([...head, ...rest])).toBe('Simulated answer from deployment gpt-4o: you said "hello sim:gate=g1".');
  expect(h.sim.requests[0]?.completed).toBe(true);
});

test("a gate released before the stream reaches it does not hold it", async () => {
  h.sim.release("early");
  const res = await h.post(buildChatPath(), buildChatBody("hi sim:gate=early", { stream: true }));
  const reader = new SseReader(res);
  expect(joinContent(parseChunks(await reader.rest()))).toContain("Simulated answer");
});

test("reset() lets streams parked at a gate through", async () => {
  const res = await h.post(buildChatPath(), buildChatBody("hi sim:gate=stuck", { stream: true }));
  const reader = new SseReader(res);
  await readToFirstContent(reader);
  h.sim.reset();
  const rest = await reader.rest();
  expect(rest.at(-1)?.data).toBe("[DONE]");
});

test("client abort mid-stream marks the request aborted and resolves waitForAbort", async () => {
  const controller = new AbortController();
  const res = await fetch(h.server.url + buildChatPath(), {
    method: "POST",
    headers: { "api-key": KEY, "content-type": "application/json" },
    body: JSON.stringify(buildChatBody("hi sim:gate=never", { stream: true })),
    signal: controller.signal,
  });
  await readToFirstContent(new SseReader(res));
  const aborted = h.sim.waitForAbort((r) => r.operation === "chat/completions");
  controller.abort();
  const record = await aborted;
  expect(record).toMatchObject({ seq: 1, aborted: true, completed: false });
  // Already-aborted requests satisfy later waits too.
  expect(await h.sim.waitForAbort()).toBe(record);
});

test("hang never answers; the client's abort is recorded", async () => {
  const sim = createAzureSimulator(createTestOptions());
  let arrived!: () => void;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  const server = await serveSimulator({ fetch: (request) => (arrived(), sim.fetch(request)) }, { port: 0 });
  try {
    const controller = new AbortController();
    const pending = fetch(server.url + buildChatPath(), {
      method: "POST",
      headers: { "api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify(buildChatBody("sim:hang")),
      signal: controller.signal,
    }).then(() => "answered", () => "aborted");
    await arrival;
    controller.abort();
    expect(await pending).toBe("aborted");
    const record = await sim.waitForAbort();
    expect(record).toMatchObject({ aborted: true, completed: false });
  } finally {
    await server.stop();
  }
});

/** A simulator whose pauses are recorded instead of waited: pace is checked by counting, never by timing. */
async function startCountingHarness(chunkDelayMs = 0) {
  const pauses: Array<{ ms: number }> = [];
  const harness = await startHarness({ ...createTestOptions(), chunkDelayMs, sleep: async (ms) => void pauses.push({ ms }) });
  const readAll = async (res: Response) => {
    let frames = 0;
    const reader = new SseReader(res);
    for (let frame = await reader.next(); frame; frame = await reader.next()) frames += 1;
    return frames;
  };
  return { harness, pauses, readAll };
}

test("slow=<ms> pauses before every chunk after the first", async () => {
  const { harness, pauses, readAll } = await startCountingHarness();
  try {
    const frames = await readAll(await harness.post(buildChatPath(), buildChatBody("hi sim:slow=20", { stream: true })));
    expect(frames).toBeGreaterThan(10);
    expect(pauses.map((pause) => pause.ms)).toEqual(Array(frames - 1).fill(20));
  } finally {
    await harness.server.stop();
  }
});

test("chunkDelayMs option paces every stream", async () => {
  const { harness, pauses, readAll } = await startCountingHarness(15);
  try {
    const frames = await readAll(await harness.post(buildChatPath(), buildChatBody("hi", { stream: true })));
    expect(pauses.map((pause) => pause.ms)).toEqual(Array(frames - 1).fill(15));
  } finally {
    await harness.server.stop();
  }
});
