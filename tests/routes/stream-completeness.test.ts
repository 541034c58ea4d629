import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { ALICE_TOKEN, jsonOf, postJson, serverKeyEnv, startHaigpt, startSimulator, upstreamCalls, type Haigpt, type Simulator } from "../support/harness.ts";

let azure: Simulator;
/** Primary only, so that every attempt is visible on one resource. */
let single: Haigpt;

beforeAll(async () => {
  azure = await startSimulator();
  const { SecondaryApiKey: _unused, ...primaryOnly } = serverKeyEnv(azure.url);
  single = await startHaigpt({ ...primaryOnly, HAIGPT_STREAM_IDLE_TIMEOUT_MS: "1000" });
});
afterAll(async () => {
  await single.stop();
  await azure.stop();
});
beforeEach(() => {
  azure.sim.reset();
  single.resetWaits();
  // Each test reads the end reason of its own request.
  single.logs.length = 0;
});

function streamChat(haigpt: Haigpt, content: string): Promise<Response> {
  return postJson(`${haigpt.baseURL}/chat/completions`, { model: "gpt-4o", stream: true, messages: [{ role: "user", content }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
}

/** The `data:` payloads of a finished SSE body. */
async function dataOf(response: Response): Promise<string[]> {
  const text = await response.text();
  return text.split("\n\n").filter((frame) => frame.startsWith("data: ")).map((frame) => frame.slice("data: ".length));
}

function errorsIn(data: string[]): any[] {
  return data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d)).filter((json) => json.error !== undefined);
}

function streamEnd(haigpt: Haigpt) {
  return haigpt.waitForLog((line) => line.msg === "request" && line.stream !== undefined);
}

describe("a stream is complete only when Azure said so", () => {
  test("a clean close mid-answer ends with exactly one error event and [DONE], and the log says upstream_closed", async () => {
    const data = await dataOf(await streamChat(single, "tell me a story sim:end-after=4"));
    expect(data.at(-1)).toBe("[DONE]");
    expect(data.filter((d) => d === "[DONE]")).toHaveLength(1);
    const errors = errorsIn(data);
    expect(errors).toHaveLength(1);
    expect(errors[0].error).toMatchObject({ code: "upstream_stream_interrupted", type: "server_error" });
    expect(JSON.parse(data.at(-2)!).error).toBeDefined();
    expect((await streamEnd(single)).stream).toBe("upstream_closed");
  });

  test("the official SDK raises on a stream cut mid-answer instead of returning a short answer", async () => {
    const stream = await single.client().chat.completions.create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "story sim:end-after=4" }] });
    const failure = await (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
  });

  test("a 200 stream that ends before any content is retried like a 5xx", async () => {
    const response = await streamChat(single, "empty first sim:end-after=2*1");
    expect(response.headers.get("x-haigpt-attempts")).toBe("2");
    const data = await dataOf(response);
    expect(errorsIn(data)).toHaveLength(0);
    expect(data.at(-1)).toBe("[DONE]");
    expect(upstreamCalls(azure.sim)).toHaveLength(2);
  });

  test("a stream that stalls after its first content is ended at the idle timeout with the error event, and Azure's request is closed", async () => {
    const data = await dataOf(await streamChat(single, "stall sim:stall-after=4"));
    expect(errorsIn(data)[0].error.code).toBe("upstream_stream_stalled");
    expect(data.at(-1)).toBe("[DONE]");
    expect((await streamEnd(single)).stream).toBe("upstream_idle");
    expect((await azure.sim.waitForAbort()).completed).toBe(false);
  });

  test("data that is not SSE JSON mid-stream ends it with the error event; the log says upstream_malformed", async () => {
    const data = await dataOf(await streamChat(single, "sim:garbage-after=4"));
    expect(data.join("\n")).not.toContain("<html>");
    expect(errorsIn(data)).toHaveLength(1);
    expect(data.at(-1)).toBe("[DONE]");
    expect((await streamEnd(single)).stream).toBe("upstream_malformed");
  });

  test("a complete stream is still relayed as complete", async () => {
    const data = await dataOf(await streamChat(single, "hello"));
    expect(errorsIn(data)).toHaveLength(0);
    expect((await streamEnd(single)).stream).toBe("completed");
  });
});

describe("the decision point", () => {
  test("an audio-only stream is relayed from its first audio chunk, not held back", async () => {
    const response = await streamChat(single, "speak sim:audio-stream sim:gate=audio1");
    // Azure holds the stream after the first audio chunk: the client already has it.
    const reader = response.body!.getReader();
    let seen = "";
    while (!seen.includes('"audio"')) seen += new TextDecoder().decode((await reader.read()).value);
    azure.sim.release("audio1");
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    expect(seen).toContain("Hello from audio.");
    expect(seen).toEndWith("data: [DONE]\n\n");
    expect(upstreamCalls(azure.sim)).toHaveLength(1);
  });

  test("at most about 1 MiB of annotations is held before the decision: beyond it, the stream is relayed (and idle-watched)", async () => {
    // 6,000 annotation-only chunks (~1.4 MB), then Azure holds the stream before any content. Held
    // whole, the attempt would stay undecided until the first-byte timeout (504); decided at the
    // bound, the client has its 200 stream, which the idle timeout then ends with the error event.
    const { SecondaryApiKey: _unused, ...primaryOnly } = serverKeyEnv(azure.url);
    const local = await startHaigpt({ ...primaryOnly, HAIGPT_MAX_RETRIES: "0", HAIGPT_FIRST_BYTE_TIMEOUT_MS: "8000", HAIGPT_STREAM_IDLE_TIMEOUT_MS: "500" });
    try {
      const response = await streamChat(local, "sim:annotations=6000 sim:gate=never-opened");
      expect(response.status).toBe(200);
      const data = await dataOf(response);
      expect(errorsIn(data).map((e) => e.error.code)).toEqual(["upstream_stream_stalled"]);
      expect(data.at(-1)).toBe("[DONE]");
    } finally {
      await local.stop();
    }
  });
});

describe("shutdown", () => {
  test("when the shutdown signal aborts, an open stream ends with server_shutting_down and [DONE], end reason shutdown", async () => {
    const shutdown = new AbortController();
    const { SecondaryApiKey: _unused, ...primaryOnly } = serverKeyEnv(azure.url);
    const local = await startHaigpt(primaryOnly, { deps: { shutdown: shutdown.signal } });
    try {
      const response = await streamChat(local, "long story sim:gate=never");
      const reader = response.body!.getReader();
      let seen = new TextDecoder().decode((await reader.read()).value);
      shutdown.abort();
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        seen += new TextDecoder().decode(value);
      }
      const frames = seen.trim().split("\n\n");
      expect(frames.at(-1)).toBe("data: [DONE]");
      expect(JSON.parse(frames.at(-2)!.slice("data: ".length)).error).toMatchObject({ code: "server_shutting_down" });
      expect(seen.match(/"error"/g)).toHaveLength(1);
      expect((await streamEnd(local)).stream).toBe("shutdown");
      expect((await azure.sim.waitForAbort()).completed).toBe(false);
    } finally {
      await local.stop();
    }
  });

  test("a request still waiting for Azure when the shutdown signal aborts gets 503 server_shutting_down, and Azure's request is closed", async () => {
    const shutdown = new AbortController();
    const { SecondaryApiKey: _unused, ...primaryOnly } = serverKeyEnv(azure.url);
    const local = await startHaigpt(primaryOnly, { deps: { shutdown: shutdown.signal } });
    try {
      const pending = postJson(`${local.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "sim:hang" }] }, { authorization: `Bearer ${ALICE_TOKEN}` });
      await azure.sim.waitForRequest((r) => r.operation === "chat/completions");
      shutdown.abort();
      const response = await pending;
      expect(response.status).toBe(503);
      expect((await jsonOf(response)).error.code).toBe("server_shutting_down");
      expect((await azure.sim.waitForAbort()).completed).toBe(false);
    } finally {
      await local.stop();
    }
  });
});
