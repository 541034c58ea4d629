// `bun run bench`: direct, floor and haigpt measured one after another in one run; JSON + table with ratios.
//   bun run bench [--smoke] [--seconds=5] [--targets=direct,floor,haigpt] [--no-waves] [--env NAME=VALUE …]
//                 [--limits=rpm=N,tpm=N,maxConcurrent=N,monthlyTokens=N]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measureLoads, measureSlowStreams, type BenchSettings } from "./measure.ts";
import { assertClockTicks } from "./proc-stats.ts";
import { stopAll } from "./processes.ts";
import { computeRatios, formatTable, listProblems, SLOW_STREAMS_NOTE, type Results } from "./report.ts";
import { createDirectTarget, startFloor, startHaigpt, startSimulator, type Target, type TargetName } from "./targets.ts";

/** A fetch cap well above the 1,000 slow streams (Bun's default is 256). */
const RAISED_FETCH_CAP = 4096;

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    smoke: { type: "boolean", default: false },
    seconds: { type: "string" },
    targets: { type: "string", default: "direct,floor,haigpt" },
    "no-waves": { type: "boolean", default: false },
    env: { type: "string", multiple: true, default: [] },
    limits: { type: "string" },
  },
});

const FULL: BenchSettings = { warmupSeconds: 1, seconds: 5, connections: 64, firstByteRequests: 200, slowStreams: 1000, slowChunkMs: 200, waves: true };
const SMOKE: BenchSettings = { warmupSeconds: 0, seconds: 0.2, connections: 16, firstByteRequests: 3, slowStreams: 20, slowChunkMs: 5, waves: false };
const settings: BenchSettings = { ...(values.smoke ? SMOKE : FULL) };
if (values.seconds !== undefined) settings.seconds = Math.min(Math.max(Number(values.seconds), 0.1), 60);
if (values["no-waves"]) settings.waves = false;
const TARGETS: readonly TargetName[] = ["direct", "floor", "haigpt"];
/** Settings for haigpt given with --env (e.g. --env HAIGPT_LOG_LEVEL=warn), to measure what one costs. */
const haigptEnv = Object.fromEntries(values.env.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
/** Per-user limits for haigpt's bench user given with --limits (e.g. --limits=rpm=100000), to measure what they cost. */
const haigptLimits = values.limits === undefined ? undefined : parseLimits(values.limits);
const names = values.targets.split(",").map((name) => name.trim()) as TargetName[];
const unknown = names.filter((name) => !TARGETS.includes(name));
if (unknown.length > 0) {
  console.error(`bench: unknown target ${unknown.join(", ")}; choose from ${TARGETS.join(", ")}`);
  process.exit(2);
}

/** `rpm=100000,tpm=2000000` as numbers by name; exits with a usage error on anything else. */
function parseLimits(text: string): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const pair of text.split(",")) {
    const [name, value] = pair.split("=");
    if (!name || !value || !/^\d+$/.test(value)) {
      console.error(`bench: --limits takes NAME=NUMBER pairs separated by commas (rpm, tpm, maxConcurrent, monthlyTokens), not "${pair}"`);
      process.exit(2);
    }
    limits[name.trim()] = Number(value);
  }
  return limits;
}

/** The machine the figures belong to; the load average says whether other work shared it. */
function describeMachine(): Record<string, unknown> {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
  return { nproc: cpus().length, cpu: model ?? cpus()[0]?.model, memoryGb: Number((totalmem() / 1024 ** 3).toFixed(1)), bun: Bun.version, kernel: release(), loadAverageAtStart: loadavg().map((v) => Number(v.toFixed(2))) };
}

async function run(): Promise<number> {
  if (Bun.which("wrk") === null) {
    console.error("bench: wrk is not installed (Debian/Ubuntu: apt-get install -y wrk)");
    return 2;
  }
  assertClockTicks();
  const machine = describeMachine();
  const startedAt = new Date().toISOString();
  const results: Results = {};
  const simulator = await startSimulator();
  const starters: Record<TargetName, () => Promise<Target>> = {
    direct: async () => createDirectTarget(simulator),
    floor: () => startFloor(simulator.url, { fetchCap: RAISED_FETCH_CAP }),
    // As users start it: haigpt raises Bun's fetch cap itself, by relaunching itself with it set.
    haigpt: () => startHaigpt(simulator.url, { env: haigptEnv, ...(haigptLimits ? { userLimits: haigptLimits } : {}) }),
  };
  for (const name of names) {
    console.error(`bench: measuring ${name}`);
    const target = await starters[name]();
    const loads = await measureLoads(target, settings);
    await target.stop();
    // A fresh process for the slow streams (direct is the simulator, which served the loads too).
    console.error(`bench: ${name}, slow streams${name === "direct" ? "" : " (started afresh)"}`);
    const fresh = await starters[name]();
    results[name] = { ...loads, slowStreams: await measureSlowStreams(fresh, settings) };
    await fresh.stop();
  }
  if (settings.waves) {
    // haigpt always runs with its own cap raised (it relaunches itself with it): only the floor has waves.
    for (const name of names.filter((entry) => entry === "floor")) {
      console.error(`bench: ${name} with Bun's default fetch cap (slow streams only)`);
      const target = await startFloor(simulator.url);
      results[name]!.slowStreamsDefaultCap = await measureSlowStreams(target, settings);
      await target.stop();
    }
  }
  await simulator.process.stop();
  const report = { startedAt, finishedAt: new Date().toISOString(), haigptEnv, haigptLimits: haigptLimits ?? null, notes: [SLOW_STREAMS_NOTE], machine: { ...machine, loadAverageAtEnd: loadavg().map((v) => Number(v.toFixed(2))) }, settings, results, ratiosToFloor: computeRatios(results) };
  const dir = join(import.meta.dir, "results");
  mkdirSync(dir, { recursive: true });
  // Only a full run of the defaults replaces latest.json (the committed figures); variants get a dated file.
  const reference = !values.smoke && values.seconds === undefined && values.env.length === 0 && haigptLimits === undefined && !values["no-waves"] && names.length === TARGETS.length;
  const file = values.smoke ? "smoke.json" : reference ? "latest.json" : `${startedAt.replace(/[:.]/g, "-")}.json`;
  writeFileSync(join(dir, file), JSON.stringify(report, null, 2) + "\n");
  if (reference) writeFileSync(join(dir, `${startedAt.replace(/[:.]/g, "-")}.json`), JSON.stringify(report, null, 2) + "\n");
  console.log(formatTable(results, settings.connections));
  console.log(`\nmachine: ${machine["nproc"]} CPUs (${machine["cpu"]}), ${machine["memoryGb"]} GB, Bun ${machine["bun"]}; load average ${JSON.stringify(machine["loadAverageAtStart"])} → ${JSON.stringify(report.machine.loadAverageAtEnd)}`);
  console.log(`results: bench/results/${file}`);
  const problems = listProblems(results);
  for (const problem of problems) console.error(`bench: ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

let code = 1;
try {
  code = await run();
} catch (error) {
  console.error(`bench: ${(error as Error).stack ?? error}`);
} finally {
  await stopAll();
}
process.exit(code);
