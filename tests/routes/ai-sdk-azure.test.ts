import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { createAzure } from "@ai-sdk/azure";
import { generateText, streamText } from "ai";
import { ALICE_TOKEN, allOperationsEnv, startHaigpt, startSimulator, upstreamCalls, type Haigpt, type Simulator } from "../support/harness.ts";

// The Vercel AI SDK's Azure provider, pointed at haigpt's /openai/v1 as at an Azure resource.
let azure: Simulator;
let haigpt: Haigpt;
beforeAll(async () => {
  azure = await startSimulator();
  haigpt = await startHaigpt(allOperationsEnv(azure.url, "2025-03-01-preview"));
});
afterAll(async () => {
  await haigpt.stop();
  await azure.stop();
});
beforeEach(() => azure.sim.reset());

const provider = () => createAzure({ baseURL: `${haigpt.url}/openai/v1`, apiKey: ALICE_TOKEN });

test("generateText through the chat model, with the deployment name, reports usage", async () => {
  const result = await generateText({ model: provider().chat("gpt4o-prod"), prompt: "ai sdk chat" });
  expect(result.text).toContain('you said "ai sdk chat"');
  expect(result.usage.inputTokens).toBeGreaterThan(0);
  expect(result.usage.outputTokens).toBeGreaterThan(0);
  expect(upstreamCalls(azure.sim)[0]?.deployment).toBe("gpt4o-prod");
});

test("streamText through the chat model gets the usage it asks for", async () => {
  const result = streamText({ model: provider().chat("gpt-4o"), prompt: "ai sdk stream" });
  let text = "";
  for await (const piece of result.textStream) text += piece;
  expect(text).toContain('you said "ai sdk stream"');
  const usage = await result.usage;
  expect(usage.outputTokens).toBeGreaterThan(0);
});

test("streamText through the default (Responses API) model", async () => {
  const result = streamText({ model: provider()("gpt-4o"), prompt: "ai sdk responses" });
  let text = "";
  for await (const piece of result.textStream) text += piece;
  expect(text).toContain("ai sdk responses");
  expect(upstreamCalls(azure.sim, "responses")).toHaveLength(1);
});
