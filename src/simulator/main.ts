// CLI behind `npm run simulate`: serves the two demo resources and prints how to point haigpt at them.

import { shellQuote } from "../shell-quote.ts";
import { createAzureSimulator, createDemoSimulatorOptions, DEMO_API_KEY, DEMO_RESOURCE, DEMO_SECONDARY_RESOURCE, demoKeyStrings } from "./azure-simulator.ts";
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
const keys = demoKeyStrings();
const variables = {
  HAIGPT_AZURE_ENDPOINT: `${server.url}/{resourceId}`,
  PrimaryApiKey: keys.primary,
  SecondaryApiKey: keys.secondary,
  UserTokens: "demo|demo-token",
};
const startLine = `${Object.entries(variables).map(([name, value]) => `${name}=${shellQuote(value)}`).join(" ")} npm run start`;

console.log(`Azure OpenAI simulator listening on ${server.url}
  resources:   ${DEMO_RESOURCE} (primary) and ${DEMO_SECONDARY_RESOURCE} (secondary); endpoint ${endpoint}
  api-key:     ${DEMO_API_KEY}  (demo value, not a secret)
  deployments (on both):
${Object.entries(deployments).map(([name, d]) => `    ${name.padEnd(24)} model ${d.model}`).join("\n")}

Start haigpt in front of it (in another terminal, in the haigpt directory), then use the user token demo-token:
  ${startLine}

Or call it directly:
  curl -N '${endpoint}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21' \\
    -H 'api-key: ${DEMO_API_KEY}' -H 'content-type: application/json' \\
    -d '{"stream":true,"messages":[{"role":"user","content":"hello"}]}'

Put directives in a prompt to make it misbehave like Azure: sim:429, sim:429=2000, sim:500, sim:503,
sim:filter-prompt, sim:filter-output, sim:filter-async, sim:stream-error, sim:slow=200, sim:hang ...
Without a suffix they hit the primary (${DEMO_RESOURCE}) only; suffix @<resource> to target one resource,
*<n> for only the first n identical requests.`);
