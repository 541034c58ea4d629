import { expect, test } from "bun:test";
import { join } from "node:path";
import OpenAI from "openai";
import { runToExitCommand, startProcess } from "../support/process.ts";

const ROOT = join(import.meta.dir, "../..");
const DEMO = [process.execPath, join(ROOT, "src/demo.ts")];
const SIMULATE = [process.execPath, join(ROOT, "src/simulator/main.ts")];

test("npm run demo: sim:429 and sim:500 show a retry succeeding on the secondary, sim:filter-prompt a failover", async () => {
  const demo = await startProcess({ PORT: "0", SIM_PORT: "0" }, [], DEMO);
  try {
    await demo.waitForOutput(/Your user token is demo-token/);
    const client = new OpenAI({ apiKey: "demo-token", baseURL: `${demo.url}/v1`, maxRetries: 0 });
    // The 429 comes last: it cools the primary down for the time Azure named, and later requests go
    // straight to the secondary meanwhile.
    for (const hint of ["sim:500", "sim:filter-prompt", "sim:429"]) {
      const completion = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: `hi ${hint}` }] });
      expect(completion.choices[0]?.message.content).toContain("deployment gpt-4o");
    }
    // One line per request, each listing its attempts: the primary's throttle, its 500, its filter.
    // The line is written once the answer has gone out, so it is awaited rather than read at once.
    for (const outcome of ["throttled", "server_error", "content_filter"]) await demo.waitForOutput(new RegExp(`"outcome":"${outcome}"`));
    const output = demo.output();
    expect(output.match(/"upstream":"secondary"/g)?.length).toBeGreaterThanOrEqual(3);
    for (const hint of ["sim:429 ", "sim:500 ", "sim:filter-prompt "]) expect(output).toContain(hint);
  } finally {
    await demo.stop();
  }
}, 30_000);

test("npm run demo with its port in use prints one clear line and exits 1", async () => {
  const taken = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("busy") });
  const port = taken.port!;
  try {
    const result = await runToExitCommand([...DEMO], { PORT: String(port), SIM_PORT: "0" });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`haigpt demo: cannot listen on 127.0.0.1:${port} for the haigpt server`);
    expect(lines[0]).toContain(`PORT=${port + 1} npm run demo`);
  } finally {
    await taken.stop(true);
  }
});

test("npm run simulate prints a start line that works pasted into a POSIX shell", async () => {
  const simulator = await startProcess({ SIM_PORT: "0" }, [], SIMULATE, /simulator listening on (http:\/\/\S+)/);
  try {
    await simulator.waitForOutput(/\*<n> for only/);
    const line = /^ {2}(HAIGPT_AZURE_ENDPOINT=.* npm run start)$/m.exec(simulator.output())?.[1];
    expect(line).toBeDefined();
    // Pasted as printed; only a free port is added in front so the test never collides.
    const haigpt = await startProcess({}, [], ["sh", "-c", `PORT=0 HOST=127.0.0.1 ${line}`]);
    try {
      const client = new OpenAI({ apiKey: "demo-token", baseURL: `${haigpt.url}/v1`, maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "pasted" }] });
      expect(completion.choices[0]?.message.content).toContain('you said "pasted"');
    } finally {
      await haigpt.stop();
    }
  } finally {
    await simulator.stop();
  }
}, 30_000);
