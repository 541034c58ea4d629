import { afterAll, beforeAll, expect, test } from "bun:test";
import pkg from "../../package.json" with { type: "json" };
import { ALICE_TOKEN, PRIMARY_KEY, SECONDARY_KEY, startSimulator, type Simulator } from "../support/harness.ts";
import { startProcess } from "../support/process.ts";

let azure: Simulator;
beforeAll(async () => {
  azure = await startSimulator();
});
afterAll(() => azure.stop());

const keys = (primaryVersion: string, secondaryVersion: string) => ({
  HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}`,
  PrimaryApiKey: `primary-res:gpt-4o|gpt4o-prod:${PRIMARY_KEY}:${primaryVersion}`,
  SecondaryApiKey: `secondary-res:gpt-4o|gpt4o-dr:${SECONDARY_KEY}:${secondaryVersion}`,
  UserTokens: `alice|${ALICE_TOKEN}`,
});

test("listening on all interfaces: the line gives a loopback URL a client can use, says so, and shows the version", async () => {
  // No HOST: the default 0.0.0.0. Port 0 picks a free one.
  const running = await startProcess({ ...keys("2024-10-21", "2024-10-21"), PORT: "0" });
  try {
    const line = running.output().split("\n").find((text) => text.includes("haigpt listening on"))!;
    const parsed = JSON.parse(line);
    expect(parsed.msg).toMatch(new RegExp(`^haigpt listening on http://127\\.0\\.0\\.1:\\d+ \\(on all interfaces, 0\\.0\\.0\\.0; version ${pkg.version.replaceAll(".", "\\.")}\\)$`));
    expect(parsed.version).toBe(pkg.version);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${running.url}/v1/models`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    expect(response.status).toBe(200);
    // Same api-version on both keys: no warning.
    expect(running.output()).not.toContain("lacks");
  } finally {
    await running.stop();
  }
});

test("a secondary whose api-version lacks what the primary has is a start-up warning naming both and the features", async () => {
  const running = await startProcess({ ...keys("2024-10-21", "2023-05-15"), PORT: "0", HOST: "127.0.0.1" });
  try {
    const output = running.output();
    expect(output).toContain("the secondary key's api-version 2023-05-15 lacks tools/tool_choice");
    expect(output).toContain("response_format");
    expect(output).toContain("which the primary key's 2024-10-21 has: requests using them are not failed over");
    expect(output).not.toContain("the primary key's api-version");
  } finally {
    await running.stop();
  }
});
