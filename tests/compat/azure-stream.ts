/** A whole recorded Azure chat stream (§4.4, §4.5, §6.1) as SSE text and as parsed StreamEvents. */
import { toStreamEvent, type StreamEvent } from "../../src/streaming/stream-event.ts";
import { readSseEvents } from "../../src/streaming/sse-decode.ts";
import * as wire from "../fixtures/azure-wire.ts";
import { streamOf } from "../support/byte-stream.ts";

/** Prompt annotations, role, content with filter results, stop, an async annotation after stop, usage. */
export const RECORDED_CHAT_STREAM: readonly unknown[] = [
  wire.PROMPT_ANNOTATION_CHUNK,
  wire.ROLE_CHUNK,
  wire.contentChunk("Hello"),
  wire.contentChunk(", world"),
  wire.finishChunk("stop"),
  wire.ASYNC_ANNOTATION_CHUNK,
  wire.USAGE_CHUNK,
];
export const RECORDED_TEXT = "Hello, world";

/** `data: …\n\n` frames ending with `data: [DONE]`, as Azure sends them. */
export function sseText(chunks: readonly unknown[]): string {
  return [...chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`), "data: [DONE]\n\n"].join("");
}

/** The frames decoded by haigpt's own SSE reader, split mid-frame the way a network would. */
export async function* azureEvents(chunks: readonly unknown[]): AsyncGenerator<StreamEvent> {
  const text = sseText(chunks);
  const middle = Math.floor(text.length / 2);
  for await (const event of readSseEvents(streamOf(text.slice(0, middle), text.slice(middle)))) yield toStreamEvent(event);
}

/** Joins the `delta.content` of every choice. */
export function textOf(chunks: readonly unknown[]): string {
  return chunks
    .flatMap((chunk) => ((chunk as { choices?: { delta?: { content?: string } }[] }).choices ?? []))
    .map((choice) => choice.delta?.content ?? "")
    .join("");
}
