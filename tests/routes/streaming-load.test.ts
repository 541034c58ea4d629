import { describe, expect, test } from "bun:test";
import { ALICE_TOKEN, postJson, serverKeyEnv, startHaigpt, upstreamCalls, useServerKeyServers } from "../support/harness.ts";

const servers = useServerKeyServers({ resetEach: true });

describe("client disconnect", () => {
  test("a client that goes away mid-stream aborts the upstream request at once", async () => {
    const response = await postJson(
      `${servers.haigpt.baseURL}/chat/completions`,
      { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "long story sim:gate=never" }] },
      { authorization: `Bearer ${ALICE_TOKEN}` },
    );
    // The simulator holds its stream at a gate that is never opened: only a disconnect can end it.
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("data: ");
    await reader.cancel();
    const aborted = await servers.azure.sim.waitForAbort();
    expect(aborted.operation).toBe("chat/completions");
    expect(aborted.completed).toBe(false);
    const end = await servers.haigpt.waitForLog((line) => line.msg === "request" && line.stream !== undefined);
    expect(end.stream).toBe("client_gone");
  });

  test("a client that goes away while haigpt waits to retry stops the retries", async () => {
    const env = serverKeyEnv(servers.azure.url);
    const { SecondaryApiKey: _unused, ...primaryOnly } = env;
    const local = await startHaigpt({ ...primaryOnly, HAIGPT_FIRST_BYTE_TIMEOUT_MS: "60000" });
    try {
      const controller = new AbortController();
      const pending = fetch(`${local.baseURL}/chat/completions`, {
        method: "POST",
        signal: controller.signal,
        headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "sim:hang" }] }),
      }).catch((e: unknown) => e);
      await servers.azure.sim.waitForRequest((r) => r.operation === "chat/completions");
      controller.abort();
      await pending;
      const aborted = await servers.azure.sim.waitForAbort();
      expect(aborted.seq).toBe(1);
      await local.waitForLog((line) => line.msg === "request" && line.code === "client_gone");
      expect(upstreamCalls(servers.azure.sim)).toHaveLength(1);
    } finally {
      await local.stop();
    }
  });
});

describe("load", () => {
  test("50 concurrent streams all complete, each with its own text", async () => {
    const client = servers.haigpt.client();
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const stream = await client.chat.completions.create({
          model: "gpt-4o",
          stream: true,
          messages: [{ role: "user", content: `request number ${i}` }],
        });
        let text = "";
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
        return text;
      }),
    );
    results.forEach((text, i) => expect(text).toContain(`request number ${i}"`));
    expect(upstreamCalls(servers.azure.sim)).toHaveLength(50);
  });
});

