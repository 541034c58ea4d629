import { describe, expect, test } from "bun:test";
import { Stream } from "openai/core/streaming";
import { APIError } from "openai/error";
import { ChatCompletionStream } from "openai/lib/ChatCompletionStream";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CompatMode } from "../../src/compat/compat-context.ts";
import { normalizeStream } from "../../src/compat/normalize-stream.ts";
import { frameEvent } from "../../src/streaming/sse-encode.ts";
import * as wire from "../fixtures/azure-wire.ts";
import { collect, decodeAll } from "../support/byte-stream.ts";
import { azureEvents, RECORDED_CHAT_STREAM, RECORDED_TEXT, sseText } from "./azure-stream.ts";
import { AZURE_ONLY_KEYS, findKeys, makeContext, REQUESTED_MODEL } from "./compat-helpers.ts";

/** What a client asking without `include_usage` receives: no usage chunk. */
const WITHOUT_USAGE = RECORDED_CHAT_STREAM.filter((chunk) => chunk !== wire.USAGE_CHUNK);

/** The SSE text haigpt sends: each normalised event framed as the relay frames it. */
async function normalizedSse(mode: CompatMode, chunks: readonly unknown[]): Promise<string> {
  const events = await collect(normalizeStream("chat", azureEvents(chunks), makeContext(mode).ctx));
  return decodeAll(events.map(frameEvent));
}

function sdkStream(sse: string): Stream<ChatCompletionChunk> {
  const response = new Response(sse, { headers: { "content-type": "text/event-stream" } });
  return Stream.fromSSEResponse<ChatCompletionChunk>(response, new AbortController());
}

/** The §8 client pattern `chunk.choices[0].delta.content`, written for OpenAI's shapes without include_usage. */
async function readNaively(stream: Stream<ChatCompletionChunk>): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += (chunk.choices[0] as ChatCompletionChunk.Choice).delta.content ?? "";
  return text;
}

describe("Stream.fromSSEResponse (openai-node's SSE parser)", () => {
  test("naive client code crashes on Azure's raw stream (§8: empty choices, choice without delta)", async () => {
    await expect(readNaively(sdkStream(sseText(WITHOUT_USAGE)))).rejects.toBeInstanceOf(TypeError);
    const withoutPromptChunk = WITHOUT_USAGE.filter((chunk) => chunk !== wire.PROMPT_ANNOTATION_CHUNK);
    await expect(readNaively(sdkStream(sseText(withoutPromptChunk)))).rejects.toBeInstanceOf(TypeError);
  });

  test.each<[CompatMode]>([["strict"], ["azure"]])("%s: the same code reads the normalised stream's full text", async (mode) => {
    expect(await readNaively(sdkStream(await normalizedSse(mode, WITHOUT_USAGE)))).toBe(RECORDED_TEXT);
  });

  test("strict: every parsed chunk is a well-formed OpenAI chunk", async () => {
    const chunks = await collect(sdkStream(await normalizedSse("strict", RECORDED_CHAT_STREAM)));
    expect(chunks.map((chunk) => chunk.choices.length)).toEqual([1, 1, 1, 1, 0]);
    expect(chunks.every((chunk) => chunk.model === REQUESTED_MODEL && chunk.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.at(-1)?.usage).toEqual(wire.USAGE_CHUNK.usage);
    expect(findKeys(chunks, AZURE_ONLY_KEYS)).toEqual([]);
  });

  test("strict: an in-stream error is raised as APIError with OpenAI's fields", async () => {
    const sse = await normalizedSse("strict", [wire.ROLE_CHUNK, { error: { code: "429", message: "Slow down", status: 429 } }]);
    const error = await collect(sdkStream(sse)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).error).toEqual({ message: "Slow down", type: "server_error", param: null, code: "429" });
    expect((error as APIError).type).toBe("server_error");
  });
});

describe("ChatCompletionStream.fromReadableStream (openai-node's stream helper)", () => {
  /** The documented pairing: the server's `stream.toReadableStream()` read by `fromReadableStream`. */
  async function finalCompletion(sse: string) {
    return ChatCompletionStream.fromReadableStream(sdkStream(sse).toReadableStream()).finalChatCompletion();
  }

  test("strict: the final completion has the same text, the requested model and no Azure fields", async () => {
    const completion = await finalCompletion(await normalizedSse("strict", RECORDED_CHAT_STREAM));
    expect(completion.choices[0]?.message.content).toBe(RECORDED_TEXT);
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.model).toBe(REQUESTED_MODEL);
    expect(completion.id).toBe("chatcmpl-AZURE1");
    expect(completion.usage).toEqual(wire.USAGE_CHUNK.usage);
    expect(findKeys(completion, AZURE_ONLY_KEYS)).toEqual([]);
  });

  test("the async violation finishes the completion with content_filter", async () => {
    const recorded = [wire.PROMPT_ANNOTATION_CHUNK, wire.ROLE_CHUNK, wire.contentChunk("Partial"), wire.ASYNC_VIOLATION_CHUNK];
    const completion = await finalCompletion(await normalizedSse("strict", recorded));
    expect(completion.choices[0]?.finish_reason).toBe("content_filter");
    expect(completion.choices[0]?.message.content).toBe("Partial");
  });

  test("Azure's raw stream: openai 6.47+ no longer crashes (openai-node#1015, fixed by #1982), but Azure shows through", async () => {
    // Before 6.47.0 this threw "Cannot read properties of undefined (reading 'content')" on the delta-less chunk.
    const completion = await finalCompletion(sseText(RECORDED_CHAT_STREAM));
    expect(completion.choices[0]?.message.content).toBe(RECORDED_TEXT);
    expect(completion.model).toBe("gpt-4o-2024-08-06");
    expect(findKeys(completion, AZURE_ONLY_KEYS)).toEqual(expect.arrayContaining(["prompt_filter_results", "content_filter_results", "content_filter_offsets"]));
  });
});
