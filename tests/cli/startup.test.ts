import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ALICE_TOKEN, PRIMARY_KEY, SECONDARY_KEY, serverKeyEnv, startSimulator, type Simulator } from "../support/harness.ts";
import { runToExit, startProcess } from "../support/process.ts";
import { makeTempDir } from "../support/temp-files.ts";

const tmp = makeTempDir();
let azure: Simulator;
beforeAll(async () => {
  azure = await startSimulator();
});
afterAll(async () => {
  await azure.stop();
  tmp.cleanup();
});

describe("start-up", () => {
  test("says which source each part came from, with every secret masked", async () => {
    const path = tmp.write("config.json", {
      secondaryApiKey: { resourceId: "secondary-res", deployment: { "gpt-4o": "gpt4o-dr" }, apiKey: SECONDARY_KEY },
      userTokens: [{ userId: "carol", token: "carol-token-1234567890" }],
    });
    const env = serverKeyEnv(azure.url);
    const running = await startProcess(
      { HAIGPT_AZURE_ENDPOINT: env.HAIGPT_AZURE_ENDPOINT!, PrimaryApiKey: env.PrimaryApiKey!, UserTokens: env.UserTokens!, PORT: "0", HOST: "127.0.0.1" },
      ["--config", path],
    );
    try {
      const startup = JSON.parse(running.output().split("\n").find((line) => line.includes("haigpt listening"))!);
      expect(startup.primary).toContain("from environment variable PrimaryApiKey");
      expect(startup.secondary).toContain(`from config file ${path}`);
      expect(startup.userTokens).toContain("from environment variable UserTokens");
      expect(startup.primary).toContain("a1a1…d4d4");
      const response = await fetch(`${running.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(response.status).toBe(200);
      await response.text();
      const output = running.output();
      for (const secret of [PRIMARY_KEY, SECONDARY_KEY, ALICE_TOKEN, "carol-token-1234567890"]) expect(output).not.toContain(secret);
    } finally {
      await running.stop();
    }
  });

  test.each([
    ["a file that is not JSON", "{ nope", /config file .*bad\.json: not valid JSON/],
    ["a key without apiKey", { primaryApiKey: { resourceId: "r", deployment: { m: "d" } } }, /config file .*bad\.json, field primaryApiKey\.apiKey: is required/],
    ["a wrong type", { maxRetries: "3" }, /field maxRetries: must be a whole number/],
  ])("%s stops start-up with exit code 1 and one message naming the file and field", async (_name, content, message) => {
    const path = tmp.write("bad.json", content as object);
    const result = await runToExit({}, ["--config", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("user tokens without Azure keys refuse to start", async () => {
    const result = await runToExit({ UserTokens: `alice|${ALICE_TOKEN}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no Azure key");
    expect(result.output).not.toContain(ALICE_TOKEN);
  });

  test("Azure keys without user tokens refuse to start (an open relay), and the key is not printed", async () => {
    const result = await runToExit({ PrimaryApiKey: `r:gpt-4o|d:${PRIMARY_KEY}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("HAIGPT_ALLOW_ANONYMOUS");
    expect(result.output).not.toContain(PRIMARY_KEY);
  });

  test("a malformed PrimaryApiKey names the variable and never prints the key", async () => {
    const result = await runToExit({ PrimaryApiKey: `bad.host:gpt-4o|d:${PRIMARY_KEY}`, UserTokens: `alice|${ALICE_TOKEN}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("environment variable PrimaryApiKey");
    expect(result.output).not.toContain(PRIMARY_KEY);
  });

  test("a taken port is a clear start-up error, not a second silent listener", async () => {
    const first = await startProcess({ PORT: "0", HOST: "127.0.0.1" });
    try {
      const port = new URL(first.url).port;
      const second = await runToExit({ PORT: port, HOST: "127.0.0.1" });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`cannot listen on 127.0.0.1:${port}`);
    } finally {
      await first.stop();
    }
  });

  test("./config.json in the working directory is read when nothing names a file", async () => {
    const dir = makeTempDir();
    dir.write("config.json", { maxRetries: "x" });
    try {
      const result = await runToExit({}, [], dir.dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("config file ./config.json, field maxRetries");
    } finally {
      dir.cleanup();
    }
  });
});
