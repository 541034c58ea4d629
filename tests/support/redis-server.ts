/**
 * A real redis-server for tests: on a free port of 127.0.0.1, no persistence, in its own process group,
 * stopped with that whole group. It can be stopped and started again on the same port, and paused.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { findFreePort } from "../../bench/processes.ts";

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server (its whole process group) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port after `stop`. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that holds connections open but answers nothing. */
  pause(): void;
  resume(): void;
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let printed = "";
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${printed}`)), 10_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (child.pid) killGroup(child.pid, "SIGKILL");
      reject(error);
    };
    child.once("error", (error) => fail(new Error(`cannot run redis-server (${error.message}); install it: apt-get install -y redis-server`)));
    child.once("exit", (code) => fail(new Error(`redis-server exited with ${code}:\n${printed}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
      if (printed.includes("Ready to accept connections")) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve(child);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Starts redis-server; retries with another port if the chosen one was taken in the meantime. */
export async function startRedisServer(): Promise<RedisServer> {
  let port = 0;
  let child: ChildProcess | null = null;
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await findFreePort();
    try {
      child = await launch(port);
    } catch (error) {
      if (attempt === 2) throw error;
    }
  }
  const stop = async () => {
    const running = child;
    child = null;
    if (!running?.pid || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    killGroup(running.pid, "SIGCONT");
    killGroup(running.pid, "SIGKILL");
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start: async () => {
      child = await launch(port);
    },
    pause: () => child?.pid && killGroup(child.pid, "SIGSTOP"),
    resume: () => child?.pid && killGroup(child.pid, "SIGCONT"),
  };
}
