/** Entry point (Bun and Deno alike): load the configuration, start the server, or exit 1 saying why. */
import { ConfigError } from "./config/config-error.ts";
import { currentProcessFacts, planRelaunch, runRelaunched } from "./connection-limit.ts";
import { loadConfig } from "./config/load-config.ts";
import { createLogger } from "./log.ts";
import { runtime } from "./runtime.ts";
import { startServer } from "./server.ts";
import { stopGracefullyOnSignals } from "./shutdown.ts";

const USAGE = `haigpt — an OpenAI-compatible proxy for Azure OpenAI

Usage: haigpt [--config PATH]

Configuration comes from config.json (--config, HAIGPT_CONFIG, or ./config.json when present) and
environment variables (PrimaryApiKey, SecondaryApiKey, UserTokens, HAIGPT_*, PORT, HOST).
Every setting is described in the README.`;

async function main(): Promise<number> {
  const argv = runtime.args();
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  let loaded;
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
  const log = createLogger(config.logLevel);
  for (const warning of warnings) log.warn(warning);
  let listener;
  try {
    listener = startServer(config, { log });
  } catch (error) {
    console.error(`haigpt: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    return 1;
  }
  stopGracefullyOnSignals(listener, config.shutdownGraceMs, log);
  return -1;
}

const code = await main();
if (code >= 0) runtime.exit(code);
