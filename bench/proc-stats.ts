// What a process costs, read from /proc (Linux): CPU time of the process and its threads, RSS of its tree.
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ: /proc reports CPU times in these ticks (100 on every Linux this runs on; checked at start). */
const TICKS_PER_SECOND = 100;

/** Fields after the `(comm)` of a /proc stat line; index 0 is field 3 (state). */
function readStatFields(path: string): { name: string; fields: string[] } {
  const text = readFileSync(path, "utf8");
  const close = text.lastIndexOf(")");
  return { name: text.slice(text.indexOf("(") + 1, close), fields: text.slice(close + 2).trim().split(" ") };
}

/** utime + stime of a stat line, in milliseconds. */
function cpuMsOf(fields: string[]): number {
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** CPU time (user + system, all threads) one process has used so far, in ms, plus that of reaped children. */
function readProcessCpuMs(pid: number): number {
  const { fields } = readStatFields(`/proc/${pid}/stat`);
  return cpuMsOf(fields) + ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU time of a process tree so far, in ms: haigpt under Bun relaunches itself as a child (to raise Bun's
 * fetch cap), and the server's work is done there.
 */
export function readCpuMs(pid: number): number {
  let total = 0;
  for (const member of listTree(pid)) {
    try {
      total += readProcessCpuMs(member);
    } catch {
      // gone
    }
  }
  return total;
}

/** One thread's name and CPU time so far. */
export interface ThreadCpu {
  tid: number;
  name: string;
  cpuMs: number;
}

/** CPU time per thread of a process (from /proc/PID/task/TID/stat). */
export function readThreadCpu(pid: number): ThreadCpu[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      const { name, fields } = readStatFields(`/proc/${pid}/task/${tid}/stat`);
      return [{ tid: Number(tid), name, cpuMs: cpuMsOf(fields) }];
    } catch {
      return []; // the thread ended between listing and reading
    }
  });
}

/** The process and all its descendants. */
function listTree(pid: number): number[] {
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    try {
      for (const tid of readdirSync(`/proc/${found[i]}/task`)) {
        const children = readFileSync(`/proc/${found[i]}/task/${tid}/children`, "utf8").trim();
        if (children !== "") found.push(...children.split(" ").map(Number));
      }
    } catch {
      // the process ended while being listed
    }
  }
  return found;
}

/** Resident memory of a process tree in bytes (sum of VmRSS). */
export function readTreeRss(pid: number): number {
  let total = 0;
  for (const member of listTree(pid)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${member}/status`, "utf8"));
      total += Number(match?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

/** Samples a tree's RSS every `intervalMs` until `stop()`, which returns the peak seen. */
export function watchPeakRss(pid: number, intervalMs = 50): { stop(): number } {
  let peak = readTreeRss(pid);
  const timer = setInterval(() => (peak = Math.max(peak, readTreeRss(pid))), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, readTreeRss(pid));
    },
  };
}

/** Fails early when the kernel's clock tick is not the one the CPU figures assume. */
export function assertClockTicks(): void {
  const ticks = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim());
  if (ticks !== TICKS_PER_SECOND) throw new Error(`bench: CLK_TCK is ${ticks}, the CPU figures assume ${TICKS_PER_SECOND}`);
}
