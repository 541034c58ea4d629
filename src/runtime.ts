/**
 * The only module that knows which runtime it is on: environment access and serving a fetch handler,
 * each picked from a table keyed by runtime (Bun natively, Deno through its own Deno.serve).
 */

export interface Listener {
  readonly url: string;
  readonly port: number;
  /** Stops at once, closing connections in progress. */
  stop(): Promise<void>;
  /** Stops taking connections and resolves when the requests in progress have finished. */
  drain(): Promise<void>;
}

export interface ServeOptions {
  readonly port: number;
  readonly hostname: string;
  /** Largest request body accepted, in bytes. */
  readonly maxRequestBodySize?: number;
}

type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * The answer when the handler itself throws (the app's error handler failed): OpenAI-shaped JSON,
 * never the runtime's own error page, which shows source lines and paths.
 */
function lastResortAnswer(): Response {
  const error = { message: "haigpt failed on this request; the operator can find the cause in the logs.", type: "server_error", param: null, code: "internal_error" };
  return new Response(JSON.stringify({ error }), { status: 500, headers: { "content-type": "application/json" } });
}

type Signal = "SIGTERM" | "SIGINT" | "SIGHUP";

interface DenoLike {
  env: { toObject(): Record<string, string> };
  args: string[];
  exit(code: number): never;
  addSignalListener(signal: Signal, handler: () => void): void;
  serve(
    options: { port: number; hostname: string; onListen?: () => void; onError?: (error: unknown) => Response },
    handler: FetchHandler,
  ): { addr: { port: number }; shutdown(): Promise<void> };
}

/** A streamed answer's text, one chunk per write. */
type Chunks = AsyncGenerator<string, void, undefined>;

const encoder = new TextEncoder();

/** A response body pulling from `chunks`, one chunk a pull, as UTF-8 bytes (any runtime's ReadableStream). */
function pullBody(chunks: Chunks): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    cancel: () => void chunks.return(),
  });
}

/**
 * The controller of Bun's `type: "direct"` ReadableStream: writes go straight to the response, with no
 * queue; text is written as UTF-8 by Bun itself.
 */
interface DirectController {
  write(chunk: string | Uint8Array): unknown;
  flush(): unknown;
  close(): void;
}

/**
 * Under Bun, a direct stream: one loop writes each chunk into the response as it comes (measured: Bun
 * draining a queued ReadableStream cost ~20 µs of CPU per 20-chunk stream more).
 */
function directBody(chunks: Chunks): ReadableStream<Uint8Array> {
  return new ReadableStream({
    type: "direct",
    async pull(controller: DirectController) {
      try {
        for await (const chunk of chunks) {
          controller.write(chunk);
          await controller.flush();
        }
      } finally {
        controller.close();
      }
    },
    cancel: () => void chunks.return(),
  } as unknown as ConstructorParameters<typeof ReadableStream<Uint8Array>>[0]);
}

interface BunLike {
  serve(options: Record<string, unknown>): { port: number; stop(force?: boolean): Promise<void> | void };
}

const runtimes = {
  bun: {
    env: () => process.env,
    args: () => process.argv.slice(2),
    exit: (code: number): never => process.exit(code),
    onSignal: (signal: Signal, handler: () => void) => void process.on(signal, handler),
    /** A streamed response's body. */
    streamBody: directBody,
    serve(handler: FetchHandler, options: ServeOptions): Listener {
      const bun = (globalThis as unknown as { Bun: BunLike }).Bun;
      const server = bun.serve({
        fetch: handler,
        // Development mode answers errors with an HTML page of source lines; never, whatever NODE_ENV says.
        development: false,
        error: (error: unknown) => {
          console.error("haigpt: unhandled error", error);
          return lastResortAnswer();
        },
        port: options.port,
        hostname: options.hostname,
        // A taken port must be an error, not a second silent listener (Bun's reusePort would allow it).
        reusePort: false,
        // Bun's default 10 s would cut a slow first token; 255 s is Bun's maximum.
        idleTimeout: 255,
        ...(options.maxRequestBodySize ? { maxRequestBodySize: options.maxRequestBodySize } : {}),
      });
      return listener(
        options.hostname,
        server.port,
        async () => void (await server.stop(true)),
        async () => void (await server.stop(false)),
      );
    },
  },
  deno: {
    env: () => (globalThis as unknown as { Deno: DenoLike }).Deno.env.toObject(),
    args: () => (globalThis as unknown as { Deno: DenoLike }).Deno.args,
    exit: (code: number): never => (globalThis as unknown as { Deno: DenoLike }).Deno.exit(code),
    onSignal: (signal: Signal, handler: () => void) =>
      (globalThis as unknown as { Deno: DenoLike }).Deno.addSignalListener(signal, handler),
    streamBody: pullBody,
    serve(handler: FetchHandler, options: ServeOptions): Listener {
      const deno = (globalThis as unknown as { Deno: DenoLike }).Deno;
      const onError = (error: unknown) => {
        console.error("haigpt: unhandled error", error);
        return lastResortAnswer();
      };
      const server = deno.serve({ port: options.port, hostname: options.hostname, onListen() {}, onError }, handler);
      // Deno's shutdown is graceful either way.
      return listener(options.hostname, server.addr.port, () => server.shutdown(), () => server.shutdown());
    },
  },
} as const;

function listener(hostname: string, port: number, stop: () => Promise<void>, drain: () => Promise<void>): Listener {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return { url: `http://${host}:${port}`, port, stop, drain };
}

export type RuntimeName = keyof typeof runtimes;

export function currentRuntimeName(): RuntimeName {
  return "Bun" in globalThis ? "bun" : "deno";
}

export const runtime = runtimes[currentRuntimeName()];
