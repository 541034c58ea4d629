import { afterAll, beforeAll, expect, test } from "bun:test";
import { ALICE_TOKEN, serverKeyEnv, startSimulator, type Simulator } from "../support/harness.ts";
import { startProcess } from "../support/process.ts";

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
    // Once the server says it is stopping, new connections are refused...
    await running.waitForOutput(/stopping: no new requests/);
    const refused = await fetch(`${running.url}/healthz`).then(() => "served", () => "refused");
    expect(refused).toBe("refused");
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
