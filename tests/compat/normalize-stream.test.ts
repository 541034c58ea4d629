import { describe, expect, test } from "bun:test";
import type { CompatMode } from "../../src/compat/compat-context.ts";
import { normalizeResponsesStream, normalizeStream } from "../../src/compat/normalize-stream.ts";
import type { StreamEvent } from "../../src/streaming/stream-event.ts";
import * as wire from "../fixtures/azure-wire.ts";
import { collect } from "../support/byte-stream.ts";
import { azureEvents, RECORDED_CHAT_STREAM, RECORDED_TEXT, textOf } from "./azure-stream.ts";
import { AZURE_ONLY_KEYS, findKeys, makeContext, REQUESTED_MODEL } from "./compat-helpers.ts";

type Chunk = { id: unknown; object: unknown; created: unknown; model: unknown; choices: Record<string, unknown>[]; usage?: unknown };

async function normalizeRecorded(mode: CompatMode): Promise<{ events: StreamEvent[]; chunks: Chunk[] }> {
  const events = await collect(normalizeStream("chat", azureEvents(RECORDED_CHAT_STREAM), makeContext(mode).ctx));
  const chunks = events.filter((event) => event.json !== undefined).map((event) => event.json as Chunk);
  return { events, chunks };
}

describe.each<[CompatMode]>([["strict"], ["azure"]])("a whole recorded Azure stream, %s", (mode) => {
  test("only the final usage chunk has empty choices", async () => {
    const { chunks } = await normalizeRecorded(mode);
    const empty = chunks.filter((chunk) => chunk.choices.length === 0);
    expect(empty).toHaveLength(1);
    expect(empty[0]).toBe(chunks.at(-1)!);
    expect(empty[0]?.usage).toEqual(wire.USAGE_CHUNK.usage);
  });

  test("every choice has index and delta; every chunk has id, object, created, model", async () => {
    const { chunks } = await normalizeRecorded(mode);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: "chatcmpl-AZURE1", object: "chat.completion.chunk", created: 1732000000 });
      expect(chunk.model).toBe(mode === "strict" ? REQUESTED_MODEL : "gpt-4o-2024-08-06");
      for (const choice of chunk.choices) {
        expect(typeof choice.index).toBe("number");
        expect(choice.delta).toBeObject();
      }
    }
  });

  test("the text is unchanged, the stream still ends with [DONE], data matches json", async () => {
    const { events, chunks } = await normalizeRecorded(mode);
    expect(textOf(chunks)).toBe(RECORDED_TEXT);
    expect(events.at(-1)?.data).toBe("[DONE]");
    for (const event of events.slice(0, -1)) expect(JSON.parse(event.data)).toEqual(event.json);
  });

  test("the annotation-only chunks are gone: role, 2 × content, stop, usage remain", async () => {
    const { chunks } = await normalizeRecorded(mode);
    expect(chunks).toHaveLength(5);
  });
});

test("strict: no Azure-only field remains", async () => {
  const { chunks } = await normalizeRecorded("strict");
  expect(findKeys(chunks, AZURE_ONLY_KEYS)).toEqual([]);
});

test("azure: Azure's chunks as sent, the prompt annotations moved onto the role chunk", async () => {
  const { chunks } = await normalizeRecorded("azure");
  expect(chunks as unknown[]).toEqual([
    { ...wire.ROLE_CHUNK, prompt_filter_results: wire.PROMPT_ANNOTATION_CHUNK.prompt_filter_results },
    wire.contentChunk("Hello"),
    wire.contentChunk(", world"),
    wire.finishChunk("stop"),
    wire.USAGE_CHUNK,
  ]);
  expect(new Set(findKeys(chunks, AZURE_ONLY_KEYS))).toEqual(new Set(["prompt_filter_results", "content_filter_results"]));
});

test("every annotation of the stream is reported, in order", async () => {
  const { ctx, observed } = makeContext("strict");
  await collect(normalizeStream("chat", azureEvents(RECORDED_CHAT_STREAM), ctx));
  expect(observed.map(({ source, index }) => `${source}:${index}`)).toEqual(["prompt:0", "choice:0", "choice:0", "choice:0"]);
});

test("an in-stream error is sent in the OpenAI shape", async () => {
  const events = await collect(normalizeStream("chat", azureEvents([wire.ROLE_CHUNK, { error: { code: "500", message: "boom", status: 500 } }]), makeContext("strict").ctx));
  expect(events[1]?.json).toEqual({ error: { message: "boom", type: "server_error", param: null, code: "500" } });
});

test("events without JSON, and chunks the rules leave alone, pass through as the same objects", async () => {
  const events: StreamEvent[] = [
    { data: "not json", json: undefined },
    { data: '{"type":"ping"}', json: { type: "ping" }, id: "7" },
    { data: "[DONE]", json: undefined },
  ];
  async function* source() {
    yield* events;
  }
  const out = await collect(normalizeStream("chat", source(), makeContext("strict").ctx));
  expect(out).toHaveLength(3);
  out.forEach((event, i) => expect(event).toBe(events[i]!));
});

test("a legacy completions stream: text kept, prompt annotations dropped, requested model", async () => {
  const recorded = [wire.PROMPT_ANNOTATION_CHUNK, wire.completionsChunk("Once"), wire.completionsChunk(" upon", "stop")];
  const events = await collect(normalizeStream("completions", azureEvents(recorded), makeContext("strict").ctx));
  const chunks = events.flatMap((event) => (event.json === undefined ? [] : [event.json as Chunk]));
  expect(chunks.map((chunk) => chunk.choices.map((choice) => choice.text).join(""))).toEqual(["Once", " upon"]);
  expect(chunks.every((chunk) => chunk.object === "text_completion" && chunk.model === REQUESTED_MODEL)).toBe(true);
  expect(findKeys(chunks, AZURE_ONLY_KEYS)).toEqual([]);
});

describe("normalizeResponsesStream", () => {
  const created = { type: "response.created", response: { id: "resp_1", object: "response", model: "o3-mini-2025-01-31", status: "in_progress" } };
  const delta = { type: "response.output_text.delta", item_id: "msg_1", delta: "Hi" };
  const withTopModel = { type: "custom", model: "o3-mini-2025-01-31" };
  const events: StreamEvent[] = [
    { event: "response.created", data: JSON.stringify(created), json: created },
    { event: "response.output_text.delta", data: JSON.stringify(delta), json: delta },
    { event: "custom", data: JSON.stringify(withTopModel), json: withTopModel },
  ];
  async function* source() {
    yield* events;
  }

  test("strict: response.model and a top-level model become the requested model; other events untouched", async () => {
    const out = await collect(normalizeResponsesStream(source(), makeContext("strict").ctx));
    expect(out[0]).toEqual({ event: "response.created", json: { ...created, response: { ...created.response, model: REQUESTED_MODEL } }, data: JSON.stringify({ ...created, response: { ...created.response, model: REQUESTED_MODEL } }) });
    expect(out[1]).toBe(events[1]!);
    expect(out[2]?.json).toEqual({ ...withTopModel, model: REQUESTED_MODEL });
    expect(created.response.model).toBe("o3-mini-2025-01-31");
  });

  test("azure: every event passes as it came", async () => {
    const out = await collect(normalizeResponsesStream(source(), makeContext("azure").ctx));
    out.forEach((event, i) => expect(event).toBe(events[i]!));
  });
});
