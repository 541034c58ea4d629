/**
 * Builds the one configuration object at start-up: config.json, then environment variables over it
 * (each variable replaces the file's whole corresponding part), checked once and frozen.
 */
import { existsSync } from "node:fs";
import { isRedisUrl } from "./redis-url.ts";
import { isEndpointUrl, toAzureKey, type KeyDefaults } from "./azure-key.ts";
import { ConfigError } from "./config-error.ts";
import { checkKeyFields } from "./check-key-fields.ts";
import { defaultCorsSetting, findCorsProblem } from "./cors-setting.ts";
import { parseCredentialString } from "./credential-string.ts";
import { readFileUpstreams } from "./file-upstreams.ts";
import { isApiVersion } from "./names.ts";
import { warnUnknownVariables } from "./unknown-variables.ts";
import { checkUserTokens } from "./user-token-entries.ts";
import type { AppConfig, AzureKey, FileConfig, UserToken } from "./schema.ts";
import {
  readConfigFile,
  readConfigPathArgument,
  readSettingsFromEnv,
  SETTING_VARIABLES,
  type Env,
  type FileSource,
} from "./sources.ts";

export const DEFAULT_CONFIG_PATH = "./config.json";

export const DEFAULTS = {
  azureEndpoint: "https://{resourceId}.openai.azure.com",
  apiVersion: "2023-05-15",
  maxRetries: 3,
  retryBaseMs: 500,
  retryMaxDelayMs: 10_000,
  firstByteTimeoutMs: 60_000,
  streamIdleTimeoutMs: 120_000,
  requestTimeoutMs: 600_000,
  // Far above what one process streams at once; Bun's own default (256) would queue requests silently.
  maxUpstreamConnections: 4096,
  port: 3000,
  host: "0.0.0.0",
  allowClientCredentials: false,
  allowAnonymous: false,
  logLevel: "info",
  compat: "strict",
  params: "adapt",
  // OpenAI's own limit for audio uploads is 25 MB; the rest is room for the form around the file.
  maxBodyBytes: 32 * 1024 * 1024,
  // Docker waits 10 s after SIGTERM by default; give streams most of it (raise both together).
  shutdownGraceMs: 9_000,
  logFormat: "json",
  // No Redis: limits and usage live in an SQLite file here, which survives restarts.
  redisUrl: null,
  dataDir: "./data",
  breakerFailures: 5,
  breakerCooldownMs: 30_000,
} as const;

export interface LoadedConfig {
  readonly config: AppConfig;
  /** Things worth telling the operator that do not stop start-up. */
  readonly warnings: readonly string[];
}

type KeyField = "primaryApiKey" | "secondaryApiKey";
const KEY_VARIABLES: Record<KeyField, string> = { primaryApiKey: "PrimaryApiKey", secondaryApiKey: "SecondaryApiKey" };

function keyFromVariable(name: string, value: string, defaults: KeyDefaults): AzureKey {
  const parsed = parseCredentialString(value);
  if (!parsed.ok) throw new ConfigError(`environment variable ${name}`, null, parsed.message);
  return toAzureKey(parsed.value, defaults);
}

function keyFromFile(file: FileSource, field: KeyField, defaults: KeyDefaults): AzureKey | null {
  const entry = file.config[field];
  if (!entry) return null;
  const fail = (sub: string, detail: string): never => {
    throw new ConfigError(`config file ${file.path}`, `${field}.${sub}`, detail);
  };
  checkKeyFields(entry, fail);
  return toAzureKey(
    { resourceId: entry.resourceId, deployments: entry.deployment, apiKey: entry.apiKey, apiVersion: entry.apiVersion },
    defaults,
    entry.endpoint,
  );
}

/** Parses `user1|token1,user2|token2`; messages count entries and never quote a token. */
export function parseUserTokens(value: string, source = "environment variable UserTokens"): UserToken[] {
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry, index) => {
      const bar = entry.indexOf("|");
      const userId = bar < 0 ? "" : entry.slice(0, bar).trim();
      const token = bar < 0 ? "" : entry.slice(bar + 1).trim();
      if (!userId || !token) throw new ConfigError(source, null, `entry ${index + 1} is not USER|TOKEN`);
      return { userId, token };
    });
}

/** Loads, merges and checks the configuration; throws ConfigError naming the source and field. */
export async function loadConfig(input: {
  env: Env;
  argv: readonly string[];
  /** Read when no path is given and the file exists; tests point it elsewhere. */
  defaultConfigPath?: string;
}): Promise<LoadedConfig> {
  const { env, argv, defaultConfigPath = DEFAULT_CONFIG_PATH } = input;
  const explicitPath = readConfigPathArgument(argv, env);
  const path = explicitPath ?? (existsSync(defaultConfigPath) ? defaultConfigPath : undefined);
  const file = path ? await readConfigFile(path) : null;
  const fileSource = file ? `config file ${file.path}` : "";
  const envSettings = readSettingsFromEnv(env);
  const settings = { ...DEFAULTS, ...pickSettings(file?.config), ...envSettings };
  const settingError = (name: keyof typeof SETTING_VARIABLES, detail: string) =>
    name in envSettings
      ? new ConfigError(`environment variable ${SETTING_VARIABLES[name]}`, null, detail)
      : new ConfigError(fileSource, name, detail);

  if (!isEndpointUrl(settings.azureEndpoint.replaceAll("{resourceId}", "example"))) {
    throw settingError("azureEndpoint", "must be an http(s) URL template such as https://{resourceId}.openai.azure.com");
  }
  if (!isApiVersion(settings.apiVersion)) {
    throw settingError("apiVersion", `"${settings.apiVersion}" is not an Azure api-version such as 2024-10-21`);
  }
  if (settings.redisUrl !== null && !isRedisUrl(settings.redisUrl)) {
    // Never quote the URL: it may hold a password.
    throw settingError("redisUrl", "must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379");
  }
  const defaults: KeyDefaults = { azureEndpoint: settings.azureEndpoint, apiVersion: settings.apiVersion };

  const readKey = (field: KeyField): { key: AzureKey | null; source: string | null } => {
    const variable = KEY_VARIABLES[field];
    const value = env[variable]?.trim();
    if (value) return { key: keyFromVariable(variable, value, defaults), source: `environment variable ${variable}` };
    const key = file ? keyFromFile(file, field, defaults) : null;
    return { key, source: key ? fileSource : null };
  };
  const primary = readKey("primaryApiKey");
  const secondary = readKey("secondaryApiKey");

  const upstreams = file ? readFileUpstreams(file, defaults, { primary: primary.key, secondary: secondary.key }) : [];
  const hasUpstream = primary.key !== null || upstreams.length > 0;
  const upstreamSource = primary.source ?? (upstreams.length ? fileSource : null);

  const tokenVariable = env.UserTokens?.trim();
  const userTokens = tokenVariable ? parseUserTokens(tokenVariable) : [...(file?.config.userTokens ?? [])];
  const tokenSource = tokenVariable ? "environment variable UserTokens" : userTokens.length ? fileSource : null;
  const tokenWarnings = tokenSource ? checkUserTokens(userTokens, tokenSource, tokenVariable ? null : "userTokens") : [];

  if (secondary.key && !primary.key) {
    throw new ConfigError(secondary.source!, null,
      "a secondary Azure key is configured without a primary one; set PrimaryApiKey or primaryApiKey");
  }
  if (userTokens.length > 0 && !hasUpstream) {
    throw new ConfigError(tokenSource!, null,
      "user tokens are configured but no Azure key for them to use; set PrimaryApiKey or primaryApiKey, " +
        "or remove the tokens to run as a pure proxy");
  }
  if (hasUpstream && userTokens.length === 0 && !settings.allowAnonymous) {
    throw new ConfigError(upstreamSource!, null,
      "Azure keys are configured but no user tokens: anyone who can reach this server could spend your Azure " +
        "quota. Set UserTokens (or userTokens in config.json), or HAIGPT_ALLOW_ANONYMOUS=true if that is intended");
  }

  const anonymous = primary.key !== null && userTokens.length === 0;
  const corsOrigins = settings.corsOrigins ?? defaultCorsSetting(anonymous);
  const corsProblem = findCorsProblem(corsOrigins);
  if (corsProblem) throw settingError("corsOrigins", corsProblem);

  const warnings = [
    ...(file?.unknownFields ?? []).map((field) => `config file ${file!.path}: unknown field "${field}" is ignored`),
    ...tokenWarnings,
    ...warnUnknownVariables(env),
  ];
  if (anonymous && corsOrigins !== "off") {
    warnings.push(
      `anonymous mode with CORS origins "${corsOrigins}": web pages at those origins can spend this server's Azure quota from their visitors' browsers`,
    );
  }
  const config: AppConfig = Object.freeze({
    ...settings,
    corsOrigins,
    adminToken: settings.adminToken ?? null,
    primary: primary.key,
    secondary: secondary.key,
    upstreams: Object.freeze(upstreams),
    userTokens: Object.freeze(userTokens.map((token) => Object.freeze({ ...token, ...(token.models ? { models: Object.freeze([...token.models]) } : {}) }))),
    sources: Object.freeze({ primary: primary.source, secondary: secondary.source, userTokens: tokenSource }),
    configPath: file?.path ?? null,
  });
  return { config, warnings };
}

function pickSettings(file: FileConfig | undefined): Partial<FileConfig> {
  if (!file) return {};
  const { $schema: _schema, primaryApiKey: _p, secondaryApiKey: _s, upstreams: _up, userTokens: _u, ...settings } = file;
  return settings;
}
