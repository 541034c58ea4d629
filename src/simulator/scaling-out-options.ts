// Three resources and a local Entra tenant, the shape of the README's "Scaling out" example:
// a PTU resource to use first, and two pay-as-you-go regions (one with key auth off) to spill over to.

import type { SimulatorOptions } from "./types.ts";

/** Demo values, not secrets: they only open this local simulator. */
export const SCALING_OUT_KEYS = { east: "sim-east-key", west: "sim-west-key" } as const;
export const SCALING_OUT_TENANT = "demo-tenant";
export const SCALING_OUT_CLIENT = { clientId: "demo-client", clientSecret: "sim-demo-client-secret" } as const;

const GPT_4O = { "gpt-4o": { model: "gpt-4o-2024-08-06" } };

/** `contoso-east` (key), `contoso-west` (key), `contoso-swe` (Entra only) and tenant `demo-tenant`. */
export function createScalingOutSimulatorOptions(): SimulatorOptions {
  return {
    resources: {
      "contoso-east": { keys: [SCALING_OUT_KEYS.east], deployments: { "gpt-4o-ptu": GPT_4O["gpt-4o"] } },
      "contoso-west": { keys: [SCALING_OUT_KEYS.west], deployments: GPT_4O },
      "contoso-swe": { keys: [], auth: "entra", deployments: GPT_4O },
    },
    entra: { tenants: { [SCALING_OUT_TENANT]: { [SCALING_OUT_CLIENT.clientId]: SCALING_OUT_CLIENT.clientSecret } } },
  };
}
