// Local fake Azure OpenAI service speaking Azure's REST shapes; Web-standard fetch handler for Bun and Deno.

import { handleRequest } from "./handle-request.ts";
import { SimulatorState } from "./simulator-state.ts";
import type { AzureSimulator, RecordedRequest, SimulatorOptions } from "./types.ts";

export type { AzureSimulator, RecordedRequest, SimDeployment, SimResource, SimSurface, SimulatorOptions } from "./types.ts";
export type { EntraFault, SimEntraOptions } from "./entra.ts";
export { createDemoSimulatorOptions, DEMO_API_KEY, DEMO_RESOURCE, DEMO_SECONDARY_RESOURCE, demoKeyStrings } from "./demo-options.ts";

/**
 * Creates a simulator serving `options.resources` under `/{resource}/openai/...` (and `/openai/...` for
 * `options.defaultResource`). All state (recorded requests, directive counters, gates) lives in the result.
 */
export function createAzureSimulator(options: SimulatorOptions): AzureSimulator {
  const state = new SimulatorState();
  return {
    fetch: (request: Request) => handleRequest(options, state, request),
    get requests(): RecordedRequest[] {
      return state.requests;
    },
    waitForRequest: (predicate?: (r: RecordedRequest) => boolean) => state.waitForRequest(predicate),
    waitForAbort: (predicate?: (r: RecordedRequest) => boolean) => state.waitForAbort(predicate),
    release: (gate: string) => state.release(gate),
    reset: () => state.reset(),
    entra: {
      setFault: (fault) => void (state.entra.fault = fault),
      get tokenRequests() {
        return state.entra.tokenRequests;
      },
    },
  };
}
