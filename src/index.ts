/** Entry point (Bun and Deno alike): load the configuration, start the server, or exit 1 saying why. */
import { parseCommandLine } from "./cli/command-line.ts";
import { BUN_FETCH_CAP, currentProcessFacts, planRelaunch, replaceProcess } from "./connection-limit.ts";
import { runtime } from "./runtime.ts";
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
  // Bun fixes its fetch concurrency at start-up: replace this process with one that has the cap raised,
  // before anything else is loaded. haigpt's own connection slots keep the configured
  // HAIGPT_MAX_UPSTREAM_CONNECTIONS below that cap.
  const relaunch = planRelaunch(BUN_FETCH_CAP, currentProcessFacts());
  const capWarning = relaunch ? replaceProcess(relaunch) : null;
  const [{ ConfigError }, { loadConfig }, { createLogger }, { reloadOnChange }, { startServer }, { stopGracefullyOnSignals }] = await Promise.all([
    import("./config/config-error.ts"),
    import("./config/load-config.ts"),
    import("./log.ts"),
    import("./reload.ts"),
    import("./server.ts"),
    import("./shutdown.ts"),
  ]);
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
  const log = createLogger(config.logLevel, { format: config.logFormat });
  for (const warning of warnings) log.warn(warning);
  if (capWarning) log.warn(capWarning);
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
  reloadOnChange({ server: listener, log, loadedAtMs, load: () => loadConfig({ env: runtime.env(), argv }) });
  return -1;
}

const code = await main();
if (code >= 0) runtime.exit(code);
