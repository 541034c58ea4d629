// The demo resource `bun run simulate` serves, so newcomers can try haigpt without an Azure key.

import type { SimulatorOptions } from "./types.ts";

/** Name of the demo resource. */
export const DEMO_RESOURCE = "demo";
/** Key of the demo resource; a fixed demo value, not a secret. */
export const DEMO_API_KEY = "sim-demo-key";

/** One resource `demo` (key `sim-demo-key`) with chat, embeddings, legacy, image and audio deployments. */
export function createDemoSimulatorOptions(): SimulatorOptions {
  return {
    defaultResource: DEMO_RESOURCE,
    resources: {
      [DEMO_RESOURCE]: {
        keys: [DEMO_API_KEY],
        deployments: {
          "gpt-4o": { model: "gpt-4o-2024-08-06" },
          "gpt-4o-mini": { model: "gpt-4o-mini-2024-07-18" },
          "text-embedding-3-small": { model: "text-embedding-3-small" },
          "gpt-35-turbo-instruct": { model: "gpt-35-turbo-instruct" },
          "dall-e-3": { model: "dall-e-3" },
          whisper: { model: "whisper" },
          tts: { model: "tts" },
        },
      },
    },
  };
}
