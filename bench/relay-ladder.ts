// `bun bench/relay-ladder.ts [seconds=3] [rounds=3]`: what each step of a normalising stream relay costs
// in Bun, against the floor, in one run: the 20-chunk stream load (wrk, 64 connections) on each rung of
// bench/ladder-proxy.ts and on haigpt, the rungs alternated round after round; the median CPU per request
// of each is printed with its ratio to the pass-through (the floor). Results: bench/results/ladder.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { RUNGS } from "./ladder-proxy.ts";
import { countErrors, runWrk } from "./load.ts";
import { readCpuMs } from "./proc-stats.ts";
import { stopAll } from "./processes.ts";
import { startFloor, startHaigpt, startSimulator, type Target } from "./targets.ts";

const SECONDS = Math.min(Math.max(Number(Bun.argv[2] ?? 3), 1), 30);
const ROUNDS = Math.min(Math.max(Number(Bun.argv[3] ?? 3), 1), 9);
const NAMES = [...RUNGS, "haigpt"] as const;
type Name = (typeof NAMES)[number];

const MEANING: Record<Name, string> = {
  "pass-through": "the floor: Azure's body handed to the response untouched",
  bytes: "every read of the body through JavaScript into a direct stream, untouched",
  events: "+ decoded as SSE (eventsource-parser) and framed again",
  json: "+ JSON.parse and JSON.stringify of every event",
  haigpt: "haigpt: + its decision, normalisation, checks, records (default settings)",
};

async function measure(target: Target): Promise<number> {
  await runWrk(target.request(true), 1, 64);
  const before = readCpuMs(target.process.pid);
  const result = await runWrk(target.request(true), SECONDS, 64);
  const cpuMs = readCpuMs(target.process.pid) - before;
  if (countErrors(result) > 0 || result.requests === 0) throw new Error(`${target.name}: ${countErrors(result)} errors in ${result.requests} requests`);
  return (cpuMs * 1000) / result.requests;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

try {
  const simulator = await startSimulator();
  const samples: Record<string, number[]> = {};
  const loadAtStart = loadavg()[0]!;
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of NAMES) {
      const target = name === "haigpt"
        ? await startHaigpt(simulator.url)
        : await startFloor(simulator.url, { fetchCap: 4096, script: join(import.meta.dir, "ladder-proxy.ts"), env: { LADDER_RUNG: name } });
      (samples[name] ??= []).push(await measure(target));
      await target.stop();
      console.error(`ladder: round ${round + 1}/${ROUNDS} ${name} ${samples[name]!.at(-1)!.toFixed(1)} µs/request`);
    }
  }
  await simulator.process.stop();
  const floor = median(samples["pass-through"]!);
  const rows = NAMES.map((name) => ({ name, cpuUsPerRequest: Number(median(samples[name]!).toFixed(1)), ratio: Number((median(samples[name]!) / floor).toFixed(2)), samples: samples[name]!.map((v) => Number(v.toFixed(1))), meaning: MEANING[name] }));
  console.log(`20-chunk streams, 64 connections, ${SECONDS} s × ${ROUNDS} rounds; CPU µs per request (median) and ×floor`);
  for (const row of rows) console.log(`${row.name.padEnd(13)} ${row.cpuUsPerRequest.toFixed(1).padStart(7)}  ${row.ratio.toFixed(2)}×  ${row.meaning}`);
  console.log(`machine: ${cpus().length} CPUs, Bun ${Bun.version}; load average ${loadAtStart.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`);
  const dir = join(import.meta.dir, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "ladder.json"), JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, rounds: ROUNDS, rows }, null, 2) + "\n");
} finally {
  await stopAll();
}
