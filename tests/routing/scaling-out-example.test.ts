// The README's "Scaling out" example config, loaded as haigpt loads it and checked against the simulator
// profile it is written for: every upstream authenticates and answers, and the routing order is as described.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { listUpstreams } from "../../src/config/list-upstreams.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import type { Listener } from "../../src/runtime.ts";
import { orderUpstreams } from "../../src/routing/route-order.ts";
import { createAzureSimulator } from "../../src/simulator/azure-simulator.ts";
import { createScalingOutSimulatorOptions } from "../../src/simulator/scaling-out-options.ts";
import { serveSimulator } from "../../src/simulator/serve.ts";
import { createUpstreamCredentials } from "../../src/upstream-auth/upstream-credentials.ts";
import { makeTempDir } from "../support/temp-files.ts";

const tmp = makeTempDir();
let server: Listener;
beforeAll(async () => {
  server = await serveSimulator(createAzureSimulator(createScalingOutSimulatorOptions()), { port: 0, hostname: "127.0.0.1" });
});
afterAll(() => {
  server.stop();
  tmp.cleanup();
});

test("every upstream of the example answers a chat through its own auth", async () => {
  const example = readFileSync(new URL("../fixtures/scaling-out.config.json", import.meta.url), "utf8");
  const path = tmp.write("config.json", example.replaceAll("http://127.0.0.1:4010", server.url));
  const { config } = await loadConfig({ env: {}, argv: ["--config", path], defaultConfigPath: "/nonexistent" });
  const upstreams = listUpstreams(config);
  const order = orderUpstreams({
    candidates: upstreams, states: {}, exclude: new Set(), now: 0,
  });
  expect(order.map((u) => u.name)).toEqual(["ptu-east", "paygo-west", "paygo-swe"]);

  const credentials = createUpstreamCredentials({ fetch: (input, init) => fetch(input, init), now: () => Date.now(), env: {} });
  for (const upstream of upstreams) {
    const auth = await credentials.headersFor(upstream);
    if (!auth.ok) throw new Error(`${upstream.name}: ${auth.failure.detail}`);
    const url = `${upstream.endpoint}/openai/deployments/${upstream.deployments["gpt-4o"]}/chat/completions?api-version=${upstream.apiVersion}`;
    const res = await fetch(url, {
      method: "POST",
      headers: { ...auth.headers, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
    });
    expect([upstream.name, res.status]).toEqual([upstream.name, 200]);
  }
});

test("the README's Scaling out example is this config, word for word", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const example = readFileSync(new URL("../fixtures/scaling-out.config.json", import.meta.url), "utf8").trimEnd();
  const section = readme.slice(readme.indexOf("\n## Scaling out\n"), readme.indexOf("\n## Answers that look like OpenAI's\n"));
  expect(section).toContain("```json\n" + example + "\n```");
});
