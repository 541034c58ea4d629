// Shared helpers of the simulator tests: a served simulator, raw requests, SSE frame reading.

import { createAzureSimulator, type AzureSimulator, type SimulatorOptions } from "../../src/simulator/azure-simulator.ts";
import type { Listener } from "../../src/runtime.ts";
import { serveSimulator } from "../../src/simulator/serve.ts";

export const KEY = "primary-key";
export const SECONDARY_KEY = "secondary-key";

/** Two resources so tests can target one with `@resource`. */
export function createTestOptions(): SimulatorOptions {
  return {
    defaultResource: "primary",
    resources: {
      primary: {
        keys: [KEY],
        deployments: {
          "gpt-4o": { model: "gpt-4o-2024-08-06" },
          emb: { model: "text-embedding-3-small" },
          instruct: { model: "gpt-35-turbo-instruct" },
          "dall-e-3": { model: "dall-e-3" },
          whisper: { model: "whisper" },
          tts: { model: "tts" },
        },
      },
      secondary: { keys: [SECONDARY_KEY], deployments: { "gpt-4o": { model: "gpt-4o-2024-08-06" } } },
    },
  };
}

/** A simulator served on a free loopback port. */
export interface Harness {
  sim: AzureSimulator;
  server: Listener;
  /** POSTs JSON with the primary key unless `headers` overrides; an empty header value removes that header. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

export async function startHarness(options: SimulatorOptions = createTestOptions()): Promise<Harness> {
  const sim = createAzureSimulator(options);
  const server = await serveSimulator(sim, { port: 0, hostname: "127.0.0.1" });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> => {
    // An empty value removes a default header (e.g. `"api-key": ""` to authenticate by Bearer only).
    const merged = Object.entries({ "api-key": KEY, "content-type": "application/json", ...headers }).filter(([, value]) => value !== "");
    return fetch(server.url + path, { method: "POST", headers: merged, body: JSON.stringify(body) });
  };
  return { sim, server, post };
}

/** Dated chat path on the primary resource. */
export function buildChatPath(apiVersion = "2024-10-21", resource = "primary", deployment = "gpt-4o"): string {
  return `/${resource}/openai/deployments/${deployment}/chat/completions?api-version=${apiVersion}`;
}

/** A chat body with one user message. */
export function buildChatBody(content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { messages: [{ role: "user", content }], ...extra };
}

/** One SSE frame: its `event:` name (if any) and raw `data:` text. */
export interface SseFrame {
  event?: string;
  data: string;
}

/** Reads SSE frames one at a time, as they arrive. */
export class SseReader {
  private buffer = "";
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(response: Response) {
    if (!response.body) throw new Error("response has no body");
    this.reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  }

  /** The next frame, or null at end of stream. */
  async next(): Promise<SseFrame | null> {
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const frame: SseFrame = { data: "" };
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) frame.event = line.slice(7);
          if (line.startsWith("data: ")) frame.data = line.slice(6);
        }
        return frame;
      }
      const { value, done } = await this.reader.read();
      if (done) {
        if (this.buffer !== "") throw new Error(`stream ended inside a frame: ${JSON.stringify(this.buffer)}`);
        return null;
      }
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** All remaining frames. */
  async rest(): Promise<SseFrame[]> {
    const frames: SseFrame[] = [];
    for (let frame = await this.next(); frame; frame = await this.next()) frames.push(frame);
    return frames;
  }
}

/** All frames of a streamed answer. */
export function readAllFrames(response: Response): Promise<SseFrame[]> {
  return new SseReader(response).rest();
}

/** Parsed JSON of every non-[DONE] data frame. */
export function parseChunks(frames: SseFrame[]): Array<Record<string, any>> {
  return frames.filter((frame) => frame.data !== "[DONE]").map((frame) => JSON.parse(frame.data));
}

/** Concatenated `delta.content` of choice `index`. */
export function joinContent(chunks: Array<Record<string, any>>, index = 0): string {
  return chunks.flatMap((chunk) => chunk.choices ?? []).filter((c: any) => c.index === index && typeof c.delta?.content === "string").map((c: any) => c.delta.content).join("");
}

/** Parsed JSON body, typed loosely so tests can dig into Azure shapes. */
export async function readJson(response: Response): Promise<any> {
  return await response.json();
}
