import { afterAll, beforeAll, expect, test } from "bun:test";
import { allOperationsEnv, startHaigpt, startSimulator, upstreamCalls, type Haigpt, type Simulator } from "../support/harness.ts";

// Automatic tool loops (the SDK's runTools, agent frameworks) must finish: the simulator answers a turn
// carrying tool results with text.
let azure: Simulator;
let haigpt: Haigpt;
beforeAll(async () => {
  azure = await startSimulator();
  haigpt = await startHaigpt(allOperationsEnv(azure.url, "2024-10-21"));
});
afterAll(async () => {
  await haigpt.stop();
  await azure.stop();
});

const weatherTool = (calls: string[]) => ({
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "The weather",
    parameters: { type: "object", properties: { request: { type: "string" } } },
    function: (args: { request: string }) => {
      calls.push(args.request);
      return "sunny, 21 degrees";
    },
    parse: JSON.parse,
  },
});

test.each([false, true])("runTools calls the tool once and finishes with text (stream: %p)", async (stream) => {
  azure.sim.reset();
  const calls: string[] = [];
  const runner = haigpt.client().chat.completions.runTools({
    model: "gpt-4o",
    stream,
    messages: [{ role: "user", content: "weather? sim:tool-call" }],
    tools: [weatherTool(calls)],
  } as never);
  const content = await runner.finalContent();
  expect(calls).toEqual(["weather? sim:tool-call"]);
  expect(content).toBe('Simulated answer from deployment gpt4o-prod using the tool result "sunny, 21 degrees".');
  expect(upstreamCalls(azure.sim)).toHaveLength(2);
});
