import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { BUN_FETCH_CAP, BUN_LIMIT_VARIABLE, planRelaunch, type ProcessFacts } from "../../src/connection-limit.ts";
import { startProcess } from "../support/process.ts";

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

describe("started as users start it (bun src/index.ts, no cap set)", () => {
  test("haigpt replaces itself with Bun's cap raised: one process, the same id, nothing left waiting", async () => {
    const running = await startProcess({ PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", PrimaryApiKey: "res:gpt-4o|gpt-4o:k:2024-10-21", UserTokens: "alice|0123456789abcdef0123456789abcdef" });
    try {
      const environment = readFileSync(`/proc/${running.pid}/environ`, "utf8").split("\0");
      expect(environment).toContain(`${BUN_LIMIT_VARIABLE}=${BUN_FETCH_CAP}`);
      const children = readdirSync(`/proc/${running.pid}/task`).flatMap((tid) =>
        readFileSync(`/proc/${running.pid}/task/${tid}/children`, "utf8").trim().split(" ").filter(Boolean));
      expect(children).toEqual([]);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    } finally {
      await running.stop();
    }
  });
});
