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

  test("adds [DONE] when Azure finished every choice but sent no [DONE], and sends it once when it is in the head", async () => {
    const finish = 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n';
    const first = frame(continueStream(head, readSseEvents(streamOf(finish))));
    expect(decodeAll(await collect(first.stream))).toEndWith(`${finish}data: [DONE]\n\n`);
    expect(first.ends).toEqual(["completed"]);
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

/** The error event and the frame after it, from a finished relay's text. */
function lastTwo(text: string): { error: any; after: string } {
  const frames = text.trim().split("\n\n");
  return { error: JSON.parse(frames.at(-2)!.slice("data: ".length)), after: frames.at(-1)! };
}

describe("a stream is complete only when Azure said so", () => {
  test("a clean close mid-answer (no finish_reason, no [DONE]) ends with one error event and [DONE], reported upstream_closed", async () => {
    const { stream, ends } = frame(continueStream(head, readSseEvents(streamOf('data: {"choices":[{"index":0,"delta":{"content":"Hal"},"finish_reason":null}]}\n\n'))));
    const text = decodeAll(await collect(stream));
    expect(text.match(/"error"/g)).toHaveLength(1);
    const { error, after } = lastTwo(text);
    expect(after).toBe("data: [DONE]");
    expect(error.error).toMatchObject({ code: "upstream_stream_interrupted", message: expect.stringContaining("closed the stream before finishing") });
    expect(ends).toEqual(["upstream_closed"]);
  });

  test("one choice finished, the other not: still incomplete", async () => {
    const chunks = 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: {"choices":[{"index":1,"delta":{"content":"x"},"finish_reason":null}]}\n\n';
    const { stream, ends } = frame(continueStream(head, readSseEvents(streamOf(chunks))));
    await collect(stream);
    expect(ends).toEqual(["upstream_closed"]);
  });

  test("data that is not JSON ends the stream with the error event, reported upstream_malformed", async () => {
    const { stream, ends } = frame(continueStream(head, readSseEvents(streamOf("data: <html>oops</html>\n\n", 'data: {"n":9}\n\n'))));
    const text = decodeAll(await collect(stream));
    expect(text).not.toContain("oops");
    expect(text).not.toContain('{"n":9}');
    expect(lastTwo(text).after).toBe("data: [DONE]");
    expect(ends).toEqual(["upstream_malformed"]);
  });

  test.each([
    ["shutdown", "shutdown", "server_shutting_down"],
    ["idle_timeout", "upstream_idle", "upstream_stream_stalled"],
  ] as const)("a connection closed by haigpt for %s ends as %s with code %s", async (cause, end, code) => {
    const { stream, ends } = frameWithCause(continueStream(head, readSseEvents(streamFailingAfter('data: {"n":3}\n\n'))), cause);
    const text = decodeAll(await collect(stream));
    expect(lastTwo(text).error.error.code).toBe(code);
    expect(lastTwo(text).after).toBe("data: [DONE]");
    expect(ends).toEqual([end]);
  });
});

function frameWithCause(events: AsyncIterable<ReturnType<typeof toStreamEvent>>, cause: "shutdown" | "idle_timeout") {
  const ends: StreamEnd[] = [];
  const stream = frameStream(events, {
    clientSignal: new AbortController().signal,
    abortUpstream: () => {},
    upstreamCause: () => cause,
    endWithDone: true,
    onEnd: (end) => ends.push(end),
  });
  return { stream, ends };
}

test("Azure's own error event mid-stream is the end: a reset after it adds no second error event", async () => {
  const rest = readSseEvents(streamFailingAfter('data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}\n\n', 'data: {"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}\n\n'));
  const { stream, ends } = frame(continueStream(head, rest));
  const text = decodeAll(await collect(stream));
  expect(text.match(/"error"/g)).toHaveLength(1);
  expect(text).toContain("overloaded");
  expect(text).toEndWith("data: [DONE]\n\n");
  expect(ends).toEqual(["upstream_error_event"]);
});

describe("relay of a stepped source", () => {
  const step = (event: ReturnType<typeof toStreamEvent>) => [event];
  const run = (rest: ReturnType<typeof readSseEvents>) => {
    const ends: StreamEnd[] = [];
    // The relay takes the head (it empties the array): each run gets its own.
    const stream = frameStream({ source: { head: [...head], rest }, step }, {
      clientSignal: new AbortController().signal,
      abortUpstream: () => {},
      endWithDone: true,
      onEnd: (end) => ends.push(end),
    });
    return { stream, ends };
  };

  test("one write for the decision's events, one per read of Azure's body, [DONE] with the last", async () => {
    const finish = 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n';
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const encoder = new TextEncoder();
        controller.enqueue(encoder.encode('data: {"n":3}\n\ndata: {"n":4}\n\n'));
        controller.enqueue(encoder.encode(`${finish}data: [DONE]\n\n`));
        controller.close();
      },
    });
    const { stream, ends } = run(readSseEvents(body));
    const chunks = await collect(stream);
    expect(chunks).toEqual([
      'data: {"n":1}\n\ndata: {"n":2}\n\n', 'data: {"n":3}\n\ndata: {"n":4}\n\n', `${finish}data: [DONE]\n\n`,
    ]);
    expect(ends).toEqual(["completed"]);
  });

  test("the decision's events are let go once framed: the head array is emptied", async () => {
    const source = { head: [...head], rest: readSseEvents(streamOf('data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n', "data: [DONE]\n\n")) };
    const stream = frameStream({ source, step }, { clientSignal: new AbortController().signal, abortUpstream: () => {}, endWithDone: true });
    const first = await stream.next();
    expect(first.value).toBe('data: {"n":1}\n\ndata: {"n":2}\n\n');
    expect(source.head).toEqual([]);
    await collect(stream);
  });

  test("a stream whose decision already read [DONE] is one write", async () => {
    const finish = toStreamEvent({ data: '{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}' });
    const stream = frameStream({ source: { head: [...head, finish, toStreamEvent({ data: "[DONE]" })], rest: null }, step }, {
      clientSignal: new AbortController().signal,
      abortUpstream: () => {},
      endWithDone: true,
    });
    const chunks = await collect(stream);
    expect(chunks).toHaveLength(1);
    expect(decodeAll(chunks)).toBe(`data: {"n":1}\n\ndata: {"n":2}\n\ndata: ${finish.data}\n\ndata: [DONE]\n\n`);
  });

  test("an event that is not JSON ends the stream after the events before it in the same read", async () => {
    const { stream, ends } = run(readSseEvents(streamOf('data: {"n":3}\n\ndata: oops\n\ndata: {"n":5}\n\n')));
    const text = decodeAll(await collect(stream));
    expect(text).toStartWith('data: {"n":1}\n\ndata: {"n":2}\n\ndata: {"n":3}\n\ndata: {"error":');
    expect(text).not.toContain('{"n":5}');
    expect(ends).toEqual(["upstream_malformed"]);
  });
});
