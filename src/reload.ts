/**
 * Configuration reload on SIGHUP and when the config file changes: the file is read again (once it has
 * stopped changing) and validated; a valid one replaces the running configuration, an invalid one is
 * refused with a logged error naming the file and field, and the old one keeps serving.
 */
import { stat } from "node:fs/promises";
import { ConfigError } from "./config/config-error.ts";
import type { AppConfig } from "./config/schema.ts";
import type { Logger } from "./log.ts";
import { runtime } from "./runtime.ts";
import type { HaigptServer } from "./server.ts";

/** How often the config file is looked at; a change is applied once two looks in a row agree. */
export const WATCH_INTERVAL_MS = 500;

/** Settings that only take effect at start: a reload that changes them says so. */
const START_ONLY = ["port", "host", "logLevel", "logFormat", "maxBodyBytes", "shutdownGraceMs"] as const;

export interface ReloadOptions {
  readonly server: HaigptServer;
  readonly log: Logger;
  /** Reads and validates the configuration as start-up did (same variables, same path). */
  readonly load: () => Promise<{ config: AppConfig; warnings: readonly string[] }>;
}

/** Reloads once; true when the new configuration was taken. */
export async function reloadConfig({ server, log, load }: ReloadOptions, reason: string): Promise<boolean> {
  let loaded;
  try {
    loaded = await load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.error("configuration reload refused; the previous configuration keeps serving", {
      reason,
      source: error.source,
      field: error.field,
      error: error.message,
    });
    return false;
  }
  const previous = server.config();
  server.replaceConfig(loaded.config);
  for (const warning of loaded.warnings) log.warn(warning);
  const needRestart = START_ONLY.filter((name) => previous[name] !== loaded.config[name]);
  log.info("configuration reloaded", {
    reason,
    path: loaded.config.configPath,
    userTokens: loaded.config.userTokens.length,
    ...(needRestart.length ? { restartNeededFor: needRestart } : {}),
  });
  return true;
}

async function signature(path: string): Promise<string> {
  try {
    const info = await stat(path);
    return `${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch {
    return "missing";
  }
}

/** Reloads on SIGHUP, and when the config file (if there is one) has changed and then stayed the same. */
export function reloadOnChange(options: ReloadOptions): () => void {
  let running: Promise<unknown> = Promise.resolve();
  const reload = (reason: string) => {
    running = running.then(() => reloadConfig(options, reason)).catch((error: unknown) =>
      options.log.error("configuration reload failed", { reason, error: String(error) }));
  };
  runtime.onSignal("SIGHUP", () => reload("SIGHUP"));
  const path = options.server.config().configPath;
  if (path === null) return () => {};
  let applied: Promise<string> = signature(path);
  let last: string | null = null;
  const timer = setInterval(async () => {
    const now = await signature(path);
    const settled = now === last;
    last = now;
    if (!settled || now === (await applied)) return;
    applied = Promise.resolve(now);
    reload("config file changed");
  }, WATCH_INTERVAL_MS);
  return () => clearInterval(timer);
}
