// `bun bench/profile-hot-path.ts [seconds=5]`: the floor and haigpt under the non-streaming and the 20-chunk
// streaming load with `bun --cpu-prof`, plus CPU per thread from /proc; prints the top functions per mode.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { summariseProfile, type CpuProfile, type FunctionTime } from "./cpu-profile.ts";
import { runWrk } from "./load.ts";
import { readThreadCpu } from "./proc-stats.ts";
import { stopAll } from "./processes.ts";
import { startFloor, startHaigpt, startSimulator } from "./targets.ts";

const SECONDS = Math.min(Math.max(Number(Bun.argv[2] ?? 5), 1), 30);
const ROOT = join(import.meta.dir, "..");
const TOP = 25;

/** CPU µs per request per thread name (threads of one name summed; the JS thread as "main"), busiest first. */
function diffThreads(pid: number, before: ReturnType<typeof readThreadCpu>, after: ReturnType<typeof readThreadCpu>, requests: number): Record<string, number> {
  const start = new Map(before.map((thread) => [thread.tid, thread.cpuMs]));
  const byName: Record<string, number> = {};
  for (const thread of after) {
    const name = thread.tid === pid ? "main (JS)" : thread.name;
    byName[name] = (byName[name] ?? 0) + thread.cpuMs - (start.get(thread.tid) ?? 0);
  }
  const perRequest = Object.entries(byName).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(perRequest.map(([name, ms]) => [name, Number(((ms * 1000) / requests).toFixed(1))]));
}

async function profileMode(simulatorUrl: string, targetName: "haigpt" | "floor", stream: boolean, dir: string) {
  const name = `${targetName}-${stream ? "streaming" : "non-streaming"}`;
  const options = { fetchCap: 65_535, runtimeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`] };
  const haigpt = targetName === "haigpt" ? await startHaigpt(simulatorUrl, options) : await startFloor(simulatorUrl, options);
  const warmup = await runWrk(haigpt.request(stream), 1, 64);
  const before = readThreadCpu(haigpt.process.pid);
  const result = await runWrk(haigpt.request(stream), SECONDS, 64);
  const threads = diffThreads(haigpt.process.pid, before, readThreadCpu(haigpt.process.pid), result.requests);
  await haigpt.stop();
  const profile = JSON.parse(readFileSync(join(dir, `${name}.cpuprofile`), "utf8")) as CpuProfile;
  // Shares of the JS thread's samples, turned into µs per request with that thread's CPU time from /proc
  // (the profile also covers start-up and the warm-up second; shares are steady across them).
  const { busy, functions } = summariseProfile(profile, ROOT);
  const requests = result.requests;
  const mainUs = threads["main (JS)"] ?? 0;
  const top = (key: "self" | "total", filter: (f: FunctionTime) => boolean = () => true) =>
    functions.filter(filter).sort((a, b) => b[key] - a[key]).slice(0, TOP).map((f) => ({
      frame: f.frame,
      share: Number(((f[key] / busy) * 100).toFixed(1)),
      usPerRequest: Number(((f[key] / busy) * mainUs).toFixed(1)),
    }));
  return {
    mode: name,
    requests,
    reqPerSec: Math.round(requests / (result.durationUs / 1e6)),
    samples: busy,
    threadCpuUsPerRequest: threads,
    topSelf: top("self"),
    topInclusiveInSrc: top("total", (f) => f.frame.includes(" src/")),
  };
}

async function main(): Promise<void> {
  const dir = join(import.meta.dir, "results", "profiles");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const simulator = await startSimulator();
  const modes = [];
  for (const target of ["floor", "haigpt"] as const) for (const stream of [false, true]) modes.push(await profileMode(simulator.url, target, stream, dir));
  await simulator.process.stop();
  writeFileSync(join(import.meta.dir, "results", "profile.json"), JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, bun: Bun.version, modes }, null, 2) + "\n");
  for (const mode of modes) {
    console.log(`\n## ${mode.mode}: ${mode.requests} requests, ${mode.reqPerSec} req/s, ${mode.samples} JS-thread samples`);
    console.log(`CPU per thread (µs/request): ${JSON.stringify(mode.threadCpuUsPerRequest)}`);
    console.log("\nself time (share of JS-thread samples × its CPU/request)      µs/req  share");
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
