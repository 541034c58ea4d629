// Directives for upstream faults haigpt must survive: redirects, streams that end early, stall or
// break their framing, audio-only streams, long annotation runs, slow or stalled bodies, odd
// Retry-After values, non-JSON error bodies and a missing deployment.

import { buildChatCompletion, planChatAnswer } from "./chat.ts";
import { buildChatStreamPlan } from "./chat-stream.ts";
import { completeWith, type OperationContext } from "./context.ts";
import { buildDeploymentNotFound, buildRateLimited } from "./errors.ts";
import { buildAzureHeaders, respondJson } from "./http.ts";
import { lookupOperationId } from "./routing.ts";
import { createPlannedStream, formatSseData, SSE_DONE, type Frame, type StreamPlan } from "./stream.ts";

/** Names handled here; `redirect` needs `SimulatorOptions.redirectTo`. */
const FAULT_NAMES = [
  "redirect", "end-after", "stall-after", "garbage-after", "audio-stream", "annotations", "slow-body", "stall-body",
  "429-raw", "429-raw-ms", "html", "html-typed", "text-error", "empty-json", "deployment-missing",
];

const SSE = "text/event-stream; charset=utf-8";

/** A gate nobody opens: the stream holds until the client goes away. */
const NEVER = "\u0000never";

function streamPlan(ctx: OperationContext, plan: StreamPlan, gate?: string): Response {
  const body = createPlannedStream(plan, {
    delayMs: ctx.chunkDelayMs,
    ...(gate === undefined ? {} : { gate }),
    waitForGate: (name, stop) => ctx.state.waitForGate(name, stop),
    requestSignal: ctx.request.signal,
    onAborted: () => ctx.state.markAborted(ctx.record),
    onCompleted: () => ctx.state.markCompleted(ctx.record),
  });
  return new Response(body, { status: 200, headers: buildAzureHeaders(ctx.meta, SSE) });
}

function chatPlan(ctx: OperationContext): StreamPlan {
  const answer = planChatAnswer({ deployment: ctx.deploymentName, model: ctx.deployment.model, body: ctx.body, annotationField: ctx.annotationField });
  return buildChatStreamPlan(answer, { mode: "normal", includeUsage: false, requestId: ctx.meta.requestId });
}

/** A gpt-4o-audio stream (OpenAI's chunk shape): the role, then `delta.audio` chunks only, then the finish; a named gate holds after the first audio chunk. */
function audioPlan(ctx: OperationContext): StreamPlan {
  const base = { id: "chatcmpl-audio", object: "chat.completion.chunk", created: 1_700_000_000, model: ctx.deployment.model };
  const chunk = (delta: unknown, finish: string | null) => formatSseData({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  return {
    frames: [
      chunk({ role: "assistant", content: null }, null),
      chunk({ audio: { id: "audio_sim", data: "UklGRiQAAABXQVZFZm10IBAAAAABAAEA" } }, null),
      chunk({ audio: { transcript: "Hello from audio." } }, null),
      chunk({ audio: { expires_at: 1_700_003_600 } }, null),
      chunk({}, "stop"),
      SSE_DONE,
    ],
    gateAfter: 1,
  };
}

/** `count` annotation-only chunks (async-filter shape, no delta) before the normal answer; held at a gate after them when one is named. */
function annotatedPlan(ctx: OperationContext, count: number): StreamPlan {
  const annotation = formatSseData({
    id: "", object: "", created: 0, model: "",
    choices: [{ index: 0, finish_reason: null, content_filter_results: { hate: { filtered: false, severity: "safe" } }, content_filter_offsets: { check_offset: 0, start_offset: 0, end_offset: 0 } }],
    usage: null,
  });
  const rest = chatPlan(ctx).frames;
  return { frames: [...Array<Frame>(count).fill(annotation), ...rest], gateAfter: count - 1 };
}

/** A non-streamed completion whose head comes at once and whose body follows after `delayMs` (never, when null). */
function slowBody(ctx: OperationContext, delayMs: number | null): Response {
  const answer = planChatAnswer({ deployment: ctx.deploymentName, model: ctx.deployment.model, body: ctx.body, annotationField: ctx.annotationField });
  const text = JSON.stringify(buildChatCompletion(answer));
  const encoder = new TextEncoder();
  const half = Math.floor(text.length / 2);
  const body = new ReadableStream<Uint8Array>({
    start(out) {
      out.enqueue(encoder.encode(text.slice(0, half)));
      if (delayMs === null) return;
      const timer = setTimeout(() => {
        out.enqueue(encoder.encode(text.slice(half)));
        out.close();
        ctx.state.markCompleted(ctx.record);
      }, delayMs);
      ctx.request.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
    },
  });
  ctx.request.signal.addEventListener("abort", () => ctx.state.markAborted(ctx.record), { once: true });
  return new Response(body, { status: 200, headers: buildAzureHeaders(ctx.meta, "application/json") });
}

function rawAnswer(ctx: OperationContext, status: number, text: string, type: string, headers: Record<string, string> = {}): Response {
  const all = buildAzureHeaders(ctx.meta, type);
  for (const [name, value] of Object.entries(headers)) all.set(name, value);
  return completeWith(ctx, new Response(text, { status, headers: all }));
}

const HTML_PAGE = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body><h1>Bad Gateway</h1><p>The gateway could not reach the backend.</p></body></html>";

/** The answer the first fault directive asks for, or null when there is none. */
export function respondToFaultDirective(ctx: OperationContext, redirectTo: string | undefined): Response | null {
  const directive = ctx.directives.list.find((d) => FAULT_NAMES.includes(d.name));
  if (!directive) return null;
  const number = (fallback: number) => ctx.directives.readNumberArg(directive.name, fallback);
  const url = new URL(ctx.request.url);
  switch (directive.name) {
    case "redirect": {
      const location = `${redirectTo ?? "http://127.0.0.1:9"}${url.pathname}${url.search}`;
      return rawAnswer(ctx, number(302), "", "text/plain", { location });
    }
    case "end-after": {
      // With a gate, the stream holds after its last frame until released, then ends early.
      const frames = chatPlan(ctx).frames.slice(0, number(1));
      const gate = ctx.directives.readArg("gate");
      return gate === undefined ? streamPlan(ctx, { frames }) : streamPlan(ctx, { frames, gateAfter: frames.length - 1 }, gate);
    }
    case "stall-after": {
      const frames = chatPlan(ctx).frames;
      return streamPlan(ctx, { frames, gateAfter: number(1) - 1 }, NEVER);
    }
    case "garbage-after": {
      const frames = chatPlan(ctx).frames;
      const at = number(3);
      return streamPlan(ctx, { frames: [...frames.slice(0, at), "data: <html>upstream proxy error</html>\n\n", ...frames.slice(at)] });
    }
    case "audio-stream":
      return streamPlan(ctx, audioPlan(ctx), ctx.directives.readArg("gate"));
    case "annotations": {
      const gate = ctx.directives.readArg("gate");
      return streamPlan(ctx, annotatedPlan(ctx, number(10)), gate);
    }
    case "slow-body":
      return slowBody(ctx, number(500));
    case "stall-body":
      return slowBody(ctx, null);
    case "429-raw":
    case "429-raw-ms": {
      const body = buildRateLimited(lookupOperationId(ctx.route.operation), ctx.apiVersionLabel, 1);
      const header = directive.name === "429-raw" ? "retry-after" : "retry-after-ms";
      return completeWith(ctx, respondJson(429, body, ctx.meta, { [header]: directive.arg ?? "" }));
    }
    case "html": {
      // html=200: a 2xx that says JSON but is a page (a login wall or gateway in front of Azure).
      const status = number(502);
      return rawAnswer(ctx, status, HTML_PAGE, status === 200 ? "application/json" : "text/html");
    }
    case "html-typed":
      return rawAnswer(ctx, number(200), HTML_PAGE, "text/html; charset=utf-8");
    case "empty-json":
      return rawAnswer(ctx, number(200), "", "application/json");
    case "text-error":
      return rawAnswer(ctx, number(503), "  upstream connect error or disconnect/reset before headers. reset reason: overflow  \n", "text/plain");
    default:
      return completeWith(ctx, respondJson(404, buildDeploymentNotFound(), ctx.meta));
  }
}
