/**
 * The runtime's limit on concurrent upstream requests, set by haigpt itself. Bun's fetch runs at most
 * 256 requests at once unless BUN_CONFIG_MAX_HTTP_REQUESTS says otherwise, and it reads that variable
 * once, from the environment the process was started with: setting process.env later (even before the
 * first fetch) changes nothing. So under Bun, haigpt starts itself again with the variable set, and the
 * first process only passes signals on and exits as the second does; the second stops when the first
 * is gone (killed), so no server is left behind. Deno's fetch has no such cap.
 */
import { spawn } from "node:child_process";
import { currentRuntimeName } from "./runtime.ts";

/** The variable Bun reads, and the marker that stops a relaunched process from relaunching again. */
export const BUN_LIMIT_VARIABLE = "BUN_CONFIG_MAX_HTTP_REQUESTS";
const RELAUNCHED = "HAIGPT_RELAUNCHED";
/** The launching process's pid, given to the relaunched one so it can tell when that process is gone. */
export const LAUNCHER_PID_VARIABLE = "HAIGPT_LAUNCHER_PID";
/** How often the relaunched process looks for its launcher. */
const LAUNCHER_CHECK_MS = 250;

export interface RelaunchPlan {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
}

export interface ProcessFacts {
  readonly isBun: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly execPath: string;
  readonly execArgv: readonly string[];
  /** `[runtime, entry, ...arguments]`; inside a `bun build --compile` binary the entry is under `/$bunfs/` (`B:/~BUN/` on Windows). */
  readonly argv: readonly string[];
}

/**
 * The command that runs this process again with the limit in force, or null when it already is (or the
 * runtime has no such limit). Pure: decided from the facts of the process.
 */
export function planRelaunch(limit: number, facts: ProcessFacts): RelaunchPlan | null {
  if (!facts.isBun || facts.env[RELAUNCHED] === "1" || facts.env[BUN_LIMIT_VARIABLE] === String(limit)) return null;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(facts.env)) if (value !== undefined) env[name] = value;
  env[BUN_LIMIT_VARIABLE] = String(limit);
  env[RELAUNCHED] = "1";
  const entry = facts.argv[1] ?? "";
  const compiled = entry.startsWith("/$bunfs/") || entry.startsWith("B:/~BUN/");
  // A compiled binary carries its entry inside: only the user's arguments follow it.
  const args = compiled ? facts.argv.slice(2) : [...facts.execArgv, ...facts.argv.slice(1)];
  return { command: facts.execPath, args, env };
}

/** This process's facts, read once. */
export function currentProcessFacts(): ProcessFacts {
  return {
    isBun: currentRuntimeName() === "bun",
    env: process.env,
    execPath: process.execPath,
    execArgv: process.execArgv,
    argv: process.argv,
  };
}

/**
 * Runs the relaunched process to its end and resolves with its exit code. SIGTERM and SIGHUP are passed
 * on; SIGINT too, unless a terminal is attached (a terminal's Ctrl-C already reaches the whole process
 * group, and a second SIGINT would mean "stop at once").
 */
export function runRelaunched(plan: RelaunchPlan): Promise<number> {
  const env = { ...plan.env, [LAUNCHER_PID_VARIABLE]: String(process.pid) };
  const child = spawn(plan.command, [...plan.args], { env, stdio: "inherit" });
  const pass = (signal: NodeJS.Signals) => () => void child.kill(signal);
  process.on("SIGTERM", pass("SIGTERM"));
  process.on("SIGHUP", pass("SIGHUP"));
  process.on("SIGINT", process.stdin.isTTY ? () => {} : pass("SIGINT"));
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
    child.on("error", () => resolve(1));
  });
}

/**
 * In a relaunched process: calls `onGone` once the launching process has gone (its parent is no longer
 * that pid — a SIGKILL leaves no chance to pass anything on), so a killed launcher does not leave a
 * second server holding the port. Does nothing in a process that was not relaunched.
 */
export function watchLauncher(env: Readonly<Record<string, string | undefined>>, onGone: () => void): void {
  const launcher = Number(env[LAUNCHER_PID_VARIABLE]);
  if (!Number.isInteger(launcher) || launcher <= 0) return;
  const check = () => {
    if (process.ppid === launcher) return false;
    clearInterval(timer);
    onGone();
    return true;
  };
  const timer = setInterval(check, LAUNCHER_CHECK_MS);
  check();
}
