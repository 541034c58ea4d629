/** HTTP/1.1 over a raw socket, for requests fetch cannot send (malformed Host, bodies that never end). */
import { connect, type Socket } from "node:net";

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The status and headers (names lower-cased) of an answer's head, without its blank line. */
export function parseHead(head: string): { status: number; headers: Record<string, string> } {
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers };
}

/**
 * Writes `request` as it is and resolves with the first answer, as soon as it is complete (by its
 * Content-Length, or when the server closes). The socket stays open for writing until then (Bun closes
 * a half-closed connection without answering), so a body can be left unfinished.
 */
export function rawRequest(url: string, request: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: hostname, port: Number(port) });
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = () => {
      const text = data.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return false;
      const { status, headers } = parseHead(text.slice(0, end));
      const body = data.subarray(Buffer.byteLength(text.slice(0, end + 4), "latin1"));
      const length = headers["content-length"];
      if (length !== undefined && body.length < Number(length)) return false;
      settled = true;
      socket.destroy();
      resolve({ status, headers, body: body.toString("utf8") });
      return true;
    };
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      finish();
    });
    socket.on("close", () => {
      if (!settled && !finish()) reject(new Error(`connection closed without a whole answer: ${JSON.stringify(data.toString("latin1"))}`));
    });
    socket.on("error", (error) => {
      if (!settled) reject(error);
    });
    socket.write(request);
  });
}
