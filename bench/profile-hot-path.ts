// `bun bench/profile-hot-path.ts [seconds=5]`: haigpt under the non-streaming and the 20-chunk streaming
// load with `bun --cpu-prof`, plus CPU per thread from /proc; prints the top functions per mode.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { summariseProfile, type CpuProfile, type FunctionTime } from "./cpu-profile.ts";
import { runWrk } from "./load.ts";
import { readThreadCpu } from "./proc-stats.ts";
import { stopAll } from "./processes.ts";
import { startHaigpt, startSimulator } from "./targets.ts";

const SECONDS = Math.min(Math.max(Number(Bun.argv[2] ?? 5), 1), 30);
const ROOT = join(import.meta.dir, "..");
const TOP = 25;

/** CPU µs per request per thread name (threads of one name summed), busiest first. */
function diffThreads(before: ReturnType<typeof readThreadCpu>, after: ReturnType<typeof readThreadCpu>, requests: number): Record<string, number> {
  const start = new Map(before.map((thread) => [thread.tid, thread.cpuMs]));
  const byName: Record<string, number> = {};
  for (const thread of after) byName[thread.name] = (byName[thread.name] ?? 0) + thread.cpuMs - (start.get(thread.tid) ?? 0);
  const perRequest = Object.entries(byName).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(perRequest.map(([name, ms]) => [name, Number(((ms * 1000) / requests).toFixed(1))]));
}

const perRequest = (us: number, requests: number): number => Number((us / requests).toFixed(2));

async function profileMode(simulatorUrl: string, stream: boolean, dir: string) {
  const name = stream ? "streaming" : "non-streaming";
  const haigpt = await startHaigpt(simulatorUrl, { fetchCap: 4096, runtimeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`] });
  const warmup = await runWrk(haigpt.request(stream), 1, 64);
  const before = readThreadCpu(haigpt.process.pid);
  const result = await runWrk(haigpt.request(stream), SECONDS, 64);
  const threads = diffThreads(before, readThreadCpu(haigpt.process.pid), result.requests);
  await haigpt.stop();
  const profile = JSON.parse(readFileSync(join(dir, `${name}.cpuprofile`), "utf8")) as CpuProfile;
  const { busyUs, functions } = summariseProfile(profile, ROOT);
  // The profile covers the warm-up second too (and start-up, ~0.1 s), so its figures divide by both runs.
  const requests = result.requests;
  const profiledRequests = warmup.requests + result.requests;
  const top = (key: "selfUs" | "totalUs", filter: (f: FunctionTime) => boolean = () => true) =>
    functions.filter(filter).sort((a, b) => b[key] - a[key]).slice(0, TOP).map((f) => ({ frame: f.frame, usPerRequest: perRequest(f[key], profiledRequests), share: Number(((f[key] / busyUs) * 100).toFixed(1)) }));
  return {
    mode: name,
    requests,
    reqPerSec: Math.round(requests / (result.durationUs / 1e6)),
    mainThreadSampledUsPerRequest: perRequest(busyUs, profiledRequests),
    threadCpuUsPerRequest: threads,
    topSelf: top("selfUs"),
    topInclusiveInSrc: top("totalUs", (f) => f.frame.includes(" src/")),
  };
}

async function main(): Promise<void> {
  const dir = join(import.meta.dir, "results", "profiles");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const simulator = await startSimulator();
  const modes = [];
  for (const stream of [false, true]) modes.push(await profileMode(simulator.url, stream, dir));
  await simulator.process.stop();
  writeFileSync(join(import.meta.dir, "results", "profile.json"), JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, bun: Bun.version, modes }, null, 2) + "\n");
  for (const mode of modes) {
    console.log(`\n## ${mode.mode}: ${mode.requests} requests, ${mode.reqPerSec} req/s; sampled JS-thread time ${mode.mainThreadSampledUsPerRequest} µs/request`);
    console.log(`CPU per thread (µs/request): ${JSON.stringify(mode.threadCpuUsPerRequest)}`);
    console.log("\nself time                                                     µs/req  share");
    for (const row of mode.topSelf) console.log(`${row.frame.slice(0, 60).padEnd(60)} ${String(row.usPerRequest).padStart(7)} ${String(row.share).padStart(5)}%`);
    console.log("\ninclusive time, src/ only                                     µs/req  share");
    for (const row of mode.topInclusiveInSrc) console.log(`${row.frame.slice(0, 60).padEnd(60)} ${String(row.usPerRequest).padStart(7)} ${String(row.share).padStart(5)}%`);
  }
  console.log(`\nprofiles: ${readdirSync(dir).map((file) => join("bench/results/profiles", file)).join(", ")} (open in Chrome DevTools); summary: bench/results/profile.json`);
}

try {
  await main();
} finally {
  await stopAll();
}
