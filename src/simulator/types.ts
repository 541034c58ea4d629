// Public and shared types of the Azure OpenAI simulator (options, recorded requests, test hooks).

import type { EntraFault, SimEntraOptions } from "./entra.ts";

/** One model deployment on a simulated resource. */
export interface SimDeployment {
  /** Underlying Azure model name as Azure spells it, e.g. "gpt-4o-2024-08-06", "text-embedding-3-small", "dall-e-3". */
  model: string;
}

/** One simulated Azure OpenAI resource (what `{resource}.openai.azure.com` would be). */
export interface SimResource {
  /** Accepted keys (header `api-key`, or `Authorization: Bearer <key>`). */
  keys: string[];
  /** `key` (default): keys only; `entra`: key auth off, only tokens this simulator issued; `both`. */
  auth?: "key" | "entra" | "both";
  /** Deployment name → deployment. */
  deployments: Record<string, SimDeployment>;
}

/** Options of {@link createAzureSimulator}. */
export interface SimulatorOptions {
  resources: Record<string, SimResource>;
  /** Resource used when the path has no resource prefix. */
  defaultResource?: string;
  /** Delay between streamed chunks; default 0 (tests). */
  chunkDelayMs?: number;
  /**
   * The resource a directive without `@resource` applies to; default every resource. The demo sets its
   * primary, so `sim:429` shows haigpt recovering on the secondary.
   */
  unscopedDirectivesResource?: string;
  /** Waits between streamed chunks; default a timer. Tests inject one that records the pauses. */
  sleep?: (ms: number, stop: AbortSignal) => Promise<void>;
  /** Where `sim:redirect` points (origin, no path); the request's path and query are appended. */
  redirectTo?: string;
  /** Serves a local Entra ID token endpoint (and managed-identity endpoints) for these tenants. */
  entra?: SimEntraOptions;
}

/** Which URL family a request used. "unrouted" = the path matched no Azure operation (answered 404). */
export type SimSurface = "deployments" | "v1" | "responses" | "unrouted";

/** A request as the simulator received it. */
export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  resource: string;
  deployment?: string;
  surface: SimSurface;
  /** e.g. "chat/completions", "embeddings", "responses", "models", "audio/speech". */
  operation: string;
  method: string;
  path: string;
  /** Raw query string including the leading "?" (or ""). */
  search: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  bodyText: string;
  /** Parsed JSON body, or null (no body, not JSON, multipart). */
  body: unknown;
  /** The client went away while the answer was still in progress. */
  aborted: boolean;
  /** The simulator finished producing the answer. */
  completed: boolean;
}

/** The simulator: a Web-standard fetch handler plus test hooks. */
export interface AzureSimulator {
  fetch(request: Request): Promise<Response>;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Resolves when a matching request arrives (also if it already has). */
  waitForRequest(predicate?: (r: RecordedRequest) => boolean): Promise<RecordedRequest>;
  /** Resolves when an in-progress request is aborted by its client (also if that already happened). */
  waitForAbort(predicate?: (r: RecordedRequest) => boolean): Promise<RecordedRequest>;
  /** Opens the named gate (see directive `sim:gate=<name>`) until {@link AzureSimulator.reset}. */
  release(gate: string): void;
  /** Clears requests, directive counters, gates and the token endpoint's fault and count. */
  reset(): void;
  /** The local Entra ID: make it misbehave, count its token requests. */
  readonly entra: { setFault(fault: EntraFault | null): void; readonly tokenRequests: number };
}
