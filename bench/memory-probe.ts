// Loaded into a target with `bun --preload` by profile-memory.ts: on each SIGUSR2 it reads RSS, runs a full
// GC, and writes what the JS heap holds (sizes, object counts by type) to MEMORY_PROBE_DIR/<n>.json.
import { heapStats } from "bun:jsc";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env["MEMORY_PROBE_DIR"];
const MB = 1024 * 1024;

/** Anonymous and file-backed resident memory of this process, in MB (/proc/self/status). */
function readResident(): { anonMb: number; fileMb: number } {
  const status = readFileSync("/proc/self/status", "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { anonMb: field("RssAnon"), fileMb: field("RssFile") };
}

/** What one snapshot holds. */
export interface MemorySnapshot {
  rssBeforeGcMb: number;
  rssAfterGcMb: number;
  anonMb: number;
  fileMb: number;
  /** JS heap cells in use after the GC (heapSize less the memory objects report beside their cells). */
  cellsMb: number;
  /** Memory objects report beside their cells (array buffers, stream buffers); accounting, not all resident. */
  extraMb: number;
  objectCount: number;
  objectTypeCounts: Record<string, number>;
}

let taken = 0;
if (dir) {
  process.on("SIGUSR2", () => {
    const rssBeforeGcMb = process.memoryUsage().rss / MB;
    Bun.gc(true);
    const heap = heapStats();
    const snapshot: MemorySnapshot = {
      rssBeforeGcMb,
      rssAfterGcMb: process.memoryUsage().rss / MB,
      ...readResident(),
      cellsMb: (heap.heapSize - heap.extraMemorySize) / MB,
      extraMb: heap.extraMemorySize / MB,
      objectCount: heap.objectCount,
      objectTypeCounts: heap.objectTypeCounts,
    };
    writeFileSync(join(dir, `${taken++}.json`), JSON.stringify(snapshot));
  });
}
