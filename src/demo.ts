/**
 * `npm run demo`: the Azure simulator and haigpt in front of it, in one process, so a newcomer gets a
 * streamed completion without an Azure key. Nothing here is used when haigpt serves real Azure.
 */
import { loadConfig } from "./config/load-config.ts";
import { createLogger } from "./log.ts";
import { runtime } from "./runtime.ts";
import { startServer } from "./server.ts";
import { createAzureSimulator, createDemoSimulatorOptions, DEMO_API_KEY, DEMO_RESOURCE } from "./simulator/azure-simulator.ts";
import { serveSimulator } from "./simulator/serve.ts";

const env = runtime.env();
const simulator = await serveSimulator(createAzureSimulator({ ...createDemoSimulatorOptions(), chunkDelayMs: 40 }), {
  port: Number(env.SIM_PORT ?? 4010),
  hostname: "127.0.0.1",
});
const models = ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"].map((name) => `${name}|${name}`).join(",");
const { config } = await loadConfig({
  argv: [],
  defaultConfigPath: "/nonexistent",
  env: {
    PORT: env.PORT ?? "3000",
    HOST: env.HOST ?? "127.0.0.1",
    HAIGPT_LOG_LEVEL: env.HAIGPT_LOG_LEVEL ?? "info",
    HAIGPT_AZURE_ENDPOINT: `${simulator.url}/{resourceId}`,
    PrimaryApiKey: `${DEMO_RESOURCE}:${models}:${DEMO_API_KEY}:2024-10-21`,
    UserTokens: "demo|demo-token",
  },
});
const listener = startServer(config, { log: createLogger(config.logLevel) });

console.log(`
haigpt demo: haigpt on ${listener.url} in front of the Azure OpenAI simulator on ${simulator.url}.
Your user token is demo-token. Try a streamed completion:

  curl -N ${listener.url}/v1/chat/completions \\
    -H 'Authorization: Bearer demo-token' -H 'Content-Type: application/json' \\
    -d '{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Hello!"}]}'

Add sim:429, sim:500 or sim:filter-prompt to the message to watch haigpt retry and fail over.
`);
