/** haigpt as a real process, started the way users start it (`bun src/index.ts`). */
import { join } from "node:path";

const ENTRY = join(import.meta.dir, "../../src/index.ts");

/** A clean environment: only what the test gives, plus PATH/HOME so the runtime works. */
function processEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env };
}

/** Runs haigpt to its exit (for configurations that must stop it) and returns what it printed. */
export async function runToExit(env: Record<string, string>, args: string[] = [], cwd?: string) {
  const child = Bun.spawn([process.execPath, ENTRY, ...args], { env: processEnv(env), stdout: "pipe", stderr: "pipe", ...(cwd ? { cwd } : {}) });
  const timer = setTimeout(() => child.kill(), 10_000);
  const [code, stdout, stderr] = await Promise.all([child.exited, new Response(child.stdout).text(), new Response(child.stderr).text()]);
  clearTimeout(timer);
  return { code, stdout, stderr, output: stdout + stderr };
}

export interface RunningProcess {
  readonly url: string;
  /** Everything printed so far. */
  output(): string;
  /** Resolves once the process has printed something matching `pattern`. */
  waitForOutput(pattern: RegExp): Promise<void>;
  /** Sends a signal (e.g. SIGTERM). */
  signal(name: NodeJS.Signals): void;
  /** The exit code, once the process has exited. */
  readonly exited: Promise<number>;
  stop(): Promise<void>;
}

/** Starts haigpt and resolves once it says it is listening (or rejects with what it printed). */
export async function startProcess(env: Record<string, string>, args: string[] = [], command: string[] = [process.execPath, ENTRY]): Promise<RunningProcess> {
  const child = Bun.spawn([...command, ...args], { env: processEnv(env), stdout: "pipe", stderr: "pipe" });
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
  drain(child.stdout);
  drain(child.stderr);
  const url = await new Promise<string>((resolve, reject) => {
    waitForOutput(/haigpt listening on (http:\/\/[^"\s]+)/).then((match) => resolve(match[1]!));
    child.exited.then((code) => reject(new Error(`haigpt exited with ${code} before listening:\n${printed}`)));
    setTimeout(() => reject(new Error(`haigpt did not start within 15 s:\n${printed}`)), 15_000);
  });
  return {
    url,
    output: () => printed,
    waitForOutput: async (pattern) => void (await waitForOutput(pattern)),
    signal: (name) => child.kill(name),
    exited: child.exited,
    stop: async () => {
      child.kill();
      await child.exited;
    },
  };
}
