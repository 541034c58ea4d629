/**
 * The attempt loop: send, classify, decide, wait, repeat — all before the first byte reaches the
 * client. The decisions are the pure policy functions; this loop only performs them.
 */
import { classifyAttempt, operatorFailureOf, type Verdict } from "../policy/classify-attempt.ts";
import { decideNext, initialPolicyState, type StopReason } from "../policy/next-attempt.ts";
import type { PolicyClock } from "../clock.ts";
import { retryDelayMs } from "../policy/retry-delay.ts";
import type { Target } from "../upstream/model-map.ts";
import { ClientGoneError } from "../errors/client-gone.ts";
import type { ProxyError } from "../errors/openai-error.ts";
import type { AttemptResult, UpstreamAttempt } from "../upstream/attempt.ts";
import type { AttemptReport } from "../policy/attempt-report.ts";

/**
 * An attempt that could not be sent: its upstream's token could not be had, or another request holds
 * its half-open probe. The upstream is out of this request; `error` is the answer if none is left.
 */
export interface SkippedAttempt {
  readonly skipped: ProxyError;
}

export interface RetrySettings {
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  readonly retryMaxDelayMs: number;
  readonly firstByteTimeoutMs: number;
  /** Bounds all attempts and waits of one request together. */
  readonly requestTimeoutMs: number;
}

export interface RunOutcome<T extends Target = Target> {
  readonly attempt: UpstreamAttempt;
  readonly target: T;
  readonly verdict: Verdict;
  /** Upstream attempts made, content-filter switches included. */
  readonly attempts: number;
  /** Why no further attempt was made. */
  readonly stopReason: StopReason;
}

export interface RunInput<T extends Target = Target> {
  readonly targets: readonly T[];
  readonly settings: RetrySettings;
  readonly clock: PolicyClock;
  readonly signal: AbortSignal;
  /** The keys belong to the operator: 401/403 and missing deployments switch keys instead of failing. */
  readonly serverOwnedKeys: boolean;
  /** The operation answers JSON (or SSE) only: a 2xx of another type is an invalid answer. */
  readonly answersJson?: boolean;
  /** Sends one attempt whose first-byte timeout is `timeoutMs` (capped by the time left), or skips it. */
  readonly send: (target: T, timeoutMs: number) => Promise<UpstreamAttempt | SkippedAttempt>;
  readonly onAttempt?: (report: AttemptReport) => void;
}

function headersOf(result: AttemptResult): Headers | null {
  return result.kind === "unreachable" ? null : result.headers;
}

/** Waits before the next attempt; a client that leaves during the wait ends the request. */
async function waitBefore(clock: PolicyClock, waitMs: number, signal: AbortSignal): Promise<void> {
  if (waitMs <= 0) return;
  try {
    await clock.sleep(waitMs, signal);
  } catch {
    throw new ClientGoneError();
  }
}

/** Runs attempts until one is final; the last attempt is returned open (its stream unread). */
export async function runAttempts<T extends Target>(input: RunInput<T>): Promise<RunOutcome<T>> {
  const { targets, settings, clock } = input;
  // A model has a few targets: the next is found by a scan, not through a Map made per request.
  const byId = (id: string) => targets.find((target) => target.id === id)!;
  let state = initialPolicyState(targets.map((target) => target.id));
  let target = targets[0]!;
  const deadline = clock.now() + settings.requestTimeoutMs;
  const limits = { maxDelayMs: settings.retryMaxDelayMs, deadline };
  for (let number = 1; ; ) {
    const timeoutMs = Math.max(1, Math.min(settings.firstByteTimeoutMs, deadline - clock.now()));
    const sent = await input.send(target, timeoutMs);
    if ("skipped" in sent) {
      // Nothing was sent: the upstream is out of this request without using a retry.
      const step = decideNext(state, { target: target.id, verdict: "switch", delayMs: 0 }, clock.now(), settings.maxRetries, limits);
      if (step.kind === "stop") throw sent.skipped;
      await waitBefore(clock, step.waitMs, input.signal);
      state = step.state;
      target = byId(step.target);
      continue;
    }
    const attempt = sent;
    const verdict = classifyAttempt(attempt.result, input.serverOwnedKeys, input.answersJson);
    const delayMs = verdict === "retry"
      ? retryDelayMs({
          headers: headersOf(attempt.result),
          retryIndex: state.retries,
          baseMs: settings.retryBaseMs,
          capMs: settings.retryMaxDelayMs,
          now: clock.now(),
          random: clock.random,
        })
      : 0;
    const step = decideNext(state, { target: target.id, verdict, delayMs }, clock.now(), settings.maxRetries, limits);
    if (input.onAttempt) {
      const report: { -readonly [K in keyof AttemptReport]: AttemptReport[K] } = {
        number,
        target,
        verdict,
        result: attempt.result,
        nextTarget: step.kind === "attempt" ? step.target : null,
        waitMs: step.kind === "attempt" ? step.waitMs : 0,
      };
      if (verdict === "switch") report.operatorFailure = operatorFailureOf(attempt.result, input.serverOwnedKeys, input.answersJson) ?? undefined;
      input.onAttempt(report);
    }
    if (step.kind === "stop") return { attempt, target, verdict, attempts: number, stopReason: step.reason };
    attempt.abort();
    await waitBefore(clock, step.waitMs, input.signal);
    number++;
    state = step.state;
    target = byId(step.target);
  }
}
