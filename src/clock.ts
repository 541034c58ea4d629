/** The clock the request path reads: time, sleep and randomness, injected (createApp) so tests control time without waiting. */

/** Clock, sleep and randomness, injected so tests control time without waiting. */
export interface PolicyClock {
  readonly now: () => number;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;
}
