// The benchmark's processes: each started in its own process group, stopped with the whole group.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";

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

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts `command` detached (own process group) and resolves once it accepts connections on `port` (not
 * on a line it prints: haigpt at log level warn prints none). With `stdoutFile`, standard output goes to
 * that file (removed on stop), as a process manager would keep it: a pipe read by this busy benchmark
 * process would make every log write wait for the reader, and measure the reader. Otherwise output is
 * read and kept (the last 64 KB), for the error when it fails to start.
 */
export async function startProcess(name: string, command: string[], env: Record<string, string>, port: number, stdoutFile?: string): Promise<BenchProcess> {
  const fd = stdoutFile === undefined ? undefined : openSync(stdoutFile, "w");
  const child = spawn(command[0]!, command.slice(1), {
    detached: true,
    stdio: ["ignore", fd ?? "pipe", "pipe"],
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...env },
  });
  if (fd !== undefined) closeSync(fd);
  let printed = "";
  const keep = (chunk: Buffer): void => {
    printed = (printed + chunk.toString()).slice(-65_536);
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
  let exited = false;
  child.once("exit", () => (exited = true));
  const stop = async (): Promise<void> => {
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
  const deadline = Date.now() + 15_000;
  while (!(await isListening(port))) {
    if (exited || Date.now() > deadline) {
      const output = handle.output();
      await stop();
      throw new Error(`${name} ${exited ? `exited (${child.exitCode})` : "did not listen within 15 s"} before it was ready:\n${output}`);
    }
    await Bun.sleep(25);
  }
  return handle;
}

/** Stops every process still running (used when a run fails half-way). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((entry) => entry.stop()));
}
