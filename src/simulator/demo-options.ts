// The demo resources `npm run demo` and `npm run simulate` serve, so newcomers can try haigpt without an Azure key.

import type { SimulatorOptions } from "./types.ts";

/** Name of the demo's primary resource. */
export const DEMO_RESOURCE = "demo";
/** Name of the demo's secondary resource (a second region, for failover). */
export const DEMO_SECONDARY_RESOURCE = "demo-dr";
/** Key of both demo resources; a fixed demo value, not a secret. */
export const DEMO_API_KEY = "sim-demo-key";
/** The api-version the demo's keys use: it has every feature today's clients send (tools, json_schema, include_usage). */
export const DEMO_API_VERSION = "2025-04-01-preview";

const DEPLOYMENTS = {
  "gpt-4o": { model: "gpt-4o-2024-08-06" },
  "gpt-4o-mini": { model: "gpt-4o-mini-2024-07-18" },
  "text-embedding-3-small": { model: "text-embedding-3-small" },
  "gpt-35-turbo-instruct": { model: "gpt-35-turbo-instruct" },
  "dall-e-3": { model: "dall-e-3" },
  whisper: { model: "whisper" },
  tts: { model: "tts" },
};

/** The model map haigpt uses for the demo resources: OpenAI name → deployment. */
export const DEMO_MODELS = "gpt-4o|gpt-4o,gpt-4o-mini|gpt-4o-mini,text-embedding-3-small|text-embedding-3-small";

/**
 * Two resources with the same deployments and key. Directives without `@resource` (`sim:429`,
 * `sim:500`, `sim:filter-prompt`) hit only the primary, so the demo shows haigpt recovering on the
 * secondary; `@demo-dr` or both names make the secondary misbehave too.
 */
export function createDemoSimulatorOptions(): SimulatorOptions {
  return {
    defaultResource: DEMO_RESOURCE,
    unscopedDirectivesResource: DEMO_RESOURCE,
    resources: {
      [DEMO_RESOURCE]: { keys: [DEMO_API_KEY], deployments: { ...DEPLOYMENTS } },
      [DEMO_SECONDARY_RESOURCE]: { keys: [DEMO_API_KEY], deployments: { ...DEPLOYMENTS } },
    },
  };
}

/** The credential strings of the demo's two keys, for a simulator at `simulatorUrl` (endpoint template in HAIGPT_AZURE_ENDPOINT). */
export function demoKeyStrings(): { primary: string; secondary: string } {
  return {
    primary: `${DEMO_RESOURCE}:${DEMO_MODELS}:${DEMO_API_KEY}:${DEMO_API_VERSION}`,
    secondary: `${DEMO_SECONDARY_RESOURCE}:${DEMO_MODELS}:${DEMO_API_KEY}:${DEMO_API_VERSION}`,
  };
}
