// Real streaming answers: enqueue planned frames one by one, with delays, gates and abort detection.

/** One piece written to the wire (SSE text frame or raw bytes). */
export type Frame = string | Uint8Array;

/** What to stream; `gateAfter` = index of the frame after which a gate (if any) holds the stream. */
export interface StreamPlan {
  frames: Frame[];
  gateAfter?: number;
}

/** How the stream paces itself and reports its fate. */
export interface StreamControl {
  delayMs: number;
  /** Waits between frames (injected so tests count the pauses instead of timing them). */
  sleep?: (ms: number, stop: AbortSignal) => Promise<void>;
  gate?: string;
  waitForGate(name: string, stop: AbortSignal): Promise<void>;
  /** The client request's signal: aborting it stops production. */
  requestSignal: AbortSignal;
  onAborted(): void;
  onCompleted(): void;
}

/** The `[DONE]` terminator of chat/completions streams. */
export const SSE_DONE = "data: [DONE]\n\n";

/** A data-only SSE frame. */
export function formatSseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** A named SSE event frame (Responses API). */
export function formatSseEvent(type: string, payload: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** Waits `ms`, or less if `stop` aborts. */
export function sleep(ms: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    stop.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** A pull-driven body stream: each frame is produced only when the consumer asks, so buffering shows. */
export function createPlannedStream(plan: StreamPlan, control: StreamControl): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const stopper = new AbortController();
  const stop = (): void => {
    if (stopper.signal.aborted) return;
    stopper.abort();
    control.onAborted();
  };
  if (control.requestSignal.aborted) stop();
  else control.requestSignal.addEventListener("abort", stop, { once: true });
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (next > 0 && control.delayMs > 0) await (control.sleep ?? sleep)(control.delayMs, stopper.signal);
        const frame = plan.frames[next];
        if (stopper.signal.aborted || frame === undefined) return closeQuietly(controller);
        controller.enqueue(typeof frame === "string" ? encoder.encode(frame) : frame);
        if (control.gate !== undefined && next === plan.gateAfter) await control.waitForGate(control.gate, stopper.signal);
        next += 1;
        if (next >= plan.frames.length && !stopper.signal.aborted) {
          control.requestSignal.removeEventListener("abort", stop);
          control.onCompleted();
          controller.close();
        }
      },
      cancel() {
        stop();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Closes the body unless the consumer already cancelled it. */
function closeQuietly(controller: ReadableStreamDefaultController<Uint8Array>): void {
  try {
    controller.close();
  } catch {
    // Already cancelled by the consumer: nothing left to close.
  }
}
