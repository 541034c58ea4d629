// The benchmark's processes: each started in its own process group, stopped with the whole group.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";

/** A started process: its pid (for /proc), what it printed, and a stop that awaits its exit. */
export interface BenchProcess {
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** Every process started and not yet stopped, so a failing run still stops them all. */
const running = new Set<BenchProcess>();

/** A port free right now on 127.0.0.1 (the target binds it a moment later). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts `command` detached (own process group) and resolves once its output matches `ready`. With
 * `stdoutFile`, standard output goes to that file (removed on stop), as a process manager would keep it:
 * a pipe read by this busy benchmark process would make every log write wait for the reader, and measure
 * the reader. Otherwise output is read and kept (the last 64 KB).
 */
export async function startProcess(name: string, command: string[], env: Record<string, string>, ready: RegExp, stdoutFile?: string): Promise<BenchProcess> {
  const fd = stdoutFile === undefined ? undefined : openSync(stdoutFile, "w");
  const child = spawn(command[0]!, command.slice(1), {
    detached: true,
    stdio: ["ignore", fd ?? "pipe", "pipe"],
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...env },
  });
  if (fd !== undefined) closeSync(fd);
  let printed = "";
  let onOutput = (): void => {};
  const keep = (chunk: Buffer): void => {
    printed = (printed + chunk.toString()).slice(-65_536);
    onOutput();
  };
  child.stdout?.on("data", keep);
  child.stderr!.on("data", keep);
  const readFile = (): string => {
    try {
      return stdoutFile === undefined ? "" : readFileSync(stdoutFile, "utf8").slice(0, 65_536);
    } catch {
      return ""; // removed on stop
    }
  };
  const poller = stdoutFile === undefined ? undefined : setInterval(() => onOutput(), 25);
  const stop = async (): Promise<void> => {
    clearInterval(poller);
    running.delete(handle);
    if (stdoutFile !== undefined) rmSync(stdoutFile, { force: true });
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      return; // already gone
    }
    if (!(await waitForExit(child, 5_000))) {
      process.kill(-child.pid!, "SIGKILL");
      await waitForExit(child, 5_000);
    }
  };
  const handle: BenchProcess = { pid: child.pid!, output: () => readFile() + printed, stop };
  running.add(handle);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 15 s:\n${handle.output()}`)), 15_000);
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before it was ready:\n${handle.output()}`)));
    onOutput = () => {
      if (!ready.test(handle.output())) return;
      clearTimeout(timer);
      clearInterval(poller);
      onOutput = () => {};
      resolve();
    };
    onOutput();
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  return handle;
}

/** Stops every process still running (used when a run fails half-way). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((entry) => entry.stop()));
}
