import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect } from "node:net";
import { createLogger } from "../../src/log.ts";
import { startServer } from "../../src/server.ts";
import { configFrom } from "../support/config.ts";
import { ALICE_TOKEN, serverKeyEnv, startSimulator, type Simulator } from "../support/harness.ts";

let azure: Simulator;
beforeAll(async () => {
  azure = await startSimulator();
});
afterAll(() => azure.stop());

/** Sends one raw HTTP/1.1 request on a keep-alive connection and resolves with what came back before the server closed it. */
function rawExchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let received = "";
    const socket = connect(Number(port), hostname, () => socket.write(request));
    socket.on("data", (chunk) => (received += chunk.toString()));
    socket.on("close", () => resolve(received));
    socket.on("error", reject);
  });
}

test("a draining server answers 503 server_shutting_down with Connection: close, and /readyz 503, on connections still open", async () => {
  const config = await configFrom({ ...serverKeyEnv(azure.url), PORT: "0", HOST: "127.0.0.1" });
  const lines: Record<string, unknown>[] = [];
  const server = startServer(config, { log: createLogger("debug", { write: (line) => lines.push(JSON.parse(line)) }) });
  try {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    // Draining without stopping the listener: what a connection that was already open sees.
    server.startDraining();
    const answer = await rawExchange(server.url, `GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ALICE_TOKEN}\r\nConnection: keep-alive\r\n\r\n`);
    expect(answer).toStartWith("HTTP/1.1 503");
    expect(answer.toLowerCase()).toContain("connection: close");
    expect(answer).toContain('"code":"server_shutting_down"');
    const readyz = await fetch(`${server.url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(readyz.headers.get("connection")).toBe("close");
    expect(await readyz.json()).toMatchObject({ status: "draining" });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(lines.some((line) => line.msg === "request" && line.code === "server_shutting_down" && line.status === 503)).toBe(true);
  } finally {
    await server.stop();
  }
});
