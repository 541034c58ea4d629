import { afterAll, beforeAll, expect, test } from "bun:test";
import { serverKeyEnv, startSimulator, type Simulator } from "../support/harness.ts";
import { runToExit, startProcess } from "../support/process.ts";

let azure: Simulator;
beforeAll(async () => {
  azure = await startSimulator();
});
afterAll(() => azure.stop());

test("HAIGPT_LOG_FORMAT=pretty writes readable lines, one per request", async () => {
  const running = await startProcess({ ...serverKeyEnv(azure.url), PORT: "0", HOST: "127.0.0.1", HAIGPT_LOG_FORMAT: "pretty" });
  try {
    await fetch(`${running.url}/v1/models`);
    await running.waitForOutput(/WARN  request .*status=401/);
    const lines = running.output().trim().split("\n");
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO  haigpt listening on http/);
    expect(lines.filter((line) => line.includes(" request ") && line.includes("path=/v1/models"))).toHaveLength(1);
    expect(running.output()).not.toContain('{"level"');
  } finally {
    await running.stop();
  }
});

test("an unknown HAIGPT_LOG_FORMAT stops start-up naming the variable", async () => {
  const { code, output } = await runToExit({ ...serverKeyEnv(azure.url), HAIGPT_LOG_FORMAT: "xml" });
  expect(code).toBe(1);
  expect(output).toContain("environment variable HAIGPT_LOG_FORMAT");
});
