/**
 * `npm run demo`: the Azure simulator (two resources, a primary and a secondary) and haigpt in front of
 * it, in one process, so a newcomer gets a streamed completion, a retry and a failover without an Azure
 * key. Nothing here is used when haigpt serves real Azure.
 */
import { loadConfig } from "./config/load-config.ts";
import { createLogger } from "./log.ts";
import { runtime, type Listener } from "./runtime.ts";
import { clientUrl, startServer } from "./server.ts";
import { createAzureSimulator, createDemoSimulatorOptions, demoKeyStrings } from "./simulator/azure-simulator.ts";
import { serveSimulator } from "./simulator/serve.ts";

const env = runtime.env();

/** Listens, or prints one line saying which port is taken and how to pick another, and exits 1. */
async function listenOrExit(what: string, variable: string, host: string, port: string, listen: () => Listener | Promise<Listener>): Promise<Listener> {
  try {
    return await listen();
  } catch (error) {
    console.error(`haigpt demo: cannot listen on ${host}:${port} for the ${what} (${(error as Error).message}); ` +
      `stop what uses it or choose another port, e.g. ${variable}=${Number(port) + 1} npm run demo`);
    return runtime.exit(1);
  }
}

const simHost = "127.0.0.1";
const simPort = env.SIM_PORT ?? "4010";
const simulator = await listenOrExit("simulator", "SIM_PORT", simHost, simPort, () =>
  serveSimulator(createAzureSimulator({ ...createDemoSimulatorOptions(), chunkDelayMs: 40 }), { port: Number(simPort), hostname: simHost }));
const keys = demoKeyStrings();
const { config } = await loadConfig({
  argv: [],
  defaultConfigPath: "/nonexistent",
  env: {
    PORT: env.PORT ?? "3000",
    HOST: env.HOST ?? "127.0.0.1",
    HAIGPT_LOG_LEVEL: env.HAIGPT_LOG_LEVEL ?? "info",
    HAIGPT_AZURE_ENDPOINT: `${simulator.url}/{resourceId}`,
    PrimaryApiKey: keys.primary,
    SecondaryApiKey: keys.secondary,
    UserTokens: "demo|demo-token",
  },
});
const listener = await listenOrExit("haigpt server", "PORT", config.host, String(config.port), () =>
  startServer(config, { log: createLogger(config.logLevel) }));
const url = clientUrl(config.host, listener.port).url;

console.log(`
haigpt demo: haigpt on ${url} in front of the Azure OpenAI simulator on ${simulator.url}
(two simulated resources: primary "demo" and secondary "demo-dr"). Your user token is demo-token.
Try a streamed completion:

  curl -N ${url}/v1/chat/completions \\
    -H 'Authorization: Bearer demo-token' -H 'Content-Type: application/json' \\
    -d '{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Hello!"}]}'

Put a hint in the message to make the primary misbehave and watch haigpt's log:
  sim:429            the primary throttles; haigpt retries on the secondary, which answers
  sim:500            the primary fails; haigpt retries on the secondary, which answers
  sim:filter-prompt  the primary's content filter refuses the prompt; haigpt fails over to the secondary
  sim:429@demo-dr sim:429@demo   both throttle: after its retries haigpt answers 429 with Retry-After
`);
