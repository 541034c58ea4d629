import { describe, expect, test } from "bun:test";
import { planRelaunch, type ProcessFacts } from "../../src/connection-limit.ts";
import { serverKeyEnv, startSimulator } from "../support/harness.ts";
import { groupAlive, startProcess } from "../support/process.ts";

const bunRun: ProcessFacts = {
  isBun: true,
  env: { PATH: "/bin", PrimaryApiKey: "x" },
  execPath: "/usr/bin/bun",
  execArgv: [],
  argv: ["/usr/bin/bun", "/app/src/index.ts", "--config", "c.json"],
};
const compiled: ProcessFacts = { ...bunRun, execPath: "/app/haigpt", argv: ["bun", "/$bunfs/root/haigpt", "--config", "c.json"] };

describe("planRelaunch", () => {
  test("bun run: the same entry and arguments again, with Bun's limit and the marker set", () => {
    expect(planRelaunch(4096, bunRun)).toEqual({
      command: "/usr/bin/bun",
      args: ["/app/src/index.ts", "--config", "c.json"],
      env: { PATH: "/bin", PrimaryApiKey: "x", BUN_CONFIG_MAX_HTTP_REQUESTS: "4096", HAIGPT_RELAUNCHED: "1" },
    });
  });
  test("a compiled binary: the binary again with the user's arguments only (its entry is built in)", () => {
    expect(planRelaunch(4096, compiled)?.args).toEqual(["--config", "c.json"]);
    expect(planRelaunch(4096, compiled)?.command).toBe("/app/haigpt");
  });
  test.each([
    ["not Bun (Deno has no such cap)", { ...bunRun, isBun: false }],
    ["already relaunched", { ...bunRun, env: { HAIGPT_RELAUNCHED: "1" } }],
    ["the limit already in force", { ...bunRun, env: { BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" } }],
  ])("no relaunch when %s", (_name, facts) => {
    expect(planRelaunch(4096, facts as ProcessFacts)).toBeNull();
  });
  test("a different limit already set is replaced by haigpt's setting", () => {
    expect(planRelaunch(4096, { ...bunRun, env: { BUN_CONFIG_MAX_HTTP_REQUESTS: "256" } })?.env.BUN_CONFIG_MAX_HTTP_REQUESTS).toBe("4096");
  });
});

describe("the relaunched process", () => {
  test("stops when its launcher is killed (SIGKILL, nothing passed on): its port stops answering and the group is gone", async () => {
    const azure = await startSimulator();
    const running = await startProcess({ ...serverKeyEnv(azure.url), PORT: "0", HOST: "127.0.0.1" });
    try {
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      // The serving process is the launcher's child: it has the port, the launcher does not.
      process.kill(running.pid, "SIGKILL");
      await running.waitForOutput(/the haigpt process that started this one is gone/);
      for (let polls = 0; groupAlive(running.pid) && polls < 500; polls++) await Bun.sleep(10);
      expect(groupAlive(running.pid)).toBe(false);
      const afterwards = await fetch(`${running.url}/healthz`).then(() => "served", () => "refused");
      expect(afterwards).toBe("refused");
    } finally {
      await running.stop();
      await azure.stop();
    }
  });
});
