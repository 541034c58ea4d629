// `bun bench/profile-memory.ts [streams=1000]`: where the slow streams' memory goes. The floor and haigpt, each
// started afresh with bench/memory-probe.ts preloaded, are probed at idle and half-way through the slow
// streams: RSS before and after a full GC, the JS heap's cells, and the objects each stream adds, by type.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSlowStreams } from "./load.ts";
import type { MemorySnapshot } from "./memory-probe.ts";
import { stopAll } from "./processes.ts";
import { startFloor, startHaigpt, startSimulator, type Target } from "./targets.ts";

const STREAMS = Math.min(Math.max(Number(Bun.argv[2] ?? 1000), 10), 4000);
/** The simulator's gap between chunks: 20 chunks take ~3.8 s; the busy probe comes half-way. */
const CHUNK_MS = 200;
const SETTLE_MS = 500;
const TOP = 30;

/** Sends the probe's signal and waits for the snapshot file it writes. */
async function probe(target: Target, dir: string, index: number): Promise<MemorySnapshot> {
  process.kill(target.process.pid, "SIGUSR2");
  const file = join(dir, `${index}.json`);
  for (let waited = 0; waited < 10_000; waited += 20) {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as MemorySnapshot;
    } catch {
      await Bun.sleep(20); // not written (completely) yet
    }
  }
  throw new Error(`${target.name}: the memory probe wrote no ${file}`);
}

const round = (value: number): number => Number(value.toFixed(1));

/** The objects the streams added, per stream, most numerous first. */
function addedPerStream(idle: MemorySnapshot, busy: MemorySnapshot): Record<string, number> {
  const added = Object.entries(busy.objectTypeCounts).map(([type, count]) => [type, (count - (idle.objectTypeCounts[type] ?? 0)) / STREAMS] as const);
  return Object.fromEntries(added.filter(([, perStream]) => perStream >= 0.5).sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([type, n]) => [type, round(n)]));
}

async function profileTarget(simulatorUrl: string, name: "floor" | "haigpt") {
  const dir = mkdtempSync(join(tmpdir(), `haigpt-memory-${name}-`));
  const options = { fetchCap: 65_535, runtimeArgs: ["--preload", join(import.meta.dir, "memory-probe.ts")], env: { MEMORY_PROBE_DIR: dir } };
  const target = name === "haigpt" ? await startHaigpt(simulatorUrl, options) : await startFloor(simulatorUrl, options);
  try {
    await Bun.sleep(SETTLE_MS);
    const idle = await probe(target, dir, 0);
    const streams = runSlowStreams(target.request(true, CHUNK_MS), STREAMS, 30_000);
    await Bun.sleep(CHUNK_MS * 10);
    const busy = await probe(target, dir, 1);
    const result = await streams;
    const perStreamKb = (mb: number) => round((mb * 1024) / STREAMS);
    return {
      target: name,
      completed: result.completed,
      idle: { rssMb: round(idle.rssAfterGcMb), anonMb: round(idle.anonMb), fileMb: round(idle.fileMb), cellsMb: round(idle.cellsMb) },
      busy: { rssBeforeGcMb: round(busy.rssBeforeGcMb), rssAfterGcMb: round(busy.rssAfterGcMb), anonMb: round(busy.anonMb), fileMb: round(busy.fileMb), cellsMb: round(busy.cellsMb), extraMb: round(busy.extraMb) },
      perStreamKb: {
        residentAfterGc: perStreamKb(busy.rssAfterGcMb - idle.rssAfterGcMb),
        garbageAtProbe: perStreamKb(busy.rssBeforeGcMb - busy.rssAfterGcMb),
        jsCells: perStreamKb(busy.cellsMb - idle.cellsMb),
        extraAccounted: perStreamKb(busy.extraMb),
      },
      objectsPerStream: addedPerStream(idle, busy),
    };
  } finally {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const simulator = await startSimulator();
  const targets = [await profileTarget(simulator.url, "floor"), await profileTarget(simulator.url, "haigpt")];
  await simulator.process.stop();
  writeFileSync(join(import.meta.dir, "results", "memory-profile.json"), JSON.stringify({ at: new Date().toISOString(), streams: STREAMS, bun: Bun.version, targets }, null, 2) + "\n");
  for (const t of targets) {
    console.log(`\n## ${t.target}: ${t.completed}/${STREAMS} streams completed`);
    console.log(`idle (after a full GC): RSS ${t.idle.rssMb} MB (anonymous ${t.idle.anonMb}, file-backed ${t.idle.fileMb}), JS cells ${t.idle.cellsMb} MB`);
    console.log(`half-way: RSS ${t.busy.rssBeforeGcMb} MB, ${t.busy.rssAfterGcMb} MB after a full GC (anonymous ${t.busy.anonMb}, file-backed ${t.busy.fileMb}); JS cells ${t.busy.cellsMb} MB; extra memory reported ${t.busy.extraMb} MB`);
    console.log(`per stream (KB): ${JSON.stringify(t.perStreamKb)}`);
    console.log(`objects per stream: ${Object.entries(t.objectsPerStream).map(([type, n]) => `${type} ${n}`).join(", ")}`);
  }
  console.log("\nsummary: bench/results/memory-profile.json");
}

try {
  await main();
} finally {
  await stopAll();
}
