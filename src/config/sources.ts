/** The configuration sources, each read into a partial: config.json, the environment, the command line. */
import { readFile } from "node:fs/promises";
import { ConfigError } from "./config-error.ts";
import { parseJsonWithPosition } from "./json-position.ts";
import { FileConfig } from "./schema.ts";
import { findProblem } from "./validate.ts";

export type Env = Readonly<Record<string, string | undefined>>;

/** The server settings that may come from a variable or from config.json; the variable wins. */
export const SETTING_VARIABLES = {
  azureEndpoint: "HAIGPT_AZURE_ENDPOINT",
  apiVersion: "HAIGPT_API_VERSION",
  maxRetries: "HAIGPT_MAX_RETRIES",
  retryBaseMs: "HAIGPT_RETRY_BASE_MS",
  retryMaxDelayMs: "HAIGPT_RETRY_MAX_DELAY_MS",
  firstByteTimeoutMs: "HAIGPT_FIRST_BYTE_TIMEOUT_MS",
  streamIdleTimeoutMs: "HAIGPT_STREAM_IDLE_TIMEOUT_MS",
  requestTimeoutMs: "HAIGPT_REQUEST_TIMEOUT_MS",
  maxUpstreamConnections: "HAIGPT_MAX_UPSTREAM_CONNECTIONS",
  port: "PORT",
  host: "HOST",
  allowClientCredentials: "HAIGPT_ALLOW_CLIENT_CREDENTIALS",
  allowAnonymous: "HAIGPT_ALLOW_ANONYMOUS",
  logLevel: "HAIGPT_LOG_LEVEL",
  compat: "HAIGPT_COMPAT",
  params: "HAIGPT_PARAMS",
  maxBodyBytes: "HAIGPT_MAX_BODY_BYTES",
  corsOrigins: "HAIGPT_CORS_ORIGINS",
  shutdownGraceMs: "HAIGPT_SHUTDOWN_GRACE_MS",
  logFormat: "HAIGPT_LOG_FORMAT",
  adminToken: "HAIGPT_ADMIN_TOKEN",
  redisUrl: "HAIGPT_REDIS_URL",
  dataDir: "HAIGPT_DATA_DIR",
  breakerFailures: "HAIGPT_BREAKER_FAILURES",
  breakerCooldownMs: "HAIGPT_BREAKER_COOLDOWN_MS",
} as const;

export type SettingName = keyof typeof SETTING_VARIABLES;
export type Settings = Partial<Pick<FileConfig, SettingName>>;

const KNOWN_FILE_FIELDS = new Set(Object.keys(FileConfig.properties));

/** A read config.json: the validated content and any top-level fields haigpt does not know. */
export interface FileSource {
  readonly path: string;
  readonly config: FileConfig;
  readonly unknownFields: readonly string[];
}

/** Reads and validates config.json; every failure names the file and, where there is one, the field. */
export async function readConfigFile(path: string): Promise<FileSource> {
  const source = `config file ${path}`;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(source, null, `cannot read the file (${reason})`);
  }
  const parsed = await parseJsonWithPosition(text);
  if (!parsed.ok) throw new ConfigError(source, null, parsed.message);
  const data = parsed.value;
  const problem = findProblem(FileConfig, data);
  if (problem) throw new ConfigError(source, problem.field || null, problem.detail);
  const unknownFields = Object.keys(data as object).filter((field) => !KNOWN_FILE_FIELDS.has(field));
  return { path, config: data as FileConfig, unknownFields };
}

function parseVariable(name: string, raw: string, type: unknown): unknown {
  const value = raw.trim();
  if (type === "integer") {
    if (!/^\d+$/.test(value)) throw new ConfigError(`environment variable ${name}`, null, `"${value}" is not a whole number`);
    return Number(value);
  }
  if (type === "boolean") {
    if (/^(true|1|yes)$/i.test(value)) return true;
    if (/^(false|0|no)$/i.test(value)) return false;
    throw new ConfigError(`environment variable ${name}`, null, `"${value}" is not true or false`);
  }
  return value;
}

/** The server settings given as environment variables, converted and validated by the config.json schema. */
export function readSettingsFromEnv(env: Env): Settings {
  const settings: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(SETTING_VARIABLES)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") continue;
    // The config.json schema says which type a setting has; a variable is converted to it.
    const { type } = FileConfig.properties[key as SettingName] as { type?: string };
    settings[key] = parseVariable(name, raw, type);
  }
  const problem = findProblem(FileConfig, settings);
  if (problem) {
    const name = SETTING_VARIABLES[problem.field as SettingName] ?? problem.field;
    throw new ConfigError(`environment variable ${name}`, null, problem.detail);
  }
  return settings as Settings;
}

/** The config file path from `--config PATH` / `--config=PATH`, else `HAIGPT_CONFIG`. */
export function readConfigPathArgument(argv: readonly string[], env: Env): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--config") {
      const next = argv[i + 1];
      if (!next) throw new ConfigError("the command line", "--config", "needs a path");
      return next;
    }
    if (arg?.startsWith("--config=")) return arg.slice("--config=".length);
  }
  const fromEnv = env.HAIGPT_CONFIG?.trim();
  return fromEnv ? fromEnv : undefined;
}
