/** Entry point (Bun and Deno alike): load the configuration, start the server, or exit 1 saying why. */
import { parseCommandLine } from "./cli/command-line.ts";
import { ConfigError } from "./config/config-error.ts";
import { currentProcessFacts, planRelaunch, runRelaunched, watchLauncher } from "./connection-limit.ts";
import { loadConfig } from "./config/load-config.ts";
import { createLogger } from "./log.ts";
import { reloadOnChange } from "./reload.ts";
import { runtime } from "./runtime.ts";
import { startServer } from "./server.ts";
import { stopGracefullyOnSignals } from "./shutdown.ts";
import { VERSION } from "./version.ts";

const USAGE = `haigpt — an OpenAI-compatible proxy for Azure OpenAI

Usage: haigpt [--config PATH]
       haigpt --help | --version

Options:
  --config PATH  read this config.json (default: HAIGPT_CONFIG, else ./config.json when present)
  --help, -h     print this help and exit
  --version      print the version and exit

Configuration comes from config.json (--config, HAIGPT_CONFIG, or ./config.json when present) and
environment variables (PrimaryApiKey, SecondaryApiKey, UserTokens, HAIGPT_*, PORT, HOST).
Every setting is described in the README.`;

async function main(): Promise<number> {
  const commandLine = parseCommandLine(runtime.args());
  if (!commandLine.ok) {
    // Exit 2: the command line itself is wrong (a usage error), not the configuration.
    console.error(`haigpt: ${commandLine.message}`);
    return 2;
  }
  if (commandLine.help) {
    console.log(USAGE);
    return 0;
  }
  if (commandLine.version) {
    console.log(`haigpt ${VERSION}`);
    return 0;
  }
  let loaded;
  const loadedAtMs = Date.now();
  const argv = commandLine.configPath === undefined ? [] : ["--config", commandLine.configPath];
  try {
    loaded = await loadConfig({ env: runtime.env(), argv });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`haigpt: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const { config, warnings } = loaded;
  // Bun fixes its fetch concurrency at start-up: start again with haigpt's limit in force.
  const relaunch = planRelaunch(config.maxUpstreamConnections, currentProcessFacts());
  if (relaunch) return runRelaunched(relaunch);
  const log = createLogger(config.logLevel, { format: config.logFormat });
  for (const warning of warnings) log.warn(warning);
  const { openStateStore } = await import("./state/open-store.ts");
  let state;
  try {
    state = await openStateStore({ redisUrl: config.redisUrl, dataDir: config.dataDir }, {
      now: Date.now,
      onDegradationChange: (status) =>
        status.degraded
          ? log.warn("state store unreachable: limits, cooldowns and usage are kept in this process until it is back", { state: status })
          : log.info("state store reachable again: shared limits, cooldowns and usage resumed", { state: status }),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`haigpt: ${error.message}`);
      return 1;
    }
    throw error;
  }
  let listener;
  try {
    listener = startServer(config, { log, state });
  } catch (error) {
    await state.store.close();
    console.error(`haigpt: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    return 1;
  }
  stopGracefullyOnSignals(listener, config.shutdownGraceMs, log);
  const server = listener;
  watchLauncher(runtime.env(), () => {
    log.error("the haigpt process that started this one is gone (killed): stopping now, so no server is left behind");
    void server.stop().catch(() => {}).finally(async () => {
      await log.flush();
      runtime.exit(1);
    });
  });
  reloadOnChange({ server: listener, log, loadedAtMs, load: () => loadConfig({ env: runtime.env(), argv }) });
  return -1;
}

const code = await main();
if (code >= 0) runtime.exit(code);
