// The per-request context operations work with, and helpers to answer through it.

import type { ApiVersion } from "./api-versions.ts";
import type { AnnotationField } from "./chat.ts";
import type { ActiveDirectives } from "./directives.ts";
import { buildAzureHeaders, type ResponseMeta } from "./http.ts";
import type { Route } from "./routing.ts";
import type { SimulatorState } from "./simulator-state.ts";
import { createPlannedStream, type StreamPlan } from "./stream.ts";
import type { RecordedRequest, SimDeployment } from "./types.ts";

/** Everything known about a routed, authenticated request. */
export interface OperationContext {
  request: Request;
  origin: string;
  route: Route;
  resourceName: string;
  deploymentName: string;
  deployment: SimDeployment;
  /** The api-version as shown in messages: the dated value, or "v1" on the v1 surface. */
  apiVersionLabel: string;
  /** The dated api-version; "v1" on the v1 surface. */
  version: ApiVersion | "v1";
  annotationField: AnnotationField;
  body: Record<string, unknown>;
  form: FormData | null;
  directives: ActiveDirectives;
  meta: ResponseMeta;
  record: RecordedRequest;
  state: SimulatorState;
  chunkDelayMs: number;
  sleep?: (ms: number, stop: AbortSignal) => Promise<void>;
}

/** Marks the request completed and hands back `response` (for answers produced in one piece). */
export function completeWith(ctx: Pick<OperationContext, "state" | "record">, response: Response): Response {
  ctx.state.markCompleted(ctx.record);
  return response;
}

/** Answers with a real stream of `plan`, honouring `slow` and `gate` directives and client aborts. */
export function respondStream(ctx: OperationContext, plan: StreamPlan, contentType: string): Response {
  const gate = ctx.directives.readArg("gate");
  const body = createPlannedStream(plan, {
    delayMs: ctx.directives.readNumberArg("slow", ctx.chunkDelayMs),
    ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
    ...(gate === undefined ? {} : { gate }),
    waitForGate: (name, stop) => ctx.state.waitForGate(name, stop),
    requestSignal: ctx.request.signal,
    onAborted: () => ctx.state.markAborted(ctx.record),
    onCompleted: () => ctx.state.markCompleted(ctx.record),
  });
  const headers = buildAzureHeaders(ctx.meta, contentType);
  if (contentType.startsWith("text/event-stream")) headers.set("x-accel-buffering", "no");
  return new Response(body, { status: 200, headers });
}
