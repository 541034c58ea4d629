import { describe, expect, test } from "bun:test";
import { readSseEvents } from "../../src/streaming/sse-decode.ts";
import { continueStream, frameStream, type StreamEnd } from "../../src/streaming/relay-stream.ts";
import { toStreamEvent } from "../../src/streaming/stream-event.ts";
import { collect, decodeAll, streamFailingAfter, streamOf } from "../support/byte-stream.ts";

const head = [toStreamEvent({ data: '{"n":1}' }), toStreamEvent({ data: '{"n":2}' })];

function frame(events: AsyncIterable<ReturnType<typeof toStreamEvent>>, signal = new AbortController().signal) {
  const ends: StreamEnd[] = [];
  let aborted = 0;
  const stream = frameStream(events, {
    clientSignal: signal,
    abortUpstream: () => aborted++,
    endWithDone: true,
    onEnd: (end) => ends.push(end),
  });
  return { stream, ends, aborted: () => aborted };
}

describe("relay", () => {
  test("replays the decision's events, then the rest, then [DONE]", async () => {
    const rest = readSseEvents(streamOf('data: {"n":3}\n\n', "data: [DONE]\n\n"));
    const { stream, ends, aborted } = frame(continueStream(head, rest));
    expect(decodeAll(await collect(stream))).toBe('data: {"n":1}\n\ndata: {"n":2}\n\ndata: {"n":3}\n\ndata: [DONE]\n\n');
    expect(ends).toEqual(["completed"]);
    expect(aborted()).toBe(1);
  });

  test("adds [DONE] when Azure's stream ends without it, and sends it once when it is in the head", async () => {
    const first = frame(continueStream(head, readSseEvents(streamOf('data: {"n":3}\n\n'))));
    expect(decodeAll(await collect(first.stream))).toEndWith('data: {"n":3}\n\ndata: [DONE]\n\n');
    const second = frame(continueStream([...head, toStreamEvent({ data: "[DONE]" })], null));
    expect(decodeAll(await collect(second.stream)).match(/\[DONE\]/g)?.length).toBe(1);
  });

  test("a stream that breaks off ends with an OpenAI-shaped error event, then [DONE]", async () => {
    const rest = readSseEvents(streamFailingAfter('data: {"n":3}\n\n'));
    const { stream, ends } = frame(continueStream(head, rest));
    const text = decodeAll(await collect(stream));
    const frames = text.trim().split("\n\n");
    expect(frames.at(-1)).toBe("data: [DONE]");
    const error = JSON.parse(frames.at(-2)!.slice("data: ".length));
    expect(error).toEqual({
      error: { message: expect.stringContaining("broke off mid-stream"), type: "server_error", param: null, code: "upstream_stream_interrupted" },
    });
    expect(ends).toEqual(["upstream_error"]);
  });

  test("a consumer that stops early closes the upstream and reports the client gone", async () => {
    const controller = new AbortController();
    const rest = readSseEvents(streamOf('data: {"n":3}\n\n', 'data: {"n":4}\n\n'));
    const { stream, ends, aborted } = frame(continueStream(head, rest), controller.signal);
    await stream.next();
    controller.abort();
    await stream.return();
    expect(aborted()).toBe(1);
    expect(ends).toEqual(["client_gone"]);
  });
});
