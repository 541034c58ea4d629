/**
 * Real parts for end-to-end tests: the Azure simulator on one free port, haigpt on another, and the
 * official openai SDK as the client. Waits are recorded rather than slept, so retry tests take no time.
 */
import { afterAll, beforeAll, beforeEach } from "bun:test";
import OpenAI, { AzureOpenAI } from "openai";
import type { AppDeps } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import { startServer } from "../../src/server.ts";
import { openMemoryState, openStateStore, type OpenedStore } from "../../src/state/open-store.ts";
import type { StateStore } from "../../src/state/state-store.ts";

/** A memory store that `reset()` replaces by an empty one (the server keeps the same object). */
function resettableMemoryState(now: () => number): { opened: OpenedStore; reset(): void } {
  let current = openMemoryState(now);
  const store = new Proxy({} as StateStore, { get: (_target, name) => {
    const value = (current.store as unknown as Record<PropertyKey, unknown>)[name];
    return typeof value === "function" ? value.bind(current.store) : value;
  } });
  return {
    opened: { store, status: () => current.status(), description: current.description },
    reset: () => {
      void current.store.close();
      current = openMemoryState(now);
    },
  };
}
import { createAzureSimulator, type AzureSimulator, type SimulatorOptions } from "../../src/simulator/azure-simulator.ts";
import { serveSimulator } from "../../src/simulator/serve.ts";
import { configFrom } from "./config.ts";

import { ALICE_TOKEN, BOB_TOKEN, PRIMARY_KEY, SECONDARY_KEY } from "./secrets.ts";

export { ALICE_TOKEN, BOB_TOKEN, PRIMARY_KEY, SECONDARY_KEY };

/** Two simulated Azure resources: the primary with a deployment for every operation, the secondary with chat and embeddings. */
export const TEST_RESOURCES: SimulatorOptions["resources"] = {
  "primary-res": {
    keys: [PRIMARY_KEY],
    deployments: {
      "gpt4o-prod": { model: "gpt-4o-2024-08-06" },
      "emb-prod": { model: "text-embedding-3-small" },
      instruct: { model: "gpt-35-turbo-instruct" },
      dalle3: { model: "dall-e-3" },
      whisper: { model: "whisper" },
      tts: { model: "tts" },
    },
  },
  "secondary-res": {
    keys: [SECONDARY_KEY],
    deployments: { "gpt4o-dr": { model: "gpt-4o-2024-08-06" }, "emb-dr": { model: "text-embedding-3-small" } },
  },
};

export interface Simulator {
  readonly sim: AzureSimulator;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startSimulator(options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  const sim = createAzureSimulator({ resources: TEST_RESOURCES, ...options });
  const served = await serveSimulator(sim, { port: 0, hostname: "127.0.0.1" });
  return { sim, url: served.url, stop: () => served.stop() };
}

/** The environment of a haigpt with both keys and two users in front of the simulator. */
export function serverKeyEnv(simUrl: string, apiVersion = "2024-10-21"): Record<string, string> {
  return {
    HAIGPT_AZURE_ENDPOINT: `${simUrl}/{resourceId}`,
    PrimaryApiKey: `primary-res:gpt-4o|gpt4o-prod,text-embedding-3-small|emb-prod:${PRIMARY_KEY}:${apiVersion}`,
    SecondaryApiKey: `secondary-res:gpt-4o|gpt4o-dr,text-embedding-3-small|emb-dr:${SECONDARY_KEY}:${apiVersion}`,
    UserTokens: `alice|${ALICE_TOKEN},bob|${BOB_TOKEN}`,
  };
}

/** Model map of the primary for every operation: OpenAI name → deployment. */
export const ALL_MODELS = "gpt-4o|gpt4o-prod,text-embedding-3-small|emb-prod,gpt-35-turbo-instruct|instruct,dall-e-3|dalle3,whisper-1|whisper,tts-1|tts";

/** A user-token haigpt whose primary serves every operation at `apiVersion` (no secondary). */
export function allOperationsEnv(simUrl: string, apiVersion: string): Record<string, string> {
  return {
    HAIGPT_AZURE_ENDPOINT: `${simUrl}/{resourceId}`,
    PrimaryApiKey: `primary-res:${ALL_MODELS}:${PRIMARY_KEY}:${apiVersion}`,
    UserTokens: `alice|${ALICE_TOKEN},bob|${BOB_TOKEN}`,
  };
}

export interface Haigpt {
  readonly url: string;
  /** `${url}/v1`, the base URL OpenAI clients are given. */
  readonly baseURL: string;
  /** Every log line haigpt wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the first log line (already written or still to come) that matches. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Every wait the retry policy asked for, in ms (not actually waited). */
  readonly waits: number[];
  /**
   * Forgets the recorded waits, puts the server's clock back in step with real time and, unless the
   * test gave a store of its own, starts a fresh memory store: no cooldown, circuit or limit window of
   * earlier requests carries over.
   */
  resetWaits(): void;
  /** A client of the official SDK for this server. */
  client(apiKey?: string, options?: ConstructorParameters<typeof OpenAI>[0]): OpenAI;
  azureClient(apiKey?: string, options?: ConstructorParameters<typeof AzureOpenAI>[0]): AzureOpenAI;
  stop(): Promise<void>;
}

export interface HaigptOptions {
  readonly deps?: Partial<AppDeps>;
  /** Really wait between attempts instead of recording the waits. */
  readonly realSleep?: boolean;
  /** The state store (closed when the server stops); without it, one in memory that ends with the server. */
  readonly state?: OpenedStore;
  /** Without `state`: the embedded SQLite store in this directory (HAIGPT_DATA_DIR), on the server's clock. */
  readonly dataDir?: string;
}

export async function startHaigpt(env: Record<string, string>, options: HaigptOptions = {}): Promise<Haigpt> {
  const config = await configFrom({ PORT: "0", HOST: "127.0.0.1", HAIGPT_LOG_LEVEL: "debug", ...env });
  const logs: Record<string, unknown>[] = [];
  const waiters = new Set<{ match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }>();
  const waits: number[] = [];
  const log = createLogger("debug", { write: (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    logs.push(line);
    for (const waiter of waiters) {
      if (!waiter.match(line)) continue;
      waiters.delete(waiter);
      waiter.resolve(line);
    }
  } });
  // A recorded wait moves this server's clock forward instead of passing real time.
  let skipped = 0;
  const clock = options.realSleep
    ? undefined
    : {
        now: () => Date.now() + skipped,
        random: () => 0.5,
        sleep: async (ms: number) => {
          waits.push(ms);
          skipped += ms;
        },
      };
  // Without a store of its own, the server's memory store reads the same (test-moved) clock and is
  // replaced by resetWaits.
  // The store reads the clock the server runs on: the test's own, else the harness's.
  const serverClock = options.deps?.clock ?? clock;
  const storeClock = serverClock ? () => serverClock.now() : Date.now;
  const embedded = !options.state && options.dataDir !== undefined
    ? await openStateStore({ redisUrl: null, dataDir: options.dataDir }, { now: storeClock })
    : null;
  const fresh = clock && !options.state && !embedded ? resettableMemoryState(clock.now) : null;
  const state = options.state ?? embedded ?? fresh?.opened;
  const listener = startServer(config, { log, deps: { ...(clock ? { clock } : {}), ...options.deps }, ...(state ? { state } : {}) });
  const baseURL = `${listener.url}/v1`;
  return {
    url: listener.url,
    baseURL,
    logs,
    waitForLog: (match) => {
      const seen = logs.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.add({ match, resolve }));
    },
    waits,
    resetWaits: () => {
      waits.length = 0;
      skipped = 0;
      fresh?.reset();
    },
    // The SDK's own retries are off so that what a test sees is haigpt's behaviour alone.
    client: (apiKey = ALICE_TOKEN, clientOptions = {}) => new OpenAI({ apiKey, baseURL, maxRetries: 0, ...clientOptions }),
    azureClient: (apiKey = ALICE_TOKEN, clientOptions = {}) =>
      new AzureOpenAI({ apiKey, endpoint: listener.url, apiVersion: "2024-10-21", maxRetries: 0, ...clientOptions }),
    stop: () => listener.stop(),
  };
}

/** POSTs JSON with fetch, as a client without the SDK would. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The chat requests the simulator received, for asserting how many upstream calls were made. */
export function upstreamCalls(sim: AzureSimulator, operation = "chat/completions") {
  return sim.requests.filter((r) => r.operation === operation);
}

/** A response's JSON body, typed loosely for assertions. */
export async function jsonOf(response: Response): Promise<any> {
  return response.json();
}

/** A simulator and a haigpt on the server's keys in front of it (serverKeyEnv), shared by one file's tests. */
export interface ServerKeyServers {
  readonly azure: Simulator;
  readonly haigpt: Haigpt;
}

/**
 * Starts a simulator and haigpt on its server keys before a file's tests and stops both after them;
 * with `resetEach`, the simulator forgets its calls and directives before each test. Read `azure` and
 * `haigpt` from the returned object inside tests: they exist once the file's beforeAll has run.
 */
export function useServerKeyServers(options: { readonly resetEach?: boolean } = {}): ServerKeyServers {
  let azure: Simulator | undefined;
  let haigpt: Haigpt | undefined;
  beforeAll(async () => {
    azure = await startSimulator();
    haigpt = await startHaigpt(serverKeyEnv(azure.url));
  });
  afterAll(async () => {
    await haigpt?.stop();
    await azure?.stop();
  });
  if (options.resetEach) beforeEach(() => azure?.sim.reset());
  return {
    get azure() {
      return azure!;
    },
    get haigpt() {
      return haigpt!;
    },
  };
}
