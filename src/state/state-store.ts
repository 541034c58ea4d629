/**
 * The state replicas share: rate windows, concurrency slots, usage and budgets, upstream cooldowns and
 * circuit-breaker state. One interface, three stores (memory, SQLite, Redis) passing one contract suite.
 * The store keeps STATE and makes each transition atomic per key; deciding what a state means (is this
 * user over a limit, is this upstream usable) is policy elsewhere (src/limits, the routing policy).
 */
import type { BreakerFailureOptions, BreakerState } from "./breaker-state.ts";

export type { BreakerFailureOptions, BreakerState } from "./breaker-state.ts";

/** Milliseconds since the epoch; every store reads time from one injected clock. */
export type Clock = () => number;

/** Asks a sliding window to admit `cost` units (1 for requests, an estimate of tokens for TPM). */
export interface WindowRequest {
  /** Most units the window may hold. */
  readonly limit: number;
  /** Length of the sliding window, e.g. 60_000 for "per minute". */
  readonly windowMs: number;
  /** Units this request takes (a fraction counts as a whole unit); 0 only reads the window. */
  readonly cost: number;
  /** Unique id of this entry (a request id); `settleWindow` names it again. */
  readonly id: string;
}

/** One admitted entry of a window; hand it back to `settleWindow` to correct or undo it. */
export interface WindowEntry {
  readonly id: string;
  /** When it was admitted (store clock); it counts until `at + windowMs`. */
  readonly at: number;
  readonly cost: number;
}

/** What a window said: admitted or not, and the numbers for `x-ratelimit-*` and `retry-after`. */
export interface WindowResult {
  readonly allowed: boolean;
  readonly limit: number;
  /** Units held in the window now (this entry included when admitted). */
  readonly used: number;
  /** `max(0, limit - used)`. */
  readonly remaining: number;
  /** Until the window is empty again (OpenAI's `x-ratelimit-reset-*`); 0 when it is empty. */
  readonly resetMs: number;
  /** When refused: until enough has left the window for `cost` to fit; null when `cost > limit` (never). 0 when admitted. */
  readonly retryAfterMs: number | null;
  /** The admitted entry; null when refused or when `cost` was 0. */
  readonly entry: WindowEntry | null;
}

/** Asks for one of `limit` concurrency slots, held as a lease that expires unless released or renewed. */
export interface SlotRequest {
  readonly limit: number;
  /** Unique id of this lease (a request id). */
  readonly leaseId: string;
  /** The lease lapses after this long, so a crashed replica's slots come free by themselves. */
  readonly ttlMs: number;
}

export interface SlotResult {
  readonly acquired: boolean;
  readonly limit: number;
  /** Live leases after this call (this one included when acquired). */
  readonly count: number;
}

/** Real usage of one answered request (or more, `requests`), as Azure's `usage` reported it. */
export interface UsageRecord {
  readonly userId: string;
  /** The model the client asked for. */
  readonly model: string;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/** Totals of one user and model, in the names of `GET /admin/usage`. */
export interface UsageTotals {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** The body of `GET /admin/usage`: `{"users":{"<userId>":{"<model>":{...}}}}`. */
export interface UsageReport {
  users: Record<string, Record<string, UsageTotals>>;
}

/** Which backend answers and since when it is degraded; for `/readyz`'s body and metrics. */
export interface StoreStatus {
  /** The store configured: memory, sqlite or redis. */
  readonly kind: StoreKind;
  /** Where operations go now: the configured store, or local memory while Redis is unreachable. */
  readonly serving: StoreKind;
  readonly degraded: boolean;
  /** Epoch ms when the current degradation began; null when not degraded. */
  readonly degradedSince: number | null;
  /** Why, without secrets (no URL with a password). */
  readonly reason: string | null;
}

export type StoreKind = "memory" | "sqlite" | "redis";

/** The shared state. Every method is atomic per key and never leaves a half-made change. */
/** The cooldowns and circuits of some upstreams, read together. */
export interface UpstreamReads {
  readonly cooldowns: Record<string, number>;
  readonly breakers: Record<string, BreakerState>;
}

export interface StateStore {
  readonly kind: StoreKind;

  /**
   * Admits `cost` into the sliding window at `key` if it fits, else refuses (and adds nothing). A window
   * keeps its 64 newest entries exactly; older ones are folded into one entry per second of admission,
   * which counts until the latest of them leaves: never more permissive than the exact log, and a
   * `retryAfterMs` up to a second longer than the exact log's.
   */
  hitWindow(key: string, request: WindowRequest): Promise<WindowResult>;
  /**
   * Replaces an admitted entry's cost with the real one (0 undoes it); no-op once it has left the window.
   * Once the entry has been folded (64 newer entries came after it), a lower cost, 0 included, is a no-op:
   * its admitted cost stands until its second leaves. A higher one adds the difference to its second's
   * folded entry (again at each call: settle an entry once, as admitRequest does).
   */
  settleWindow(key: string, entry: WindowEntry, actualCost: number): Promise<void>;

  /** Takes a concurrency slot if fewer than `limit` live leases exist. */
  acquireSlot(key: string, request: SlotRequest): Promise<SlotResult>;
  /** Extends a live lease (long streams); false when it had already lapsed or was released. */
  renewSlot(key: string, leaseId: string, ttlMs: number): Promise<boolean>;
  releaseSlot(key: string, leaseId: string): Promise<void>;

  /** Adds real usage to the user's totals and to the user's budget of the current calendar month (UTC). */
  recordUsage(record: UsageRecord): Promise<void>;
  /** Total tokens the user has used in the current calendar month (UTC). */
  readMonthTokens(userId: string): Promise<number>;
  readUsage(): Promise<UsageReport>;

  /** Keeps `upstream` cooling down until `until` (epoch ms); a later existing until-time is kept. */
  setCooldown(upstream: string, until: number): Promise<void>;
  /** Until-times of the named upstreams still cooling down; the others are absent. */
  readCooldowns(upstreams: readonly string[]): Promise<Record<string, number>>;

  /** One more consecutive failure; opens the circuit at `threshold`, and again when a half-open probe fails. */
  recordBreakerFailure(upstream: string, options: BreakerFailureOptions): Promise<BreakerState>;
  /** A success closes the circuit and resets the count. */
  recordBreakerSuccess(upstream: string): Promise<BreakerState>;
  /** In half-open, lets exactly one caller probe (for `leaseMs`, then another may); false otherwise. */
  tryBreakerProbe(upstream: string, leaseMs: number): Promise<boolean>;
  /** States of the named upstreams; an upstream never seen is closed with 0 failures. */
  readBreakers(upstreams: readonly string[]): Promise<Record<string, BreakerState>>;
  /**
   * Both reads above at once, where a store can make them one (SQLite: one statement instead of one per
   * key); answered at once (no promise) where the store's backend is synchronous (memory, SQLite).
   */
  readUpstreams?(upstreams: readonly string[]): UpstreamReads | Promise<UpstreamReads>;

  /** Releases connections and files; the store is unusable afterwards. */
  close(): Promise<void>;
}
