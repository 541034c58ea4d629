// CLI behind `bun run simulate`: serves the demo resource and prints how to point haigpt at it.

import { createAzureSimulator, createDemoSimulatorOptions, DEMO_API_KEY, DEMO_RESOURCE } from "./azure-simulator.ts";
import { createFastSimulator } from "./fast-mode.ts";
import { serveSimulator } from "./serve.ts";

function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  return env?.[name];
}

// SIM_FAST=1 (the benchmark's mode): fixed chat answers, no request log, no chunk delay unless asked.
const fast = readEnv("SIM_FAST") === "1";
const options = { ...createDemoSimulatorOptions(), chunkDelayMs: fast ? 0 : 40 };
const hostname = readEnv("SIM_HOST") ?? "127.0.0.1";
const server = await serveSimulator(fast ? createFastSimulator(options) : createAzureSimulator(options), { port: Number(readEnv("SIM_PORT") ?? 4010), hostname });
const deployments = options.resources[DEMO_RESOURCE]?.deployments ?? {};
const endpoint = `${server.url}/${DEMO_RESOURCE}`;

console.log(`Azure OpenAI simulator listening on ${server.url}
  resource:    ${DEMO_RESOURCE}  (endpoint ${endpoint}, also served without the prefix)
  api-key:     ${DEMO_API_KEY}  (demo value, not a secret)
  deployments:
${Object.entries(deployments).map(([name, d]) => `    ${name.padEnd(24)} model ${d.model}`).join("\n")}

Point haigpt at it:
  HAIGPT_AZURE_ENDPOINT=${server.url}/{resourceId} PrimaryApiKey=${DEMO_RESOURCE}:gpt-4o|gpt-4o,gpt-4o-mini|gpt-4o-mini,text-embedding-3-small|text-embedding-3-small:${DEMO_API_KEY}:2024-10-21 UserTokens=demo|demo-token HAIGPT_ALLOW_ANONYMOUS=false

Or call it directly:
  curl -N '${endpoint}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21' \\
    -H 'api-key: ${DEMO_API_KEY}' -H 'content-type: application/json' \\
    -d '{"stream":true,"messages":[{"role":"user","content":"hello"}]}'

Put directives in a prompt to make it misbehave like Azure: sim:429, sim:429=2000, sim:500, sim:503,
sim:filter-prompt, sim:filter-output, sim:filter-async, sim:stream-error, sim:slow=200, sim:hang ...
(suffix @<resource> to target one resource, *<n> for only the first n identical requests).`);
