import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import OpenAI, { toFile } from "openai";
import { ALICE_TOKEN, allOperationsEnv, startSimulator, type Simulator } from "../support/harness.ts";
import { groupAlive, startProcess } from "../support/process.ts";
import { rawRequest } from "../support/raw-http.ts";

// The `deno` dev dependency ships the binary; the same entry file runs there unchanged.
const DENO = join(import.meta.dir, "../../node_modules/.bin/deno");
const ENTRY = join(import.meta.dir, "../../src/index.ts");

let azure: Simulator;
beforeAll(async () => {
  azure = await startSimulator();
});
afterAll(() => azure.stop());

test("the same entry file serves a streamed completion and an upload under Deno", async () => {
  const running = await startProcess(
    { ...allOperationsEnv(azure.url, "2025-03-01-preview"), PORT: "0", HOST: "127.0.0.1", DENO_NO_UPDATE_CHECK: "1" },
    [],
    [DENO, "run", "-A", "--unstable-no-legacy-abort", ENTRY],
  );
  try {
    const client = new OpenAI({ apiKey: ALICE_TOKEN, baseURL: `${running.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hello from deno" }] });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toContain('you said "hello from deno"');
    const file = await toFile(new Uint8Array(70_000), "deno.wav", { type: "audio/wav" });
    const transcript = await client.audio.transcriptions.create({ file, model: "whisper-1" });
    expect(transcript.text).toContain("deno.wav (70000 bytes)");
  } finally {
    await running.stop();
  }
  // The Node wrapper and the real Deno it starts are both gone, not only the wrapper.
  expect(groupAlive(running.pid)).toBe(false);
}, 30_000);

test("under Deno too: the token before the body, 415, 405 and a malformed Host answered OpenAI-shaped", async () => {
  const running = await startProcess(
    { ...allOperationsEnv(azure.url, "2025-03-01-preview"), PORT: "0", HOST: "127.0.0.1", DENO_NO_UPDATE_CHECK: "1" },
    [],
    [DENO, "run", "-A", "--unstable-no-legacy-abort", ENTRY],
  );
  try {
    const host = new URL(running.url).host;
    const unfinished = await rawRequest(
      running.url,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"mod\r\n`,
    );
    expect(unfinished.status).toBe(401);
    const plain = await fetch(`${running.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "text/plain" }, body: "{}" });
    expect(plain.status).toBe(415);
    const wrongMethod = await fetch(`${running.url}/v1/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    const badHost = await rawRequest(running.url, "GET /v1/models HTTP/1.1\r\nHost: [\r\n\r\n");
    expect(badHost.status).toBe(400);
    expect(JSON.parse(badHost.body).error.code).toBe("invalid_host");
  } finally {
    await running.stop();
  }
}, 30_000);
