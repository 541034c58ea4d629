import { describe, expect, test } from "bun:test";
import { readSseEvents } from "../../src/streaming/sse-decode.ts";
import { DONE_FRAME, frameEvent } from "../../src/streaming/sse-encode.ts";
import { collect, decodeAll, streamOf } from "../support/byte-stream.ts";

describe("readSseEvents", () => {
  test("splits events at blank lines even when \\r\\n\\r\\n is split across reads", async () => {
    const events = await collect(readSseEvents(streamOf('data: {"a":1}\r', "\n\r", '\ndata: {"b"', ":2}\r\n\r\n", "data: [DONE]\n\n")));
    expect(events.map((e) => e.data)).toEqual(['{"a":1}', '{"b":2}', "[DONE]"]);
  });

  test("joins multi-line data, skips comments and keeps event names", async () => {
    const events = await collect(
      readSseEvents(streamOf(": keep-alive\n\n", "event: response.created\ndata: {\"x\":\ndata: 1}\n\n")),
    );
    expect(events).toEqual([{ event: "response.created", id: undefined, data: '{"x":\n1}' }]);
  });

  test("handles a UTF-8 character split between reads", async () => {
    const bytes = new TextEncoder().encode('data: {"t":"é"}\n\n');
    const cut = bytes.indexOf(0xc3) + 1;
    const events = await collect(readSseEvents(streamOf(bytes.slice(0, cut), bytes.slice(cut))));
    expect(JSON.parse(events[0]!.data)).toEqual({ t: "é" });
  });

  test("nextBatch hands over what one read brought, after the events taken one at a time, and null at the end", async () => {
    const events = readSseEvents(streamOf("data: 1\n\ndata: 2\n\ndata: 3\n\n", "data: 4\n\ndata: 5\n\n"));
    expect((await events.next()).value?.data).toBe("1");
    expect((await events.nextBatch())?.map((event) => event.data)).toEqual(["2", "3"]);
    expect((await events.nextBatch())?.map((event) => event.data)).toEqual(["4", "5"]);
    expect(await events.nextBatch()).toBeNull();
    expect((await events.next()).done).toBe(true);
  });

  test("returning early cancels the body", async () => {
    const { promise: cancelled, resolve } = Promise.withResolvers<string>();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("data: 1\n\n"));
      },
      cancel: () => resolve("cancelled"),
    });
    for await (const _event of readSseEvents(body)) break;
    expect(await cancelled).toBe("cancelled");
  });
});

describe("frameEvent", () => {
  test("frames data, names events and splits multi-line data", () => {
    expect(decodeAll([frameEvent({ data: '{"a":1}' })])).toBe('data: {"a":1}\n\n');
    expect(decodeAll([frameEvent({ event: "response.done", data: "x\ny" })])).toBe("event: response.done\ndata: x\ndata: y\n\n");
    expect(decodeAll([DONE_FRAME])).toBe("data: [DONE]\n\n");
  });

  test("what frameEvent writes, readSseEvents reads back unchanged", async () => {
    const original = [{ data: '{"a":"line1\\nline2"}' }, { event: "x", data: "multi\nline" }];
    const events = await collect(readSseEvents(streamOf(...original.map((e) => frameEvent(e)))));
    expect(events.map(({ event, data }) => ({ ...(event ? { event } : {}), data }))).toEqual(original);
  });
});
