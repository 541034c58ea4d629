import { describe, expect, test } from "bun:test";
import { countPromptTokens, loadCounter } from "../../src/compat/count-tokens.ts";
import { applyUsagePlan } from "../../src/compat/include-usage.ts";
import type { StreamEvent } from "../../src/streaming/stream-event.ts";

const chunk = (json: Record<string, unknown>): StreamEvent => ({ data: JSON.stringify(json), json }) as StreamEvent;
const DONE = { data: "[DONE]", json: undefined } as StreamEvent;
const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o" };
const content = (text: string) => chunk({ ...base, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
const usageOnly = chunk({ ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } });
const body = { messages: [{ role: "user", content: "hello world" }] };

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}
async function* from(events: StreamEvent[]): AsyncGenerator<StreamEvent> {
  yield* events;
}
const identity = (events: AsyncIterable<StreamEvent>) => events;

describe("counting", () => {
  test("prompt tokens follow OpenAI's counting: 3 per message, 3 to prime the reply", async () => {
    const count = await loadCounter("gpt-4o");
    expect(count("hello world")).toBe(2);
    expect(countPromptTokens(count, body)).toBe(3 + 3 + 2);
    expect(countPromptTokens(count, { prompt: "hello world" })).toBe(2);
  });
});

describe("applyUsagePlan", () => {
  test("counted: one usage chunk, shaped like the stream's, just before [DONE]", async () => {
    const run = applyUsagePlan({ source: "counted", strip: false }, identity, body, "gpt-4o");
    const out = await collect(run(from([content("hello "), content("world"), DONE])));
    expect(out.map((event) => event.data).at(-1)).toBe("[DONE]");
    expect(out.at(-2)?.json).toEqual({ ...base, choices: [], usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 } });
  });

  test("counted: at the end when [DONE] was already cut off; none after an error event", async () => {
    const run = applyUsagePlan({ source: "counted", strip: false }, identity, body, "gpt-4o");
    const ended = await collect(run(from([content("hello")])));
    expect((ended.at(-1)?.json as { usage: unknown }).usage).toBeDefined();
    const failed = await collect(run(from([content("hello"), chunk({ error: { message: "overloaded" } })])));
    expect(failed.some((event) => (event.json as { usage?: unknown })?.usage)).toBe(false);
  });

  test("strip: the usage-only chunk goes, after normalisation has seen it", async () => {
    const seen: StreamEvent[] = [];
    const normalize = async function* (events: AsyncIterable<StreamEvent>) {
      for await (const event of events) {
        seen.push(event);
        yield event;
      }
    };
    const run = applyUsagePlan({ source: "azure", strip: true }, normalize, body, "gpt-4o");
    const out = await collect(run(from([content("hi"), usageOnly])));
    expect(out).toEqual([content("hi")]);
    expect(seen).toContain(usageOnly);
  });
});
