/**
 * Configuration reload on SIGHUP and when the config file changes: the file is read again (once it has
 * stopped changing) and validated; a valid one replaces the running configuration, an invalid one is
 * refused with a logged error naming the file and field, and the old one keeps serving.
 */
import { statSync } from "node:fs";
import { stat } from "node:fs/promises";
import { ConfigError } from "./config/config-error.ts";
import type { AppConfig } from "./config/schema.ts";
import type { Logger } from "./log.ts";
import { runtime } from "./runtime.ts";
import type { HaigptServer } from "./server.ts";

/** How often the config file is looked at; a change is applied once two looks in a row agree. */
export const WATCH_INTERVAL_MS = 500;

/** Settings that only take effect at start: a reload that changes them says so. */
const START_ONLY = ["port", "host", "logLevel", "logFormat", "shutdownGraceMs", "maxUpstreamConnections"] as const;

/** The state store is opened once per process (server.ts): another Redis or data directory needs a restart. */
const STATE_START_ONLY = ["redisUrl", "dataDir"] as const;

export interface ReloadOptions {
  readonly server: HaigptServer;
  readonly log: Logger;
  /** Reads and validates the configuration as start-up did (same variables, same path). */
  readonly load: () => Promise<{ config: AppConfig; warnings: readonly string[] }>;
  /** When the running configuration was read (ms since the epoch): a file changed since then is read again. */
  readonly loadedAtMs: number;
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
  const needRestart = [...START_ONLY, ...STATE_START_ONLY].filter((name) => previous[name] !== loaded.config[name]);
  log.info("configuration reloaded", {
    reason,
    path: loaded.config.configPath,
    userTokens: loaded.config.userTokens.length,
    ...(needRestart.length ? { restartNeededFor: needRestart } : {}),
  });
  return true;
}

function describeStat(info: { ino: number; size: number; mtimeMs: number } | null): string {
  return info ? `${info.ino}:${info.size}:${info.mtimeMs}` : "missing";
}

async function signature(path: string): Promise<string> {
  return describeStat(await stat(path).catch(() => null));
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
  // A file written after the configuration was read (even before this watcher began) counts as changed.
  const info = statSync(path, { throwIfNoEntry: false }) ?? null;
  let applied = info && info.mtimeMs >= options.loadedAtMs ? "changed since start" : describeStat(info);
  let last: string | null = null;
  const timer = setInterval(async () => {
    const now = await signature(path);
    const settled = now === last;
    last = now;
    if (!settled || now === applied) return;
    applied = now;
    reload("config file changed");
  }, WATCH_INTERVAL_MS);
  return () => clearInterval(timer);
}
