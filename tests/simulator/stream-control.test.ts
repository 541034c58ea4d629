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

test("slow=<ms> paces chunks; chunks leave one by one", async () => {
  const started = Date.now();
  const res = await h.post(buildChatPath(), buildChatBody("hi sim:slow=20", { stream: true }));
  const reader = new SseReader(res);
  const arrivals: number[] = [];
  for (let frame = await reader.next(); frame; frame = await reader.next()) arrivals.push(Date.now() - started);
  // 12+ frames with 20 ms between each: a lower bound is safe even on slow machines.
  expect(arrivals.length).toBeGreaterThan(10);
  expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(20 * (arrivals.length - 1) - 5);
});

test("chunkDelayMs option paces every stream", async () => {
  const paced = await startHarness({ ...createTestOptions(), chunkDelayMs: 15 });
  try {
    const res = await paced.post(buildChatPath(), buildChatBody("hi", { stream: true }));
    const reader = new SseReader(res);
    const first = await reader.next();
    const started = Date.now();
    const rest = await reader.rest();
    expect(first).not.toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(15 * rest.length - 5);
  } finally {
    await paced.server.stop();
  }
});
