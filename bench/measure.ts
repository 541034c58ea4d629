// One target through every mode: wrk loads with CPU and memory read from /proc, first bytes, slow streams.
import { countErrors, measureFirstByte, runSlowStreams, runWrk, type FirstByteResult, type SlowStreamsResult } from "./load.ts";
import { readCpuMs, readTreeRss, watchPeakRss } from "./proc-stats.ts";
import type { Target } from "./targets.ts";

/** How long and how hard each mode runs. */
export interface BenchSettings {
  warmupSeconds: number;
  seconds: number;
  connections: number;
  firstByteRequests: number;
  slowStreams: number;
  slowChunkMs: number;
  /** Also run the slow streams against proxies with Bun's default fetch cap (waves of 256). */
  waves: boolean;
}

/** Figures of one wrk mode. */
export interface LoadFigures {
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** The target process's CPU time (user + system, all threads) per answered request. */
  cpuUsPerRequest: number;
  peakRssMb: number;
  errors: number;
}

/** Figures of the slow-stream mode. */
export interface SlowStreamFigures extends SlowStreamsResult {
  /** RSS of the target's process tree just before the streams open (a fresh process: its idle memory). */
  idleRssMb: number;
  peakRssMb: number;
  cpuMs: number;
  /** The wall time is under 1.75× one stream's own duration: they ran at once, not in waves. */
  allAtOnce: boolean;
}

/** Everything measured for one target. */
export interface TargetFigures {
  nonStreaming: LoadFigures;
  streaming: LoadFigures;
  firstByte: FirstByteResult;
  slowStreams: SlowStreamFigures;
  /** Slow streams with Bun's default fetch cap in the proxy (proxies only, when `waves`). */
  slowStreamsDefaultCap?: SlowStreamFigures;
}

const MB = 1024 * 1024;
const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** Runs wrk against `target` and reads its CPU and peak memory over exactly that run. */
export async function measureLoad(target: Target, stream: boolean, settings: BenchSettings): Promise<LoadFigures> {
  const pid = target.process.pid;
  const memory = watchPeakRss(pid);
  const cpuBefore = readCpuMs(pid);
  const result = await runWrk(target.request(stream), settings.seconds, settings.connections);
  const cpuMs = readCpuMs(pid) - cpuBefore;
  const peak = memory.stop();
  return {
    requests: result.requests,
    reqPerSec: round(result.requests / (result.durationUs / 1e6), 0),
    p50Ms: round(result.latencyUs.p50 / 1000),
    p99Ms: round(result.latencyUs.p99 / 1000),
    cpuUsPerRequest: result.requests > 0 ? round((cpuMs * 1000) / result.requests, 1) : Number.NaN,
    peakRssMb: round(peak / MB, 1),
    errors: countErrors(result),
  };
}

/** How long a fresh target is left alone before its idle memory is read and the slow streams open. */
const SETTLE_MS = 500;

/**
 * Opens the slow streams all at once against `target`, reading the peak RSS of its process tree. Give it a
 * freshly started target: RSS is a high-water mark, so a process that ran the wrk loads first would report
 * their garbage, not what the streams cost.
 */
export async function measureSlowStreams(target: Target, settings: BenchSettings): Promise<SlowStreamFigures> {
  const pid = target.process.pid;
  await Bun.sleep(SETTLE_MS);
  const idleRssMb = round(readTreeRss(pid) / MB, 1);
  const memory = watchPeakRss(pid);
  const cpuBefore = readCpuMs(pid);
  const limitMs = Math.max(10_000, settings.slowChunkMs * 20 * Math.ceil(settings.slowStreams / 256) * 2);
  const result = await runSlowStreams(target.request(true, settings.slowChunkMs), settings.slowStreams, limitMs);
  const oneStreamMs = settings.slowChunkMs * 19; // 20 chunks: 19 gaps
  const allAtOnce = result.wallMs < Math.max(oneStreamMs * 1.75, oneStreamMs + 1_000);
  return { ...result, idleRssMb, cpuMs: round(readCpuMs(pid) - cpuBefore, 0), peakRssMb: round(memory.stop() / MB, 1), allAtOnce };
}

/** The wrk loads and first bytes, one after another, against one running target (slow streams get a fresh one). */
export async function measureLoads(target: Target, settings: BenchSettings): Promise<Omit<TargetFigures, "slowStreams">> {
  if (settings.warmupSeconds > 0) {
    await runWrk(target.request(false), settings.warmupSeconds, settings.connections);
    await runWrk(target.request(true), settings.warmupSeconds, settings.connections);
  }
  const nonStreaming = await measureLoad(target, false, settings);
  const streaming = await measureLoad(target, true, settings);
  const firstByte = await measureFirstByte(target.request(true), settings.firstByteRequests, Date.now() + 30_000);
  return { nonStreaming, streaming, firstByte };
}
