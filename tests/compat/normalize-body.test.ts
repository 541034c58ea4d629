import { describe, expect, test } from "bun:test";
import type { AnswerKind } from "../../src/compat/compat-context.ts";
import { normalizeBody } from "../../src/compat/normalize-body.ts";
import * as wire from "../fixtures/azure-wire.ts";
import { AZURE_ONLY_KEYS, findKeys, makeContext, REQUESTED_MODEL, snapshot } from "./compat-helpers.ts";

const EMBEDDINGS_BODY = {
  object: "list",
  data: [{ object: "embedding", index: 0, embedding: [0.1, -0.2] }],
  model: "text-embedding-ada-002",
  usage: { prompt_tokens: 2, total_tokens: 2 },
};
const COMPLETIONS_BODY = {
  id: "cmpl-AZURE3",
  object: "text_completion",
  created: 1732000000,
  model: "gpt-35-turbo-instruct",
  prompt_filter_results: wire.CHAT_COMPLETION_BODY.prompt_filter_results,
  choices: [{ text: "Hi", index: 0, finish_reason: "stop", logprobs: null, content_filter_results: {} }],
};
const RESPONSES_BODY = { id: "resp_1", object: "response", model: "o3-mini-2025-01-31", status: "completed", output: [] };
const TRANSCRIPTION_BODY = { text: "Hello." };

describe("normalizeBody, strict", () => {
  test.each<[AnswerKind, Record<string, unknown>]>([
    ["chat", wire.CHAT_COMPLETION_BODY],
    ["completions", COMPLETIONS_BODY],
    ["embeddings", EMBEDDINGS_BODY],
    ["responses", RESPONSES_BODY],
  ])("%s: Azure's model spelling replaced by the requested name", (kind, body) => {
    const { ctx } = makeContext("strict");
    const before = snapshot(body);
    const normalized = normalizeBody(kind, body, ctx) as Record<string, unknown>;
    expect(normalized.model).toBe(REQUESTED_MODEL);
    expect(body).toEqual(before);
  });

  test.each<[AnswerKind, Record<string, unknown>]>([
    ["chat", wire.CHAT_COMPLETION_BODY],
    ["completions", COMPLETIONS_BODY],
    ["images", wire.IMAGE_GENERATION_BODY],
  ])("%s: no Azure-only field remains", (kind, body) => {
    const { ctx } = makeContext("strict");
    expect(findKeys(normalizeBody(kind, body, ctx), AZURE_ONLY_KEYS)).toEqual([]);
  });

  test("chat: only the Azure fields and the model change", () => {
    const { ctx } = makeContext("strict");
    const { prompt_filter_results: _p, ...expected } = wire.CHAT_COMPLETION_BODY;
    const { content_filter_results: _c, ...choice } = wire.CHAT_COMPLETION_BODY.choices[0]!;
    expect(normalizeBody("chat", wire.CHAT_COMPLETION_BODY, ctx)).toEqual({ ...expected, model: REQUESTED_MODEL, choices: [choice] });
  });

  test("images and audio have no model key, and none is added", () => {
    const { ctx } = makeContext("strict");
    expect(normalizeBody("images", wire.IMAGE_GENERATION_BODY, ctx)).not.toHaveProperty("model");
    expect(normalizeBody("audio", TRANSCRIPTION_BODY, ctx)).toEqual(TRANSCRIPTION_BODY);
  });

  test("the Responses body keeps its own `status` (an OpenAI field there)", () => {
    const { ctx } = makeContext("strict");
    expect(normalizeBody("responses", RESPONSES_BODY, ctx)).toEqual({ ...RESPONSES_BODY, model: REQUESTED_MODEL });
  });
});

describe("normalizeBody, azure", () => {
  test.each<[AnswerKind, unknown]>([
    ["chat", wire.CHAT_COMPLETION_BODY],
    ["embeddings", EMBEDDINGS_BODY],
    ["images", wire.IMAGE_GENERATION_BODY],
  ])("%s: unchanged, Azure's model included", (kind, body) => {
    const { ctx } = makeContext("azure");
    expect(normalizeBody(kind, body, ctx)).toEqual(body);
  });

  test("annotations are still reported", () => {
    const { ctx, observed } = makeContext("azure");
    normalizeBody("images", wire.IMAGE_GENERATION_BODY, ctx);
    expect(observed.map((a) => a.source)).toEqual(["prompt", "choice"]);
  });
});

test.each([["a string", "plain text"], ["null", null], ["an array", [1, 2]]])("a body that is %s passes through", (_name, body) => {
  expect(normalizeBody("chat", body, makeContext("strict").ctx)).toBe(body);
});
