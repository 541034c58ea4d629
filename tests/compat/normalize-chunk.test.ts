import { describe, expect, test } from "bun:test";
import type { CompatMode } from "../../src/compat/compat-context.ts";
import { INITIAL_CHUNK_STATE, normalizeChunk, type ChunkState } from "../../src/compat/normalize-chunk.ts";
import * as wire from "../fixtures/azure-wire.ts";
import { AZURE_ONLY_KEYS, FALLBACK_ID, findKeys, makeContext, NOW_SECONDS, REQUESTED_MODEL, snapshot } from "./compat-helpers.ts";

const AZURE_ID = "chatcmpl-AZURE1";
const AZURE_CREATED = 1732000000;
const AZURE_MODEL = "gpt-4o-2024-08-06";
/** The state after Azure's role chunk. */
const SEEN: ChunkState = { id: AZURE_ID, created: AZURE_CREATED, model: AZURE_MODEL, pendingPromptFilterResults: null };

function run(mode: CompatMode, chunk: unknown, state: ChunkState = SEEN, kind: "chat" | "completions" = "chat") {
  const { ctx, observed } = makeContext(mode);
  return { ...normalizeChunk(kind, chunk, state, ctx), observed };
}

describe("rule 1: an error event becomes an OpenAI error", () => {
  test.each<[CompatMode]>([["strict"], ["azure"]])("%s: the recorded in-stream error", (mode) => {
    const { chunks, state } = run(mode, wire.IN_STREAM_ERROR);
    expect(chunks).toEqual([wire.IN_STREAM_ERROR]);
    expect(state).toBe(SEEN);
  });
  test("strict: extras dropped, missing type filled", () => {
    const { chunks } = run("strict", { error: { code: "429", message: "Too many", status: 429 } });
    expect(chunks).toEqual([{ error: { message: "Too many", type: "server_error", param: null, code: "429" } }]);
  });
});

describe("rule 2: the prompt-annotation chunk (§4.4) is never sent", () => {
  test.each([
    ["prompt_filter_results", wire.PROMPT_ANNOTATION_CHUNK],
    ["the older prompt_annotations", wire.PROMPT_ANNOTATIONS_OLD_CHUNK],
  ])("strict, %s: dropped, reported, nothing held", (_name, chunk) => {
    const { chunks, state, observed } = run("strict", chunk, INITIAL_CHUNK_STATE);
    expect(chunks).toEqual([]);
    expect(state.pendingPromptFilterResults).toBeNull();
    expect(observed).toEqual([{ source: "prompt", index: 0, results: wire.PROMPT_ANNOTATION_CHUNK.prompt_filter_results[0]?.content_filter_results, flagged: false }]);
  });

  test.each([
    ["prompt_filter_results", wire.PROMPT_ANNOTATION_CHUNK],
    ["prompt_annotations", wire.PROMPT_ANNOTATIONS_OLD_CHUNK],
  ] as const)("azure: %s is held and attached, under that name, to the next chunk sent", (key, chunk) => {
    const { ctx, observed } = makeContext("azure");
    const held = normalizeChunk("chat", chunk, INITIAL_CHUNK_STATE, ctx);
    expect(held.chunks).toEqual([]);
    const next = normalizeChunk("chat", wire.ROLE_CHUNK, held.state, ctx);
    expect(next.chunks).toEqual([{ ...wire.ROLE_CHUNK, [key]: wire.PROMPT_ANNOTATION_CHUNK.prompt_filter_results }]);
    expect(next.state.pendingPromptFilterResults).toBeNull();
    expect(normalizeChunk("chat", wire.contentChunk("x"), next.state, ctx).chunks).toEqual([wire.contentChunk("x")]);
    expect(observed).toHaveLength(2); // the prompt annotation once, then the content chunk's choice
  });

  test("azure: annotations of several prompts arriving apart are joined in arrival order", () => {
    const second = { ...wire.PROMPT_ANNOTATION_CHUNK, prompt_filter_results: [{ prompt_index: 1, content_filter_results: { hate: { filtered: false, severity: "safe" } } }] };
    const { ctx } = makeContext("azure");
    const first = normalizeChunk("chat", wire.PROMPT_ANNOTATION_CHUNK, INITIAL_CHUNK_STATE, ctx);
    const both = normalizeChunk("chat", second, first.state, ctx);
    const [sent] = normalizeChunk("chat", wire.ROLE_CHUNK, both.state, ctx).chunks as Record<string, unknown>[];
    expect(sent?.prompt_filter_results).toEqual([...wire.PROMPT_ANNOTATION_CHUNK.prompt_filter_results, ...second.prompt_filter_results]);
  });

  test("an empty-choices chunk with neither annotations nor usage is dropped too", () => {
    expect(run("azure", { id: "", choices: [] }).chunks).toEqual([]);
  });
});

describe("rule 3: the usage chunk (§6.1) is sent with choices: []", () => {
  test("strict: Azure's chunk, requested model", () => {
    expect(run("strict", wire.USAGE_CHUNK).chunks).toEqual([{ ...wire.USAGE_CHUNK, model: REQUESTED_MODEL }]);
  });
  test("azure: unchanged", () => {
    expect(run("azure", wire.USAGE_CHUNK).chunks).toEqual([wire.USAGE_CHUNK]);
  });
  test("empty id/object/created/model are filled from the stream", () => {
    const bare = { id: "", object: "", created: 0, model: "", choices: [], usage: wire.USAGE_CHUNK.usage };
    expect(run("azure", bare).chunks).toEqual([{ ...bare, id: AZURE_ID, object: "chat.completion.chunk", created: AZURE_CREATED, model: AZURE_MODEL }]);
  });
  test("strict: prompt annotations riding on the usage chunk are removed", () => {
    const [sent] = run("strict", { ...wire.USAGE_CHUNK, prompt_filter_results: wire.PROMPT_ANNOTATION_CHUNK.prompt_filter_results }).chunks;
    expect(findKeys(sent, AZURE_ONLY_KEYS)).toEqual([]);
  });
});

describe("rule 4: choices", () => {
  test("strict: a content chunk loses its filter results, keeps everything else", () => {
    const { content_filter_results: _c, ...choice } = wire.contentChunk("Hi").choices[0]!;
    expect(run("strict", wire.contentChunk("Hi")).chunks).toEqual([{ ...wire.contentChunk("Hi"), model: REQUESTED_MODEL, choices: [choice] }]);
  });
  test("azure: a content chunk is unchanged", () => {
    expect(run("azure", wire.contentChunk("Hi")).chunks).toEqual([wire.contentChunk("Hi")]);
  });

  test.each<[CompatMode]>([["strict"], ["azure"]])("%s: an async annotation without finish_reason (§4.5) is not sent but reported", (mode) => {
    const { chunks, observed } = run(mode, wire.ASYNC_ANNOTATION_CHUNK);
    expect(chunks).toEqual([]);
    expect(observed).toEqual([{ source: "choice", index: 0, results: wire.ASYNC_ANNOTATION_CHUNK.choices[0]?.content_filter_results, flagged: false }]);
  });

  test("strict: the async violation becomes an ordinary finishing chunk of the stream", () => {
    const { chunks, observed } = run("strict", wire.ASYNC_VIOLATION_CHUNK);
    expect(chunks).toEqual([
      {
        id: AZURE_ID,
        object: "chat.completion.chunk",
        created: AZURE_CREATED,
        model: REQUESTED_MODEL,
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "content_filter" }],
        usage: null,
      },
    ]);
    expect(observed[0]?.flagged).toBe(true);
  });

  test("azure: the violation's choice gains a delta and keeps Azure's annotation fields", () => {
    const [sent] = run("azure", wire.ASYNC_VIOLATION_CHUNK).chunks as { model: string; choices: unknown[] }[];
    expect(sent?.model).toBe(AZURE_MODEL);
    expect(sent?.choices).toEqual([{ ...wire.ASYNC_VIOLATION_CHUNK.choices[0], delta: {}, logprobs: null }]);
  });

  test("a mixed chunk keeps only the choices a client can read", () => {
    const mixed = { ...wire.contentChunk("A"), choices: [wire.contentChunk("A").choices[0], { ...wire.ASYNC_ANNOTATION_CHUNK.choices[0], index: 1 }] };
    const [sent] = run("azure", mixed).chunks as { choices: { index: number }[] }[];
    expect(sent?.choices.map((c) => c.index)).toEqual([0]);
  });

  test("a choice without index gets its position", () => {
    const chunk = { ...wire.contentChunk("A"), choices: [{ delta: { content: "A" }, finish_reason: null }] };
    const [sent] = run("strict", chunk).chunks as { choices: unknown[] }[];
    expect(sent?.choices).toEqual([{ delta: { content: "A" }, finish_reason: null, index: 0 }]);
  });
});

describe("rule 4 for legacy completions (text instead of delta)", () => {
  test("strict: text kept, filter results removed, object text_completion", () => {
    const { content_filter_results: _c, ...choice } = wire.completionsChunk("Hi").choices[0]!;
    expect(run("strict", wire.completionsChunk("Hi"), INITIAL_CHUNK_STATE, "completions").chunks).toEqual([
      { ...wire.completionsChunk("Hi"), model: REQUESTED_MODEL, choices: [choice] },
    ]);
  });
  test("the violation becomes a choice with empty text", () => {
    const [sent] = run("strict", wire.ASYNC_VIOLATION_CHUNK, SEEN, "completions").chunks as Record<string, unknown>[];
    expect(sent).toMatchObject({ object: "text_completion", choices: [{ index: 0, text: "", logprobs: null, finish_reason: "content_filter" }] });
  });
  test("a chat-style delta choice in a completions stream counts as an annotation", () => {
    expect(run("strict", wire.ASYNC_ANNOTATION_CHUNK, SEEN, "completions").chunks).toEqual([]);
  });
});

describe("rule 5: id, object and created of synthesised chunks", () => {
  test("before Azure has given any, the fallback id and the clock", () => {
    const [sent] = run("azure", wire.ASYNC_VIOLATION_CHUNK, INITIAL_CHUNK_STATE).chunks;
    expect(sent).toMatchObject({ id: FALLBACK_ID, object: "chat.completion.chunk", created: NOW_SECONDS, model: REQUESTED_MODEL });
  });

  test("state remembers the first non-empty id / non-zero created / non-empty model only", () => {
    const { ctx } = makeContext("strict");
    const afterAnnotation = normalizeChunk("chat", wire.PROMPT_ANNOTATION_CHUNK, INITIAL_CHUNK_STATE, ctx).state;
    expect(afterAnnotation).toEqual(INITIAL_CHUNK_STATE);
    const afterRole = normalizeChunk("chat", wire.ROLE_CHUNK, afterAnnotation, ctx).state;
    expect(afterRole).toEqual(SEEN);
    const later = normalizeChunk("chat", { ...wire.contentChunk("x"), id: "chatcmpl-OTHER", created: 1, model: "m" }, afterRole, ctx).state;
    expect(later).toEqual(SEEN);
  });
});

describe("rule 6: model", () => {
  test.each([
    ["strict", wire.ROLE_CHUNK, REQUESTED_MODEL],
    ["azure", wire.ROLE_CHUNK, AZURE_MODEL],
    ["azure", { ...wire.contentChunk("x"), model: "" }, AZURE_MODEL],
  ] as const)("%s", (mode, chunk, model) => {
    expect(run(mode, chunk).chunks[0]).toMatchObject({ model });
  });
});

describe("rule 7: unknown shapes pass unchanged", () => {
  test.each([
    ["a string", "hello"],
    ["null", null],
    ["an array", [1]],
    ["an object without choices or error", { type: "ping" }],
    ["choices that are not an array", { choices: "x" }],
  ])("%s", (_name, chunk) => {
    const { chunks, state } = run("strict", chunk);
    expect(chunks).toEqual([chunk]);
    expect(chunks[0]).toBe(chunk);
    expect(state).toBe(SEEN);
  });
});

test("inputs are never mutated", () => {
  const chunks = [wire.PROMPT_ANNOTATION_CHUNK, wire.ROLE_CHUNK, wire.ASYNC_VIOLATION_CHUNK, wire.USAGE_CHUNK, wire.IN_STREAM_ERROR];
  const before = snapshot(chunks);
  for (const mode of ["strict", "azure"] as const) {
    const { ctx } = makeContext(mode);
    let state = INITIAL_CHUNK_STATE;
    for (const chunk of chunks) state = normalizeChunk("chat", chunk, state, ctx).state;
  }
  expect(chunks).toEqual(before);
});

describe("filter annotations for a record that keeps flagged ones only (flaggedFiltersOnly)", () => {
  const flaggedChunk = {
    ...wire.contentChunk("x"),
    choices: [{ ...wire.contentChunk("x").choices[0], content_filter_results: { hate: { filtered: true, severity: "high" } } }],
  };

  test("the safe results on every content chunk are not reported at all", () => {
    const { ctx, observed } = makeContext("strict", { flaggedFiltersOnly: true });
    normalizeChunk("chat", wire.contentChunk("Hello"), SEEN, ctx);
    normalizeChunk("chat", wire.PROMPT_ANNOTATION_CHUNK, INITIAL_CHUNK_STATE, ctx);
    expect(observed).toEqual([]);
  });

  test("a flagged result is reported, as without the flag", () => {
    const only = makeContext("strict", { flaggedFiltersOnly: true });
    const all = makeContext("strict");
    normalizeChunk("chat", flaggedChunk, SEEN, only.ctx);
    normalizeChunk("chat", flaggedChunk, SEEN, all.ctx);
    expect(only.observed).toEqual([{ source: "choice", index: 0, results: { hate: { filtered: true, severity: "high" } }, flagged: true }]);
    expect(only.observed).toEqual(all.observed);
  });
});
