// Embeddings (float and base64), legacy completions and image generations.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { parseChunks, readAllFrames, readJson, startHarness, type Harness } from "./sim-helpers.ts";

const DATED = "?api-version=2024-10-21";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.stop());
beforeEach(() => h.sim.reset());

function decodeFloat32Base64(text: string): number[] {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

describe("embeddings", () => {
  const path = `/primary/openai/deployments/emb/embeddings${DATED}`;

  test("Azure shape, deterministic unit vectors, dimension 8 by default", async () => {
    const body = await readJson(await h.post(path, { input: ["alpha", "beta"] }));
    expect(body).toMatchObject({ object: "list", model: "text-embedding-3-small", usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
    expect(body.data.map((d: any) => [d.object, d.index, d.embedding.length])).toEqual([["embedding", 0, 8], ["embedding", 1, 8]]);
    const again = await readJson(await h.post(path, { input: "alpha" }));
    expect(again.data[0].embedding).toEqual(body.data[0].embedding);
    expect(body.data[1].embedding).not.toEqual(body.data[0].embedding);
    const norm = Math.hypot(...body.data[0].embedding);
    expect(norm).toBeCloseTo(1, 5);
  });

  test("dimensions and token-array inputs", async () => {
    const sized = await readJson(await h.post(path, { input: "x", dimensions: 32 }));
    expect(sized.data[0].embedding).toHaveLength(32);
    const tokens = await readJson(await h.post(path, { input: [1, 2, 3] }));
    expect(tokens.data).toHaveLength(1);
    const batches = await readJson(await h.post(path, { input: [[1, 2], [3]] }));
    expect(batches.data).toHaveLength(2);
    expect(batches.usage.prompt_tokens).toBe(3);
  });

  test("encoding_format base64 is little-endian Float32 of the same vector", async () => {
    const floats = await readJson(await h.post(path, { input: "alpha" }));
    const encoded = await readJson(await h.post(path, { input: "alpha", encoding_format: "base64" }));
    expect(typeof encoded.data[0].embedding).toBe("string");
    expect(decodeFloat32Base64(encoded.data[0].embedding)).toEqual(floats.data[0].embedding);
  });
});

describe("legacy completions", () => {
  const path = `/primary/openai/deployments/instruct/completions${DATED}`;
  const text = 'Simulated completion from deployment instruct: you said "say hi".';

  test("text_completion body with text instead of message", async () => {
    const body = await readJson(await h.post(path, { prompt: ["say hi"] }));
    expect(body).toMatchObject({ object: "text_completion", model: "gpt-35-turbo-instruct", prompt_filter_results: expect.any(Array) });
    expect(body.id).toMatch(/^cmpl-/);
    expect(body.choices[0]).toMatchObject({ text, index: 0, finish_reason: "stop", logprobs: null });
  });

  test("streamed chunks carry text, end with stop and [DONE]", async () => {
    const frames = await readAllFrames(await h.post(path, { prompt: "say hi", stream: true }));
    const chunks = parseChunks(frames);
    expect(chunks[0]).toMatchObject({ id: "", object: "", created: 0, model: "", choices: [] });
    expect(chunks.slice(1).map((c) => c.choices[0].text).join("")).toBe(text);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe("stop");
    expect(frames.at(-1)?.data).toBe("[DONE]");
  });
});

describe("images", () => {
  const path = `/primary/openai/deployments/dall-e-3/images/generations${DATED}`;

  test("url answer with prompt_filter_results object, content_filter_results, revised_prompt; url is fetchable", async () => {
    const body = await readJson(await h.post(path, { prompt: "a corgi", n: 1 }));
    expect(body.created).toBeNumber();
    const image = body.data[0];
    expect(image.revised_prompt).toContain("a corgi");
    expect(Array.isArray(image.prompt_filter_results)).toBe(false);
    expect(image.prompt_filter_results.profanity).toEqual({ detected: false, filtered: false });
    expect(image.content_filter_results.hate).toEqual({ filtered: false, severity: "safe" });
    const png = new Uint8Array(await (await fetch(image.url)).arrayBuffer());
    expect(Array.from(png.slice(1, 4), (b) => String.fromCharCode(b)).join("")).toBe("PNG");
  });

  test("b64_json answer", async () => {
    const body = await readJson(await h.post(path, { prompt: "a corgi", response_format: "b64_json" }));
    expect(body.data[0].url).toBeUndefined();
    expect(atob(body.data[0].b64_json).slice(1, 4)).toBe("PNG");
  });
});
