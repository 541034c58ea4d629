/**
 * The record of one request, filled in as it goes (who, which model, each attempt, the stream's end, usage)
 * and finished exactly once, when its answer has ended. The finished record is plain data.
 */
import type { AttemptReport } from "../policy/attempt-report.ts";
import { attemptOutcome, describeAttempt } from "./attempt-outcome.ts";
import { readTokenUsage, type TokenUsage } from "./token-usage.ts";

/** Model names come from clients: kept to this many characters in records. */
const MAX_NAME = 256;
/** Attempts listed per request; more are counted, not listed. */
const MAX_LISTED = 20;

function bounded(value: string): string {
  return value.length > MAX_NAME ? `${value.slice(0, MAX_NAME)}…` : value;
}

/** A finished request, as logged and counted. */
export interface RequestSummary {
  requestId: string;
  method: string;
  path: string;
  mode?: string;
  userId?: string | null;
  model?: string;
  operation?: string;
  upstream?: string;
  resource?: string;
  deployment?: string;
  attempts: Record<string, unknown>[];
  attemptCount: number;
  failover?: string;
  /** An attempt failed on the operator's side (redirect, rejected key, missing deployment): the line is an error. */
  operatorFailure?: string;
  retryReasons: string[];
  attemptOutcomes: { upstream: string; outcome: string }[];
  status: number;
  code?: string;
  stream?: string;
  streamDetail?: string;
  droppedParams?: readonly string[];
  contentFilter?: unknown[];
  error?: string;
  usage?: TokenUsage;
  ttfbMs?: number;
  durationMs: number;
}

export interface RequestRecord {
  readonly summary: RequestSummary;
  /** Who asked for what (set by the proxy once access is resolved). */
  identify(fields: { requestId: string; mode: string; userId: string | null; model: string; operation: string }): void;
  attempt(report: AttemptReport): void;
  /** The upstream whose answer the client gets. */
  settle(fields: { upstream: string; resource: string; deployment: string; droppedParams?: readonly string[] }): void;
  /** The answer's head is ready (status known; a stream's body still to come). */
  head(status: number, streaming: boolean): void;
  isStreaming(): boolean;
  usage(value: unknown): void;
  filter(annotation: unknown): void;
  /** Why the request was refused or failed, in the error's code. */
  refuse(code: string | null | undefined, error?: string): void;
  streamEnd(end: string, detail?: string): void;
  /** Ends the record with the final status; true only the first time. */
  finish(status: number): boolean;
}

/**
 * The record as one object whose methods live on its prototype: every request makes one, so a
 * closure per method per request (a dozen) was allocation for nothing.
 */
class LiveRecord implements RequestRecord {
  readonly summary: RequestSummary;
  private readonly started: number;
  private streaming = false;
  private finished = false;

  constructor(
    request: { method: string; path: string; requestId: string },
    private readonly now: () => number,
    private readonly onFinish: (summary: RequestSummary) => void,
  ) {
    this.started = now();
    this.summary = {
      requestId: request.requestId,
      method: request.method,
      path: bounded(request.path),
      attempts: [],
      attemptCount: 0,
      retryReasons: [],
      attemptOutcomes: [],
      status: 0,
      durationMs: 0,
    };
  }

  identify(fields: { requestId: string; mode: string; userId: string | null; model: string; operation: string }): void {
    const { summary } = this;
    summary.requestId = fields.requestId;
    summary.mode = fields.mode;
    summary.userId = fields.userId;
    summary.model = bounded(fields.model);
    summary.operation = fields.operation;
  }

  attempt(report: AttemptReport): void {
    const { summary } = this;
    summary.attemptCount = report.number;
    const outcome = attemptOutcome(report);
    summary.attemptOutcomes.push({ upstream: report.target.id, outcome });
    if (report.operatorFailure) summary.operatorFailure ??= report.operatorFailure;
    if (summary.attempts.length < MAX_LISTED) summary.attempts.push(describeAttempt(report, outcome));
    if (report.nextTarget === null) return;
    summary.retryReasons.push(outcome);
    if (report.nextTarget !== report.target.id) summary.failover ??= outcome;
  }

  settle(fields: { upstream: string; resource: string; deployment: string; droppedParams?: readonly string[] }): void {
    const { summary } = this;
    summary.upstream = fields.upstream;
    summary.resource = fields.resource;
    summary.deployment = fields.deployment;
    // Set only when some were dropped (a `delete` would turn the summary into a slow dictionary object).
    if (fields.droppedParams?.length) summary.droppedParams = fields.droppedParams;
    else if (summary.droppedParams !== undefined) summary.droppedParams = undefined;
  }

  head(status: number, isStream: boolean): void {
    this.summary.ttfbMs ??= Math.round(this.now() - this.started);
    this.summary.status = status;
    this.streaming = isStream;
  }

  isStreaming(): boolean {
    return this.streaming;
  }

  usage(value: unknown): void {
    const usage = readTokenUsage(value);
    if (usage) this.summary.usage = usage;
  }

  filter(annotation: unknown): void {
    if ((this.summary.contentFilter ??= []).length < MAX_LISTED) this.summary.contentFilter.push(annotation);
  }

  refuse(code: string | null | undefined, error?: string): void {
    if (code) this.summary.code = code;
    if (error) this.summary.error = error;
  }

  streamEnd(end: string, detail?: string): void {
    this.summary.stream = end;
    if (detail) this.summary.streamDetail = detail.slice(0, MAX_NAME);
  }

  finish(status: number): boolean {
    if (this.finished) return false;
    this.finished = true;
    const { summary } = this;
    if (!summary.status || !this.streaming) summary.status = status;
    summary.durationMs = Math.round(this.now() - this.started);
    this.onFinish(summary);
    return true;
  }
}

/** Starts a record; `now` is the injected clock, `onFinish` receives the summary once. */
export function startRequestRecord(
  request: { method: string; path: string; requestId: string },
  now: () => number,
  onFinish: (summary: RequestSummary) => void,
): RequestRecord {
  return new LiveRecord(request, now, onFinish);
}
