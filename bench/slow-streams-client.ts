// Opens N streaming requests at once and reports how many completed, the wall time and first-byte times.
// Run by load.ts as its own process so its fetch cap (BUN_CONFIG_MAX_HTTP_REQUESTS) can be raised.
import { quantile, type RequestSpec, type SlowStreamsResult } from "./load.ts";

const { url, headers, body, streams, limitMs } = JSON.parse(process.argv[2] ?? "{}") as RequestSpec & { streams: number; limitMs: number };
const abort = AbortSignal.timeout(limitMs);
const firstBytes: number[] = [];
let completed = 0;
let errors = 0;
const started = performance.now();

async function runOne(): Promise<void> {
  const sent = performance.now();
  try {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, signal: abort });
    const decoder = new TextDecoder();
    let tail = "";
    let first = false;
    for await (const chunk of response.body!) {
      if (!first) firstBytes.push(performance.now() - sent);
      first = true;
      tail = (tail + decoder.decode(chunk, { stream: true })).slice(-64);
    }
    if (response.ok && tail.includes("data: [DONE]")) completed++;
    else errors++;
  } catch {
    errors++;
  }
}

await Promise.all(Array.from({ length: streams }, runOne));
const report: SlowStreamsResult = {
  streams,
  completed,
  errors,
  wallMs: Math.round(performance.now() - started),
  firstByteP50Ms: Math.round(quantile(firstBytes, 0.5)),
  firstByteMaxMs: Math.round(quantile(firstBytes, 1)),
};
console.log(JSON.stringify(report));
