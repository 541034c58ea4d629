import { afterAll, beforeAll, expect, test } from "bun:test";
import { ALICE_TOKEN, serverKeyEnv, startSimulator, type Simulator } from "../support/harness.ts";
import { openKeepAlive } from "../support/keep-alive-socket.ts";
import { groupAlive, startProcess } from "../support/process.ts";

let azure: Simulator;
beforeAll(async () => {
  azure = await startSimulator();
});
afterAll(() => azure.stop());

test("SIGTERM stops taking requests but lets a stream in progress finish, then exits 0", async () => {
  const running = await startProcess({ ...serverKeyEnv(azure.url), PORT: "0", HOST: "127.0.0.1", HAIGPT_SHUTDOWN_GRACE_MS: "15000" });
  try {
    const response = await fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "finish me sim:gate=shutdown" }] }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    running.signal("SIGTERM");
    // Once the server says it is stopping, a new request is answered 503 (retry elsewhere), /readyz is 503...
    await running.waitForOutput(/stopping: no new requests/);
    const refused = await fetch(`${running.url}/v1/models`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("server_shutting_down");
    expect((await fetch(`${running.url}/readyz`)).status).toBe(503);
    // ...while the stream in progress runs to its end.
    azure.sim.release("shutdown");
    let rest = "";
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += new TextDecoder().decode(next.value);
    expect(rest.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('"msg":"stopped"');
  } finally {
    await running.stop();
  }
});

test("SIGTERM to the whole process group (systemd's default) still lets a stream in progress finish", async () => {
  // Under Bun the serving process is a relaunched child: it gets SIGTERM from the group signal and again
  // from its parent passing it on. The repeated SIGTERM must not turn the graceful stop into an abrupt one.
  const running = await startProcess({ ...serverKeyEnv(azure.url), PORT: "0", HOST: "127.0.0.1", HAIGPT_SHUTDOWN_GRACE_MS: "15000" });
  try {
    const response = await fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "group stop sim:gate=group-stop" }] }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    process.kill(-running.pid, "SIGTERM");
    // Two SIGTERMs that arrive together may be delivered as one: once the first is taken, the group is
    // signalled again, so the serving process surely sees a repeat.
    await running.waitForOutput(/stopping: no new requests/);
    process.kill(-running.pid, "SIGTERM");
    await running.waitForOutput(/already stopping: a repeated SIGTERM changes nothing/);
    azure.sim.release("group-stop");
    let rest = "";
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += new TextDecoder().decode(next.value);
    expect(rest.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(rest).not.toContain('"error"');
    expect(await running.exited).toBe(0);
  } finally {
    await running.stop();
  }
});

test("SIGTERM: a request on an open keep-alive connection gets 503 server_shutting_down with Connection: close; /readyz 503, /healthz 200", async () => {
  const running = await startProcess({ ...serverKeyEnv(azure.url), PORT: "0", HOST: "127.0.0.1", HAIGPT_SHUTDOWN_GRACE_MS: "15000" });
  const idle = await openKeepAlive(running.url);
  const probe = await openKeepAlive(running.url);
  try {
    // A stream in progress keeps the server draining; the connections below were opened and used before the signal.
    const response = await fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "keep draining sim:gate=keep-alive" }] }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    expect((await idle.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")).status).toBe(200);
    expect((await probe.send("GET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n")).status).toBe(200);

    running.signal("SIGTERM");
    await running.waitForOutput(/stopping: no new requests/);
    const refused = await idle.send(`GET /v1/models HTTP/1.1\r\nHost: localhost\r\nauthorization: Bearer ${ALICE_TOKEN}\r\n\r\n`);
    expect(refused.status).toBe(503);
    expect(refused.headers.connection).toBe("close");
    expect(refused.headers["retry-after"]).toBe("1");
    expect(JSON.parse(refused.body).error).toMatchObject({ code: "server_shutting_down", type: expect.any(String), param: null });
    await idle.closed;
    // While draining every answer closes its connection, the health checks' too.
    const ready = await probe.send("GET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    expect([ready.status, ready.headers.connection]).toEqual([503, "close"]);
    await probe.closed;
    // A new connection is still taken while draining: /healthz says the process is alive.
    const fresh = await openKeepAlive(running.url);
    expect((await fresh.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")).status).toBe(200);
    fresh.close();

    // The stream in progress still finishes; then the listener stops and the process exits 0.
    azure.sim.release("keep-alive");
    let rest = "";
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += new TextDecoder().decode(next.value);
    expect(rest.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(await running.exited).toBe(0);
    const afterwards = await fetch(`${running.url}/healthz`).then(() => "served", () => "refused");
    expect(afterwards).toBe("refused");
    expect(groupAlive(running.pid)).toBe(false);
  } finally {
    idle.close();
    probe.close();
    await running.stop();
  }
});
