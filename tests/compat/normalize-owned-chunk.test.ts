import { describe, expect, test } from "bun:test";
import type { CompatMode } from "../../src/compat/compat-context.ts";
import { INITIAL_CHUNK_STATE, normalizeChunk, normalizeOwnedChunk, type ChunkState } from "../../src/compat/normalize-chunk.ts";
import * as wire from "../fixtures/azure-wire.ts";
import { makeContext, snapshot } from "./compat-helpers.ts";

const SEEN: ChunkState = { id: "chatcmpl-AZURE1", created: 1732000000, model: "gpt-4o-2024-08-06", pendingPromptFilterResults: null };
const FLAGGED = { hate: { filtered: true, severity: "high" }, violence: { filtered: false, severity: "safe" } };

/** Every chunk shape the rules know, as the relay would parse it. */
const CHUNKS: Array<[string, unknown, "chat" | "completions"]> = [
  ["content", wire.contentChunk("Hello"), "chat"],
  ["role (empty filter results)", wire.ROLE_CHUNK, "chat"],
  ["finish", wire.finishChunk("stop"), "chat"],
  ["content with usage: null", wire.contentChunk("Hi", { usage: null }), "chat"],
  ["content flagged by the filter", { ...wire.contentChunk("x"), choices: [{ ...wire.contentChunk("x").choices[0], content_filter_results: FLAGGED }] }, "chat"],
  ["content with filter offsets", { ...wire.contentChunk("x"), choices: [{ ...wire.contentChunk("x").choices[0], content_filter_offsets: { start_offset: 0, end_offset: 5, check_offset: 0 } }] }, "chat"],
  ["two choices", { ...wire.contentChunk("a"), choices: [wire.contentChunk("a").choices[0], { ...wire.contentChunk("b").choices[0], index: 1 }] }, "chat"],
  ["prompt annotations", wire.PROMPT_ANNOTATION_CHUNK, "chat"],
  ["older prompt annotations", wire.PROMPT_ANNOTATIONS_OLD_CHUNK, "chat"],
  ["asynchronous annotation", wire.ASYNC_ANNOTATION_CHUNK, "chat"],
  ["asynchronous violation", wire.ASYNC_VIOLATION_CHUNK, "chat"],
  ["usage", wire.USAGE_CHUNK, "chat"],
  ["in-stream error", wire.IN_STREAM_ERROR, "chat"],
  ["empty id", { ...wire.contentChunk("x"), id: "" }, "chat"],
  ["no created", { ...wire.contentChunk("x"), created: 0 }, "chat"],
  ["empty model", { ...wire.contentChunk("x"), model: "" }, "chat"],
  ["another object name", { ...wire.contentChunk("x"), object: "chat.completion" }, "chat"],
  ["choice without index", { ...wire.contentChunk("x"), choices: [{ delta: { content: "x" }, finish_reason: null }] }, "chat"],
  ["legacy completion", { id: "cmpl-1", object: "text_completion", created: 1732000000, model: "gpt-35-turbo-instruct", choices: [{ text: "Hi", index: 0, finish_reason: null, logprobs: null, content_filter_results: {} }] }, "completions"],
  ["legacy completion read as chat", { id: "cmpl-1", object: "text_completion", created: 1732000000, model: "m", choices: [{ text: "Hi", index: 0 }] }, "chat"],
  ["not an object", [1, 2], "chat"],
];

const STATES: Array<[string, ChunkState]> = [
  ["after the role chunk", SEEN],
  ["at the start", INITIAL_CHUNK_STATE],
  ["with prompt annotations held", { ...SEEN, pendingPromptFilterResults: { prompt_filter_results: [] } }],
];

describe("normalizeOwnedChunk: normalizeChunk's answer, made in place, or nothing", () => {
  // Each chunk in both modes, with and without the client asking for usage, in each state of a stream.
  test.each(CHUNKS)("%s", (_name, chunk, kind) => {
    for (const mode of ["strict", "azure"] as CompatMode[]) {
      for (const clientAskedUsage of [false, true]) {
        for (const [, state] of STATES) {
          const full = makeContext(mode, { clientAskedUsage });
          const expected = normalizeChunk(kind, structuredClone(chunk), state, full.ctx);
          const owned = makeContext(mode, { clientAskedUsage });
          const parsed = structuredClone(chunk);
          const before = snapshot(parsed);
          const next = normalizeOwnedChunk(kind, parsed, state, owned.ctx);
          if (next === null) {
            // Declined: the chunk is left as it was for the full rules, and nothing was reported.
            expect(parsed).toEqual(before);
            expect(owned.observed).toEqual([]);
            continue;
          }
          expect(expected.chunks).toHaveLength(1);
          // Same JSON text, key order included, as the full rules send.
          expect(JSON.stringify(parsed)).toBe(JSON.stringify(expected.chunks[0]));
          expect(next).toEqual(expected.state);
          expect(owned.observed).toEqual(full.observed);
        }
      }
    }
  });

  test("takes the common chunks: content, role, finish, flagged content, two choices, a legacy completion", () => {
    const { ctx } = makeContext("strict", { clientAskedUsage: false });
    const taken = CHUNKS.filter(([, chunk, kind]) => normalizeOwnedChunk(kind, structuredClone(chunk), SEEN, ctx) !== null).map(([name]) => name);
    expect(taken).toEqual([
      "content",
      "role (empty filter results)",
      "finish",
      "content with usage: null",
      "content flagged by the filter",
      "content with filter offsets",
      "two choices",
      "legacy completion",
    ]);
  });
});
