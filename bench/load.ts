// The loads the benchmark applies: wrk at a fixed connection count, a first-byte client, slow streams.
import { join } from "node:path";

/** Where and what to send: an absolute URL, request headers and the JSON body text. */
export interface RequestSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What one wrk run reports (latencies in µs). */
export interface WrkResult {
  requests: number;
  durationUs: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

/** Sum of wrk's error counters (non-2xx/3xx answers, socket errors, timeouts). */
export function countErrors(result: WrkResult): number {
  const e = result.errors;
  return e.connect + e.read + e.write + e.status + e.timeout;
}

/**
 * Runs wrk (one thread, `connections` connections) for `seconds` and parses its JSON summary. wrk's own
 * duration counts in whole seconds, so it is told a longer one and stopped with SIGINT (on which it still
 * prints its summary): sub-second smoke runs work the same way as long ones.
 */
export async function runWrk(spec: RequestSpec, seconds: number, connections: number): Promise<WrkResult> {
  const headers = Object.entries(spec.headers).map(([name, value]) => `${name}: ${value}`).join("\n");
  const script = join(import.meta.dir, "wrk-post.lua");
  const child = Bun.spawn(["wrk", "-t1", `-c${connections}`, `-d${Math.ceil(seconds) + 5}s`, "--timeout", "10s", "-s", script, spec.url], {
    env: { ...process.env, BENCH_BODY: spec.body, BENCH_HEADERS: headers },
    stdout: "pipe",
    stderr: "pipe",
  });
  const stopper = setTimeout(() => child.kill("SIGINT"), seconds * 1000);
  const killer = setTimeout(() => child.kill("SIGKILL"), (seconds + 15) * 1000);
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  clearTimeout(stopper);
  clearTimeout(killer);
  const line = out.split("\n").find((entry) => entry.startsWith("BENCH_WRK "));
  if (!line) throw new Error(`wrk printed no summary (exit ${child.exitCode}):\n${out}${err}`);
  return JSON.parse(line.slice("BENCH_WRK ".length)) as WrkResult;
}

/** The value at quantile `q` (0..1) of unsorted numbers. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Time to first byte of streams: p50/p99 of send → first SSE event, one request at a time. */
export interface FirstByteResult {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

/** Sends `count` streaming requests one after another and timestamps each one's first `data:` event. */
export async function measureFirstByte(spec: RequestSpec, count: number, deadline: number): Promise<FirstByteResult> {
  const times: number[] = [];
  let errors = 0;
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    const started = performance.now();
    try {
      const response = await fetch(spec.url, { method: "POST", headers: { "content-type": "application/json", ...spec.headers }, body: spec.body });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let seen = "";
      let first = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        seen += decoder.decode(value, { stream: true });
        if (first === 0 && seen.includes("data:")) first = performance.now();
      }
      if (!response.ok || first === 0 || !seen.includes("data: [DONE]")) errors++;
      else times.push(first - started);
    } catch {
      errors++;
    }
  }
  return { requests: times.length + errors, errors, p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99) };
}

/** What the slow-stream client reports (see slow-streams-client.ts). */
export interface SlowStreamsResult {
  streams: number;
  completed: number;
  errors: number;
  wallMs: number;
  firstByteP50Ms: number;
  firstByteMaxMs: number;
}

/** Runs the slow-stream client as its own process (its own fetch cap raised) and returns its report. */
export async function runSlowStreams(spec: RequestSpec, streams: number, limitMs: number): Promise<SlowStreamsResult> {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "slow-streams-client.ts"), JSON.stringify({ ...spec, streams, limitMs })], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: String(streams + 64) },
    stdout: "pipe",
    stderr: "pipe",
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), limitMs + 10_000);
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  clearTimeout(killer);
  const line = out.split("\n").find((entry) => entry.startsWith("{"));
  if (!line) throw new Error(`slow-stream client printed no report (exit ${child.exitCode}):\n${out}${err}`);
  return JSON.parse(line) as SlowStreamsResult;
}
