// All mutable simulator state (recorded requests, directive counters, gates, abort waiters) in one object.

import { EntraIssuer } from "./entra.ts";
import type { RecordedRequest } from "./types.ts";

interface RequestWaiter {
  predicate: (r: RecordedRequest) => boolean;
  resolve: (r: RecordedRequest) => void;
}

/** State owned by one simulator instance; nothing here is global. */
export class SimulatorState {
  requests: RecordedRequest[] = [];
  /** Tokens issued by the local Entra ID endpoint, which resources with Entra auth accept. */
  readonly entra = new EntraIssuer();
  private nextSeq = 1;
  private counters = new Map<string, number>();
  private openGates = new Set<string>();
  private gateWaiters = new Map<string, Array<() => void>>();
  private abortWaiters: RequestWaiter[] = [];
  private arrivalWaiters: RequestWaiter[] = [];
  private detachers = new WeakMap<RecordedRequest, () => void>();

  /** Appends a request record and returns it (the caller keeps updating it). */
  recordRequest(fields: Omit<RecordedRequest, "seq" | "aborted" | "completed">): RecordedRequest {
    const record: RecordedRequest = { seq: this.nextSeq++, ...fields, aborted: false, completed: false };
    this.requests.push(record);
    this.arrivalWaiters = wake(this.arrivalWaiters, record);
    return record;
  }

  /** Resolves with the first recorded request (already here or still to come) that matches. */
  waitForRequest(predicate: (r: RecordedRequest) => boolean = () => true): Promise<RecordedRequest> {
    const already = this.requests.find(predicate);
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => this.arrivalWaiters.push({ predicate, resolve }));
  }

  /** Returns how many earlier requests used `key`, counting this one. */
  takeTicket(key: string): number {
    const used = this.counters.get(key) ?? 0;
    this.counters.set(key, used + 1);
    return used;
  }

  /** Marks `record` aborted when `signal` aborts before the answer is complete. */
  watchAbort(record: RecordedRequest, signal: AbortSignal): void {
    if (signal.aborted) return this.markAborted(record);
    const onAbort = (): void => this.markAborted(record);
    signal.addEventListener("abort", onAbort, { once: true });
    this.detachers.set(record, () => signal.removeEventListener("abort", onAbort));
  }

  markCompleted(record: RecordedRequest): void {
    record.completed = true;
    // Deno aborts request signals after successful answers too; a finished request must not listen.
    this.detachers.get(record)?.();
    this.detachers.delete(record);
  }

  /** Marks an in-progress request aborted and wakes matching waiters; finished requests stay as they are. */
  markAborted(record: RecordedRequest): void {
    if (record.completed || record.aborted) return;
    record.aborted = true;
    this.abortWaiters = wake(this.abortWaiters, record);
  }

  waitForAbort(predicate: (r: RecordedRequest) => boolean = () => true): Promise<RecordedRequest> {
    const already = this.requests.find((r) => r.aborted && predicate(r));
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => this.abortWaiters.push({ predicate, resolve }));
  }

  /** Resolves once `name` is released, or when `stop` aborts. */
  waitForGate(name: string, stop: AbortSignal): Promise<void> {
    if (this.openGates.has(name) || stop.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.gateWaiters.get(name) ?? [];
      waiters.push(resolve);
      this.gateWaiters.set(name, waiters);
      stop.addEventListener("abort", () => resolve(), { once: true });
    });
  }

  release(name: string): void {
    this.openGates.add(name);
    const waiters = this.gateWaiters.get(name) ?? [];
    this.gateWaiters.delete(name);
    for (const wake of waiters) wake();
  }

  /** Clears everything; streams parked at a gate are let through so none stays stuck across tests. */
  reset(): void {
    const parked = [...this.gateWaiters.values()].flat();
    this.requests = [];
    this.nextSeq = 1;
    this.counters.clear();
    this.openGates.clear();
    this.gateWaiters.clear();
    this.abortWaiters = [];
    this.arrivalWaiters = [];
    this.entra.reset();
    for (const wakeParked of parked) wakeParked();
  }
}

/** Resolves the waiters whose predicate matches `record`; returns the ones still waiting. */
function wake(waiters: RequestWaiter[], record: RecordedRequest): RequestWaiter[] {
  const still: RequestWaiter[] = [];
  for (const waiter of waiters) {
    if (waiter.predicate(record)) waiter.resolve(record);
    else still.push(waiter);
  }
  return still;
}
