import { afterAll, beforeAll, expect, test } from "bun:test";
import { ALICE_TOKEN, serverKeyEnv, startSimulator, type Simulator } from "../support/harness.ts";
import { startProcess } from "../support/process.ts";

let azure: Simulator;
beforeAll(async () => {
  azure = await startSimulator();
});
afterAll(() => azure.stop());

const streamBody = (content: string) => JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content }] });

test("SIGTERM: when the grace period runs out, the shutdown signal ends what is left and the process exits 0", async () => {
  const running = await startProcess({ ...serverKeyEnv(azure.url), PORT: "0", HOST: "127.0.0.1", HAIGPT_SHUTDOWN_GRACE_MS: "300" });
  try {
    const response = await fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
      body: streamBody("never finished sim:gate=forever"),
    });
    const reader = response.body!.getReader();
    await reader.read();
    running.signal("SIGTERM");
    // Read to the end as a client does: a cut connection makes this throw and the test fail.
    let rest = "";
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += new TextDecoder().decode(next.value);
    const events = rest.split("\n\n").map((event) => event.trim()).filter((event) => event !== "");
    const [errorEvent, done] = events.slice(-2);
    expect(JSON.parse(errorEvent!.replace(/^data: /, "")).error).toMatchObject({ code: "server_shutting_down", type: expect.any(String) });
    expect(done).toBe("data: [DONE]");
    expect(events.filter((event) => event.includes('"error"'))).toHaveLength(1);
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain("shutdown grace period over");
    expect(running.output()).toContain('"msg":"stopped"');
  } finally {
    azure.sim.release("forever");
    await running.stop();
  }
}, 30_000);
