/**
 * The runtime's limit on concurrent upstream requests, set by haigpt itself. Bun's fetch runs at most
 * 256 requests at once unless BUN_CONFIG_MAX_HTTP_REQUESTS says otherwise, and it reads that variable
 * once, from the environment the process was started with: setting process.env later (even before the
 * first fetch) changes nothing. So under Bun, haigpt replaces itself (`process.execve`: same process id,
 * nothing left behind) with a run that has the variable set, before the configuration is read: Bun's
 * cap is raised to its maximum, and haigpt's connection slots (src/upstream/connection-slots.ts) hold
 * upstream requests to the configured HAIGPT_MAX_UPSTREAM_CONNECTIONS. Deno's fetch has no such cap.
 */
import { currentRuntimeName } from "./runtime.ts";

/** The variable Bun reads, and the marker that stops a relaunched process from relaunching again. */
export const BUN_LIMIT_VARIABLE = "BUN_CONFIG_MAX_HTTP_REQUESTS";
const RELAUNCHED = "HAIGPT_RELAUNCHED";
/** The largest value Bun accepts for BUN_CONFIG_MAX_HTTP_REQUESTS (and the largest connection limit haigpt allows). */
export const BUN_FETCH_CAP = 65_535;

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

type Execve = (file: string, args: string[], env: Record<string, string>) => never;

/**
 * Replaces this process with the relaunched one (`process.execve`, Bun 1.2+): it does not return. Where
 * the runtime has no execve it returns the warning to log instead: haigpt then runs with Bun's cap of 256.
 */
export function replaceProcess(plan: RelaunchPlan): string {
  const execve = (process as { execve?: Execve }).execve;
  if (typeof execve === "function") execve.call(process, plan.command, [plan.command, ...plan.args], plan.env);
  return `this runtime cannot replace its process (no process.execve), so Bun's fetch runs at most 256 upstream requests at once; ` +
    `set ${BUN_LIMIT_VARIABLE}=${BUN_FETCH_CAP} in haigpt's environment to lift that`;
}
