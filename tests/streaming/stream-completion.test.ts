import { describe, expect, test } from "bun:test";
import { isCompleteStream } from "../../src/streaming/stream-completion.ts";
import { toStreamEvent } from "../../src/streaming/stream-event.ts";

const event = (data: unknown, name?: string) => toStreamEvent({ data: typeof data === "string" ? data : JSON.stringify(data), ...(name ? { event: name } : {}) });
const chunk = (index: number, finish: string | null, delta: unknown = {}) => event({ choices: [{ index, delta, finish_reason: finish }] });

describe("isCompleteStream", () => {
  test.each([
    ["nothing at all", [], false],
    ["Azure's [DONE]", [chunk(0, null, { content: "a" }), event("[DONE]")], true],
    ["finish_reason on the only choice", [chunk(0, null, { content: "a" }), chunk(0, "stop")], true],
    ["content, then a clean close", [chunk(0, null, { content: "a" })], false],
    ["role and annotations only", [event({ choices: [], prompt_filter_results: [] }), chunk(0, null, { role: "assistant" })], false],
    ["two choices, one finished", [chunk(0, "stop"), chunk(1, null, { content: "b" })], false],
    ["two choices, both finished", [chunk(0, "stop"), chunk(1, "length")], true],
    ["a choice index beyond 31, finished", [chunk(40, null, { content: "a" }), chunk(40, "stop")], true],
    ["a choice index beyond 31, unfinished", [chunk(0, "stop"), chunk(40, null, { content: "a" })], false],
    ["a finish, then an annotation chunk for the same choice", [chunk(0, "stop"), chunk(0, null)], true],
    ["Azure's error event", [event({ error: { message: "overloaded" } })], true],
    ["Responses API: response.completed", [event({ type: "response.output_text.delta" }), event({ type: "response.completed" })], true],
    ["Responses API: deltas only", [event({ type: "response.output_text.delta" })], false],
  ])("%s → %p", (_name, events, complete) => {
    expect(isCompleteStream(events)).toBe(complete);
  });
});
