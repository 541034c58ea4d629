/** One HTTP/1.1 connection kept open across requests (node:net), to see what a keep-alive client sees. */
import { connect, type Socket } from "node:net";
import { parseHead, type RawAnswer } from "./raw-http.ts";

export interface KeepAliveSocket {
  /** Writes `request` and resolves with its whole answer (by Content-Length, or when the server closes). */
  send(request: string): Promise<RawAnswer>;
  /** Resolves once the server has closed the connection. */
  readonly closed: Promise<void>;
  close(): void;
}

function parse(data: Buffer, closed: boolean): { answer: RawAnswer; used: number } | null {
  const text = data.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const { status, headers } = parseHead(text.slice(0, end));
  const length = headers["content-length"];
  const bodyStart = end + 4;
  const bodyEnd = length === undefined ? (closed ? data.length : -1) : bodyStart + Number(length);
  if (bodyEnd < 0 || data.length < bodyEnd) return null;
  return { answer: { status, headers, body: data.subarray(bodyStart, bodyEnd).toString("utf8") }, used: bodyEnd };
}

/** Opens a connection to `url`'s host and port. */
export async function openKeepAlive(url: string): Promise<KeepAliveSocket> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let data = Buffer.alloc(0);
  let isClosed = false;
  let waiter: (() => void) | null = null;
  const closed = new Promise<void>((resolve) => socket.once("close", () => {
    isClosed = true;
    waiter?.();
    resolve();
  }));
  socket.on("data", (chunk: Buffer) => {
    data = Buffer.concat([data, chunk]);
    waiter?.();
  });
  socket.on("error", () => {});
  return {
    closed,
    close: () => socket.destroy(),
    async send(request) {
      socket.write(request);
      for (;;) {
        const parsed = parse(data, isClosed);
        if (parsed) {
          data = data.subarray(parsed.used);
          return parsed.answer;
        }
        if (isClosed) throw new Error(`connection closed without a whole answer: ${JSON.stringify(data.toString("latin1"))}`);
        await new Promise<void>((resolve) => (waiter = resolve));
        waiter = null;
      }
    },
  };
}
