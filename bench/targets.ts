// What the benchmark measures: the simulator's Azure URL (direct), the floor proxy and haigpt, each a process.
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RequestSpec } from "./load.ts";
import { findFreePort, startProcess, type BenchProcess } from "./processes.ts";

const ROOT = join(import.meta.dir, "..");
/** The simulator's demo resource and key (demo values, not secrets). */
const RESOURCE = "demo";
const AZURE_KEY = "sim-demo-key";
const USER_TOKEN = "bench-user-token-0000000000";
const AZURE_PATH = `/${RESOURCE}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`;

export type TargetName = "direct" | "floor" | "haigpt";

/** A target under load: the process whose CPU and memory are read, and the request it is sent. */
export interface Target {
  name: TargetName;
  process: BenchProcess;
  /** The chat request for this target; `slowMs` paces the simulator's chunks (`sim:slow=`). */
  request(stream: boolean, slowMs?: number): RequestSpec;
  stop(): Promise<void>;
}

/** How to start a proxy target. */
export interface TargetOptions {
  /** Bun's fetch cap (BUN_CONFIG_MAX_HTTP_REQUESTS); undefined keeps Bun's default (256). */
  fetchCap?: number;
  /** Extra arguments for bun before the entry, e.g. `--cpu-prof`. */
  runtimeArgs?: string[];
  /** Extra environment, e.g. `HAIGPT_LOG_LEVEL: "warn"` for haigpt to compare a setting. */
  env?: Record<string, string>;
  /** Per-user limits for haigpt's bench user (e.g. `{ rpm: 100000 }`), given in a config.json of its own. */
  userLimits?: Record<string, number>;
}

/** The same JSON body for every target (haigpt needs `model`; Azure ignores it on this surface). */
function buildBody(stream: boolean, slowMs?: number): string {
  const content = slowMs === undefined ? "Say something for the benchmark." : `Say something slowly. sim:slow=${slowMs}`;
  return JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content }], stream });
}

/** Starts the simulator in its fast mode (SIM_FAST=1) on a free port. */
export async function startSimulator(): Promise<{ url: string; process: BenchProcess }> {
  const port = await findFreePort();
  const env = { SIM_FAST: "1", SIM_PORT: String(port), SIM_HOST: "127.0.0.1" };
  const process = await startProcess("simulator", [Bun.argv[0]!, join(ROOT, "src/simulator/main.ts")], env, port);
  return { url: `http://127.0.0.1:${port}`, process };
}

/** The simulator itself, addressed the way Azure is: the ceiling. Stopping it is the caller's job. */
export function createDirectTarget(simulator: { url: string; process: BenchProcess }): Target {
  return {
    name: "direct",
    process: simulator.process,
    request: (stream, slowMs) => ({ url: simulator.url + AZURE_PATH, headers: { "api-key": AZURE_KEY }, body: buildBody(stream, slowMs) }),
    stop: async () => {},
  };
}

function capEnv(options: TargetOptions): Record<string, string> {
  return options.fetchCap === undefined ? {} : { BUN_CONFIG_MAX_HTTP_REQUESTS: String(options.fetchCap) };
}

/** The floor proxy (bench/floor-proxy.ts, or `script` written like it, e.g. a rung of the relay ladder) as its own process. */
export async function startFloor(simulatorUrl: string, options: TargetOptions & { script?: string } = {}): Promise<Target> {
  const port = await findFreePort();
  const env = { FLOOR_UPSTREAM: simulatorUrl + AZURE_PATH, FLOOR_KEY: AZURE_KEY, PORT: String(port), ...capEnv(options), ...options.env };
  const script = options.script ?? join(import.meta.dir, "floor-proxy.ts");
  const process = await startProcess("floor", [Bun.argv[0]!, ...(options.runtimeArgs ?? []), script], env, port);
  return {
    name: "floor",
    process,
    request: (stream, slowMs) => ({ url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: {}, body: buildBody(stream, slowMs) }),
    stop: () => process.stop(),
  };
}

/**
 * haigpt as users start it (`bun src/index.ts`), default settings (strict normalisation, logs at info
 * to stdout, which goes to a temporary file), a user token, primary and secondary configured.
 */
export async function startHaigpt(simulatorUrl: string, options: TargetOptions = {}): Promise<Target> {
  const port = await findFreePort();
  // Limits are config.json's (UserTokens in the environment carries none, and would replace the file's).
  const configFile = options.userLimits ? join(tmpdir(), `haigpt-bench-${port}.config.json`) : null;
  if (configFile) writeFileSync(configFile, JSON.stringify({ userTokens: [{ userId: "bench", token: USER_TOKEN, ...options.userLimits }] }));
  const users: Record<string, string> = configFile ? { HAIGPT_CONFIG: configFile } : { UserTokens: `bench|${USER_TOKEN}` };
  const env = {
    PORT: String(port),
    HOST: "127.0.0.1",
    HAIGPT_AZURE_ENDPOINT: `${simulatorUrl}/{resourceId}`,
    PrimaryApiKey: `${RESOURCE}:gpt-4o|gpt-4o:${AZURE_KEY}:2024-10-21`,
    SecondaryApiKey: `${RESOURCE}-secondary:gpt-4o|gpt-4o:${AZURE_KEY}:2024-10-21`,
    ...users,
    ...capEnv(options),
    ...options.env,
  };
  const command = [Bun.argv[0]!, ...(options.runtimeArgs ?? []), join(ROOT, "src/index.ts")];
  const logFile = join(tmpdir(), `haigpt-bench-${port}.log`);
  const process = await startProcess("haigpt", command, env, port, logFile).catch((error: unknown) => {
    if (configFile) rmSync(configFile, { force: true });
    throw error;
  });
  return {
    name: "haigpt",
    process,
    request: (stream, slowMs) => ({
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      headers: { authorization: `Bearer ${USER_TOKEN}` },
      body: buildBody(stream, slowMs),
    }),
    stop: async () => {
      await process.stop();
      if (configFile) rmSync(configFile, { force: true });
    },
  };
}
