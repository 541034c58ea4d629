// `taskset -c 0 bun bench/compare-pinned.ts <other checkout> [rounds=3] [seconds=4]`: haigpt of another
// checkout (e.g. `git worktree add /tmp/before <commit>` after `bun install` there) against this one and
// the floor, alternated round after round, each target pinned to CPU 1 while this script, wrk and the
// simulator run on CPU 0 (Linux, taskset). Unpinned, the scheduler's placement of three busy processes on
// two cores moves CPU per request by up to ~40% between runs of the same code; pinned, by a few percent.
// Prints CPU µs per request (non-streaming and 20-chunk streams) per run; JSON on the last line.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { countErrors, runWrk } from "./load.ts";
import { readCpuMs } from "./proc-stats.ts";
import { stopAll } from "./processes.ts";
import { startFloor, startHaigpt, startSimulator, type Target } from "./targets.ts";

const other = Bun.argv[2];
if (!other || !existsSync(join(other, "bench/targets.ts"))) {
  console.error("usage: taskset -c 0 bun bench/compare-pinned.ts <other checkout> [rounds] [seconds]");
  process.exit(2);
}
if (Bun.which("taskset") === null) {
  console.error("compare-pinned: needs taskset (util-linux)");
  process.exit(2);
}
const ROUNDS = Math.min(Math.max(Number(Bun.argv[3] ?? 3), 1), 9);
const SECONDS = Math.min(Math.max(Number(Bun.argv[4] ?? 4), 1), 30);
const otherTargets = (await import(join(other, "bench/targets.ts"))) as { startHaigpt: typeof startHaigpt };

async function measure(target: Target, stream: boolean): Promise<number> {
  // All its threads on CPU 1; a relaunched haigpt keeps the process id (execve), so this holds for it too.
  Bun.spawnSync(["taskset", "-a", "-cp", "1", String(target.process.pid)]);
  await runWrk(target.request(stream), 1, 64);
  const before = readCpuMs(target.process.pid);
  const result = await runWrk(target.request(stream), SECONDS, 64);
  if (countErrors(result) > 0 || result.requests === 0) throw new Error(`${target.name}: ${countErrors(result)} errors`);
  return Number((((readCpuMs(target.process.pid) - before) * 1000) / result.requests).toFixed(1));
}

const results: Record<string, number[]> = {};
try {
  const simulator = await startSimulator();
  for (let round = 0; round < ROUNDS; round++) {
    for (const stream of [false, true]) {
      for (const name of ["floor", "other", "this"] as const) {
        const target = name === "floor" ? await startFloor(simulator.url, { fetchCap: 4096 }) : name === "other" ? await otherTargets.startHaigpt(simulator.url) : await startHaigpt(simulator.url);
        const key = `${stream ? "stream (20)" : "non-streaming"} ${name === "floor" ? "floor" : name === "other" ? "haigpt (other)" : "haigpt (this)"}`;
        (results[key] ??= []).push(await measure(target, stream));
        await target.stop();
        console.log(`round ${round + 1}: ${key.padEnd(30)} ${results[key]!.at(-1)!.toFixed(1)} µs/request`);
      }
    }
  }
  await simulator.process.stop();
  console.log(JSON.stringify(results));
} finally {
  await stopAll();
}
