// `bun run src/simulator/main-scaling-out.ts`: serves the "Scaling out" example's three resources and tenant.

import { createAzureSimulator } from "./azure-simulator.ts";
import { createScalingOutSimulatorOptions } from "./scaling-out-options.ts";
import { serveSimulator } from "./serve.ts";

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const options = { ...createScalingOutSimulatorOptions(), chunkDelayMs: 40 };
const server = await serveSimulator(createAzureSimulator(options), { port: Number(env.SIM_PORT ?? 4010), hostname: env.SIM_HOST ?? "127.0.0.1" });

console.log(`Azure OpenAI simulator (scaling-out example) listening on ${server.url}
  resources:  contoso-east (key sim-east-key, deployment gpt-4o-ptu)
              contoso-west (key sim-west-key, deployment gpt-4o)
              contoso-swe  (key auth off: Entra tokens only, deployment gpt-4o)
  Entra ID:   POST ${server.url}/demo-tenant/oauth2/v2.0/token (client demo-client, secret sim-demo-client-secret)
All values are demo values, not secrets. Use the example config of the README's "Scaling out" section.`);
