/**
 * haigpt as a real process, started the way users start it (`bun src/index.ts`). Every process runs in its
 * own process group, and stopping it signals the whole group and waits: a wrapper (Deno's Node shim) must
 * never leave the real server behind.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ENTRY = join(import.meta.dir, "../../src/index.ts");

/** Set by `.ci/run` so it can find any process a test left running; passed on to every child. */
const MARKER = "CI_PROCESS_MARKER";

/**
 * A clean environment: only what the test gives, plus PATH/HOME so the runtime works, and a data
 * directory of its own (removed when the process stops) unless the test names one: no state is left
 * in the working tree or carried from one run to the next.
 */
function processEnv(env: Record<string, string>, dataDir: string): Record<string, string> {
  const marker = process.env[MARKER];
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...(marker ? { [MARKER]: marker } : {}), HAIGPT_DATA_DIR: dataDir, ...env };
}

type Child = ReturnType<typeof Bun.spawn>;

/** The temporary data directory of each spawned group, removed once the group has stopped. */
const dataDirs = new WeakMap<Child, string>();

function removeDataDir(child: Child): void {
  const dir = dataDirs.get(child);
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Whether any process of the group led by `pid` is still running. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals the child's whole process group (it leads one: spawned detached); ignores a group already gone. */
function signalGroup(child: Child, signal: NodeJS.Signals = "SIGTERM"): void {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: every process of the group has exited.
  }
}

/**
 * Stops the whole group and waits until every process in it is gone (the child can be awaited, its own
 * children only polled); SIGKILL for what is still there after 5 s.
 */
export async function stopGroup(child: Child): Promise<void> {
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 5_000);
  await child.exited;
  for (let polls = 0; groupAlive(child.pid) && polls < 1_000; polls++) await Bun.sleep(10);
  clearTimeout(timer);
  signalGroup(child, "SIGKILL");
  removeDataDir(child);
}

/** Spawns `command` detached (leader of a new process group) with piped output. */
export function spawnGroup(command: string[], env: Record<string, string>, cwd?: string): Child {
  const dataDir = mkdtempSync(join(tmpdir(), "haigpt-data-"));
  const child = Bun.spawn(command, { env: processEnv(env, dataDir), stdout: "pipe", stderr: "pipe", detached: true, ...(cwd ? { cwd } : {}) });
  dataDirs.set(child, dataDir);
  return child;
}

/** Runs haigpt to its exit (for configurations that must stop it) and returns what it printed. */
export function runToExit(env: Record<string, string>, args: string[] = [], cwd?: string) {
  return runToExitCommand([process.execPath, ENTRY, ...args], env, cwd);
}

/** Runs any command to its exit (stopped with its group after 10 s) and returns what it printed. */
export async function runToExitCommand(command: string[], env: Record<string, string>, cwd?: string) {
  const child = spawnGroup(command, env, cwd);
  const timer = setTimeout(() => void stopGroup(child), 10_000);
  const [code, stdout, stderr] = await Promise.all([
    child.exited,
    new Response(child.stdout as ReadableStream).text(),
    new Response(child.stderr as ReadableStream).text(),
  ]);
  clearTimeout(timer);
  signalGroup(child, "SIGKILL");
  removeDataDir(child);
  return { code, stdout, stderr, output: stdout + stderr };
}

export interface RunningProcess {
  readonly url: string;
  /** Process id, which is also the id of its process group. */
  readonly pid: number;
  /** Everything printed so far. */
  output(): string;
  /** Resolves once the process has printed something matching `pattern`. */
  waitForOutput(pattern: RegExp): Promise<void>;
  /** Sends a signal (e.g. SIGTERM) to the process itself. */
  signal(name: NodeJS.Signals): void;
  /** The exit code, once the process has exited. */
  readonly exited: Promise<number>;
  /** Stops the whole process group and waits for the process to exit. */
  stop(): Promise<void>;
}

/** What a process prints once it listens; the first group is its URL. */
const HAIGPT_LISTENING = /haigpt listening on (http:\/\/[^"\s]+)/;

/**
 * Starts haigpt (or `command`) and resolves once it prints `ready` (or rejects with what it printed,
 * its group stopped).
 */
export async function startProcess(
  env: Record<string, string>,
  args: string[] = [],
  command: string[] = [process.execPath, ENTRY],
  ready: RegExp = HAIGPT_LISTENING,
): Promise<RunningProcess> {
  const child = spawnGroup([...command, ...args], env);
  let printed = "";
  const waiters = new Set<() => void>();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      printed += decoder.decode(chunk, { stream: true });
      for (const check of waiters) check();
    }
  };
  const waitForOutput = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve) => {
      const check = () => {
        const match = pattern.exec(printed);
        if (!match) return;
        waiters.delete(check);
        resolve(match);
      };
      waiters.add(check);
      check();
    });
  drain(child.stdout as ReadableStream<Uint8Array>);
  drain(child.stderr as ReadableStream<Uint8Array>);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      waitForOutput(ready).then((match) => resolve(match[1]!));
      child.exited.then((code) => reject(new Error(`haigpt exited with ${code} before listening:\n${printed}`)));
      timer = setTimeout(() => reject(new Error(`${command.join(" ")} did not start within 15 s:\n${printed}`)), 15_000);
    });
    return {
      url,
      pid: child.pid,
      output: () => printed,
      waitForOutput: async (pattern) => void (await waitForOutput(pattern)),
      signal: (name) => child.kill(name),
      exited: child.exited,
      stop: () => stopGroup(child),
    };
  } catch (error) {
    await stopGroup(child);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
