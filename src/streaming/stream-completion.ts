/**
 * Whether Azure said a stream is complete: `[DONE]`, a `finish_reason` on every choice seen (chat and
 * completions), a terminal event (Responses API), or Azure's own error event. Anything else that ends a stream — a clean
 * close, a reset, a stall — leaves the answer incomplete, and the client must be told.
 */
import { isJsonObject } from "../json.ts";
import { isDone, type StreamEvent } from "./stream-event.ts";

/** The Responses API's last events: the answer is done, failed, cut short, or an error. */
const TERMINAL_EVENTS: ReadonlySet<string> = new Set(["response.completed", "response.failed", "response.incomplete", "error"]);

/** Follows a stream's events; `complete` says whether Azure has declared the answer finished. */
export interface CompletionTracker {
  observe(event: StreamEvent): void;
  readonly complete: boolean;
  /** Azure ended the stream explicitly (`[DONE]`, an error event, a terminal event): nothing more is read. */
  readonly ended: boolean;
  /** The explicit end was an error event (`{"error":…}`, or the Responses API's `error` event). */
  readonly failed: boolean;
}

/**
 * A tracker for one stream. Choice indices are kept in two small bit sets (indices beyond 31 in a
 * Set), so following a chunk costs a look at its choices and no allocation.
 */
export function createCompletionTracker(): CompletionTracker {
  let done = false;
  let failed = false;
  let seen = 0;
  let finished = 0;
  const wide = { seen: new Set<number>(), finished: new Set<number>() };
  const mark = (index: number, isFinished: boolean) => {
    if (index < 31) {
      seen |= 1 << index;
      if (isFinished) finished |= 1 << index;
    } else {
      wide.seen.add(index);
      if (isFinished) wide.finished.add(index);
    }
  };
  return {
    observe(event) {
      if (done) return;
      if (isDone(event)) return void (done = true);
      const json = event.json;
      if (!isJsonObject(json)) return;
      // An error event is Azure's own end of the answer: relayed as it is, it needs no second one.
      if (isJsonObject(json.error) || json.type === "error") {
        failed = true;
        return void (done = true);
      }
      if (typeof json.type === "string" && TERMINAL_EVENTS.has(json.type)) return void (done = true);
      if (!Array.isArray(json.choices)) return;
      for (const choice of json.choices) {
        if (!isJsonObject(choice) || typeof choice.index !== "number") continue;
        mark(choice.index, typeof choice.finish_reason === "string" && choice.finish_reason !== "");
      }
    },
    get ended() {
      return done;
    },
    get failed() {
      return failed;
    },
    get complete() {
      if (done) return true;
      if (seen === 0 && wide.seen.size === 0) return false;
      return seen === finished && [...wide.seen].every((index) => wide.finished.has(index));
    },
  };
}

/** Whether a finished list of events makes a complete stream (the tracker, for a head already read). */
export function isCompleteStream(events: readonly StreamEvent[]): boolean {
  const tracker = createCompletionTracker();
  for (const event of events) tracker.observe(event);
  return tracker.complete;
}
