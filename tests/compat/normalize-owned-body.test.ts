import { expect, test } from "bun:test";
import type { AnswerKind, CompatMode } from "../../src/compat/compat-context.ts";
import { normalizeBody, normalizeOwnedBody } from "../../src/compat/normalize-body.ts";
import * as wire from "../fixtures/azure-wire.ts";
import { makeContext } from "./compat-helpers.ts";

const FLAGGED_CHAT = {
  ...wire.CHAT_COMPLETION_BODY,
  choices: [{ ...wire.CHAT_COMPLETION_BODY.choices[0], content_filter_results: { violence: { filtered: true, severity: "medium" } }, content_filter_offsets: { start_offset: 0, end_offset: 9, check_offset: 0 } }],
};
const COMPLETIONS_BODY = {
  id: "cmpl-AZURE3",
  object: "text_completion",
  created: 1732000000,
  model: "gpt-35-turbo-instruct",
  prompt_annotations: wire.CHAT_COMPLETION_BODY.prompt_filter_results,
  choices: [{ text: "Hi", index: 0, finish_reason: "stop", logprobs: null, content_filter_results: {} }, "not an object"],
};

/** Every body shape the answer path normalises, Azure's annotations included. */
const BODIES: Array<[string, AnswerKind, unknown]> = [
  ["chat", "chat", wire.CHAT_COMPLETION_BODY],
  ["chat flagged, with offsets", "chat", FLAGGED_CHAT],
  ["legacy completion with the older prompt_annotations", "completions", COMPLETIONS_BODY],
  ["images", "images", wire.IMAGE_GENERATION_BODY],
  ["embeddings", "embeddings", { object: "list", data: [{ object: "embedding", index: 0, embedding: [0.1] }], model: "text-embedding-ada-002", usage: { prompt_tokens: 2, total_tokens: 2 } }],
  ["responses", "responses", { id: "resp_1", object: "response", model: "o3-mini-2025-01-31", status: "completed", output: [], usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 } }],
  ["audio", "audio", { text: "Hello." }],
  ["not an object", "chat", "plain text"],
];

test.each(BODIES)("%s: normalised in place to exactly what the copying rules give, with the same reports", (_name, kind, body) => {
  for (const mode of ["strict", "azure"] as CompatMode[]) {
    const copying = makeContext(mode);
    const usage: unknown[] = [];
    const expected = JSON.stringify(normalizeBody(kind, structuredClone(body), { ...copying.ctx, observeUsage: (u) => usage.push(u) }));
    const owned = makeContext(mode);
    const ownedUsage: unknown[] = [];
    // Same JSON text, key order included.
    expect(JSON.stringify(normalizeOwnedBody(kind, structuredClone(body), { ...owned.ctx, observeUsage: (u) => ownedUsage.push(u) }))).toBe(expected);
    expect(owned.observed).toEqual(copying.observed);
    expect(ownedUsage).toEqual(usage);
  }
});
