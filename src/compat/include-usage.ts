/**
 * The `include_usage` mechanics around stream normalisation. Before it: where Azure cannot send a usage
 * chunk, one is counted and put where Azure would put it (just before `[DONE]`), so it is normalised and
 * observed like Azure's own. After it: where haigpt asked Azure for the chunk but the client did not,
 * the chunk is removed.
 */
import { isJsonObject } from "../json.ts";
import type { StreamEvent } from "../streaming/stream-event.ts";
import { isDone } from "../streaming/stream-event.ts";
import type { UsagePlan } from "./adapt-params.ts";
import type { StreamStep } from "./normalize-stream.ts";
import { countPromptTokens, loadCounter } from "./count-tokens.ts";

/** Header on an answer whose usage figures haigpt counted (Azure's api-version could not send them). */
export const USAGE_SOURCE_HEADER = "x-haigpt-usage";

/** The text a chunk adds to the answer: content, a legacy completion's text, tool-call arguments. */
function generatedText(json: unknown): string {
  if (!isJsonObject(json) || !Array.isArray(json.choices)) return "";
  let text = "";
  for (const choice of json.choices as Array<Record<string, unknown>>) {
    if (typeof choice?.text === "string") text += choice.text;
    const delta = isJsonObject(choice?.delta) ? choice.delta : null;
    if (!delta) continue;
    if (typeof delta.content === "string") text += delta.content;
    if (typeof delta.refusal === "string") text += delta.refusal;
    for (const call of Array.isArray(delta.tool_calls) ? (delta.tool_calls as Array<Record<string, unknown>>) : []) {
      const fn = isJsonObject(call?.function) ? call.function : {};
      text += `${typeof fn.name === "string" ? fn.name : ""}${typeof fn.arguments === "string" ? fn.arguments : ""}`;
    }
  }
  return text;
}

/** The counted usage chunk, shaped like the stream's own chunks. */
function usageEvent(last: Record<string, unknown>, prompt: number, completion: number): StreamEvent {
  const json = {
    id: last.id,
    object: last.object ?? "chat.completion.chunk",
    created: last.created,
    model: last.model,
    ...("system_fingerprint" in last ? { system_fingerprint: last.system_fingerprint } : {}),
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
  return { data: JSON.stringify(json), json } as StreamEvent;
}

/**
 * Adds a counted usage chunk where Azure would send one: last before `[DONE]` (the relay may already have
 * cut `[DONE]` off, so also at the end). A stream that breaks off (throws) or carried an error gets none.
 */
async function* addCountedUsage(events: AsyncIterable<StreamEvent>, body: Record<string, unknown>, model: string): AsyncGenerator<StreamEvent> {
  const count = await loadCounter(model);
  let generated = "";
  let last: Record<string, unknown> = {};
  let failed = false;
  let added = false;
  const counted = () => {
    added = true;
    return usageEvent(last, countPromptTokens(count, body), count(generated));
  };
  for await (const event of events) {
    if (isDone(event) && !failed && !added) yield counted();
    else if (isJsonObject(event.json)) {
      if ("error" in event.json) failed = true;
      if (typeof event.json.id === "string" && event.json.id !== "") last = event.json;
      generated += generatedText(event.json);
    }
    yield event;
  }
  if (!failed && !added) yield counted();
}

/** Whether an event is a usage-only chunk (`choices: []` with a usage object). */
function isUsageChunk(json: unknown): boolean {
  return isJsonObject(json) && Array.isArray(json.choices) && json.choices.length === 0 && isJsonObject(json.usage);
}

/** Removes the usage chunk the client did not ask for (it has been normalised and observed by then). */
async function* removeUsage(events: AsyncIterable<StreamEvent>): AsyncGenerator<StreamEvent> {
  for await (const event of events) if (!isUsageChunk(event.json)) yield event;
}

/**
 * A normalisation step with a plan that needs no counting (Azure sends the usage chunk): the step itself,
 * or, when the client did not ask for the chunk, the step with the chunk removed after it. Null for a
 * counted plan (counting waits for the tokenizer: it stays a stream, see `applyUsagePlan`).
 */
export function applyUsagePlanToStep(plan: UsagePlan, step: StreamStep): StreamStep | null {
  if (plan.source === "counted") return null;
  if (!plan.strip) return step;
  return (event) => {
    const events = step(event);
    return events.some((out) => isUsageChunk(out.json)) ? events.filter((out) => !isUsageChunk(out.json)) : events;
  };
}

/**
 * Wraps a stream normaliser with a usage plan: `normalize` is the normalisation itself. `body` is the
 * client's request (for counting the prompt), `model` the model it asked for (for the encoding).
 */
export function applyUsagePlan(
  plan: UsagePlan,
  normalize: (events: AsyncIterable<StreamEvent>) => AsyncIterable<StreamEvent>,
  body: Record<string, unknown>,
  model: string,
): (events: AsyncIterable<StreamEvent>) => AsyncIterable<StreamEvent> {
  return (events) => {
    const counted = plan.source === "counted" ? addCountedUsage(events, body, model) : events;
    const normalized = normalize(counted);
    return plan.strip ? removeUsage(normalized) : normalized;
  };
}
