// The simulator's benchmark mode: Azure-shaped answers (content-filter results, 20-chunk streams), keys checked.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createDemoSimulatorOptions, DEMO_API_KEY } from "../../src/simulator/azure-simulator.ts";
import { createFastSimulator } from "../../src/simulator/fast-mode.ts";
import { serveSimulator } from "../../src/simulator/serve.ts";
import type { Listener } from "../../src/runtime.ts";

let server: Listener;
let url: string;
beforeAll(async () => {
  server = await serveSimulator(createFastSimulator(createDemoSimulatorOptions()));
  url = `${server.url}/demo/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`;
});
afterAll(() => server.stop());

const post = (body: unknown, key = DEMO_API_KEY) =>
  fetch(url, { method: "POST", headers: { "api-key": key, "content-type": "application/json" }, body: JSON.stringify(body) });

describe("fast mode", () => {
  test("a non-streamed answer carries Azure's prompt and choice filter results", async () => {
    const response = await post({ messages: [{ role: "user", content: "hi" }] });
    expect(response.status).toBe(200);
    expect(response.headers.get("apim-request-id")).toBeTruthy();
    const text = await response.text();
    const body = JSON.parse(text);
    expect(body.object).toBe("chat.completion");
    expect(body.model).toBe("gpt-4o-2024-08-06");
    expect(body.prompt_filter_results[0].content_filter_results.jailbreak).toEqual({ filtered: false, detected: false });
    expect(body.choices[0].content_filter_results.violence).toEqual({ filtered: false, severity: "safe" });
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(text.length).toBeGreaterThan(800);
  });

  test("a stream is 20 data events (prompt annotations, role, 17 pieces, finish) and [DONE]", async () => {
    const text = await (await post({ stream: true, messages: [] })).text();
    const events = text.split("\n\n").filter((frame) => frame !== "").map((frame) => frame.slice("data: ".length));
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    expect(chunks).toHaveLength(20);
    expect(chunks[0].choices).toEqual([]);
    expect(chunks[0].prompt_filter_results).toHaveLength(1);
    expect(chunks[1].choices[0].delta.role).toBe("assistant");
    expect(chunks[19].choices[0].finish_reason).toBe("stop");
    const content = chunks.slice(2, 19).map((chunk) => chunk.choices[0].delta.content).join("");
    expect(content).toContain("Simulated answer for the benchmark");
    expect(chunks[2].choices[0].content_filter_results.hate).toEqual({ filtered: false, severity: "safe" });
  });

  test("an unknown key gets Azure's 401, another path Azure's 404", async () => {
    const refused = await post({ messages: [] }, "wrong-key");
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("401");
    const elsewhere = await fetch(`${server.url}/demo/openai/deployments/gpt-4o/embeddings?api-version=2024-10-21`, { method: "POST", headers: { "api-key": DEMO_API_KEY }, body: "{}" });
    expect(elsewhere.status).toBe(404);
  });
});
