/**
 * What haigpt costs on top of Azure: the same requests sent straight to the simulator and through
 * haigpt, in one run on one machine, reported as ratios. Bounded in count and in time.
 *   bun bench/proxy-overhead.ts [requests=300]
 */
import { loadConfig } from "../src/config/load-config.ts";
import { createLogger } from "../src/log.ts";
import { startServer } from "../src/server.ts";
import { createAzureSimulator } from "../src/simulator/azure-simulator.ts";
import { serveSimulator } from "../src/simulator/serve.ts";

const REQUESTS = Math.min(Number(process.argv[2] ?? 300), 5000);
const TIME_LIMIT_MS = 60_000;
const CONCURRENCY = 10;
const KEY = "bench-key-0000000000000000";

const simulator = await serveSimulator(
  createAzureSimulator({ resources: { bench: { keys: [KEY], deployments: { "gpt-4o": { model: "gpt-4o-2024-08-06" } } } } }),
);
const { config } = await loadConfig({
  argv: [],
  defaultConfigPath: "/nonexistent",
  env: {
    PORT: "0",
    HOST: "127.0.0.1",
    HAIGPT_AZURE_ENDPOINT: `${simulator.url}/{resourceId}`,
    PrimaryApiKey: `bench:gpt-4o|gpt-4o:${KEY}:2024-10-21`,
    UserTokens: "bench|bench-token-000000000000",
  },
});
const haigpt = startServer(config, { log: createLogger("silent") });

const messages = [{ role: "user", content: "benchmark" }];
const direct = (stream: boolean) => () =>
  fetch(`${simulator.url}/bench/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`, {
    method: "POST",
    headers: { "api-key": KEY, "content-type": "application/json" },
    body: JSON.stringify({ messages, stream }),
  });
const proxied = (stream: boolean) => () =>
  fetch(`${haigpt.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer bench-token-000000000000", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages, stream }),
  });

const deadline = Date.now() + TIME_LIMIT_MS;

/** Requests per second for `count` requests at `concurrency`, each read to its end. */
async function measure(send: () => Promise<Response>, count: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count && Date.now() < deadline) {
      next++;
      const response = await send();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (next / (performance.now() - started)) * 1000;
}

const rows: string[] = [];
for (const stream of [false, true]) {
  for (const concurrency of [1, CONCURRENCY]) {
    await measure(direct(stream), 20, concurrency); // warm-up
    await measure(proxied(stream), 20, concurrency);
    const viaAzure = await measure(direct(stream), REQUESTS, concurrency);
    const viaHaigpt = await measure(proxied(stream), REQUESTS, concurrency);
    rows.push(
      `| ${stream ? "stream" : "json"} | ${concurrency} | ${viaAzure.toFixed(0)} | ${viaHaigpt.toFixed(0)} | ${(viaHaigpt / viaAzure).toFixed(2)} |`,
    );
  }
}
console.log(`${REQUESTS} chat completions per row, simulator without chunk delays, one machine, one run.\n`);
console.log("| answer | concurrency | direct req/s | through haigpt req/s | ratio |");
console.log("|---|---|---|---|---|");
console.log(rows.join("\n"));
await haigpt.stop();
await simulator.stop();
