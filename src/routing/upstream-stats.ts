/**
 * A small rolling window of an upstream's recent attempts — outcome and latency of the last
 * {@link STATS_WINDOW_SIZE} attempts within {@link STATS_WINDOW_MS} — for `/admin/upstreams`.
 * Plain JSON; each replica keeps its own (it describes what this process saw).
 */

export const STATS_WINDOW_SIZE = 100;
export const STATS_WINDOW_MS = 5 * 60_000;

/** One finished attempt: when it ended, whether the upstream worked, and how long it took. */
export interface AttemptSample {
  readonly at: number;
  readonly ok: boolean;
  readonly latencyMs: number;
}

/** Oldest first, at most {@link STATS_WINDOW_SIZE} samples. */
export type UpstreamStats = readonly AttemptSample[];

/**
 * Adds `sample` to the window in place and drops the oldest beyond the size. In place because every
 * attempt adds one: a new window per attempt copied up to a hundred samples twice (~1 µs a request).
 */
export function addSample(stats: AttemptSample[], sample: AttemptSample, size = STATS_WINDOW_SIZE): void {
  stats.push(sample);
  if (stats.length > size) stats.splice(0, stats.length - size);
}

/** What the window says: attempts counted, share that worked, median and 95th-percentile latency. */
export interface StatsSummary {
  readonly attempts: number;
  /** 0–1, null without attempts. */
  readonly successRate: number | null;
  readonly latencyMs: { readonly p50: number; readonly p95: number } | null;
}

function percentile(sorted: readonly number[], share: number): number {
  // Nearest-rank: the smallest value with at least `share` of the samples at or below it.
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)]!;
}

/** Summarises the samples no older than `windowMs` at `now`. */
export function summarizeStats(stats: UpstreamStats, now: number, windowMs = STATS_WINDOW_MS): StatsSummary {
  const recent = stats.filter((sample) => now - sample.at <= windowMs);
  if (recent.length === 0) return { attempts: 0, successRate: null, latencyMs: null };
  const ok = recent.filter((sample) => sample.ok).length;
  const latencies = recent.map((sample) => sample.latencyMs).sort((a, b) => a - b);
  return {
    attempts: recent.length,
    successRate: ok / recent.length,
    latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) },
  };
}
