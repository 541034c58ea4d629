import { afterAll, describe, expect, test } from "bun:test";
import pkg from "../../package.json" with { type: "json" };
import { runToExit, startProcess } from "../support/process.ts";
import { makeTempDir } from "../support/temp-files.ts";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe("the command line (through the real process)", () => {
  test("--version prints the package version and exits 0", async () => {
    const result = await runToExit({}, ["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`haigpt ${pkg.version}`);
  });

  test("--help lists the three options and exits 0", async () => {
    const result = await runToExit({}, ["--help"]);
    expect(result.code).toBe(0);
    for (const option of ["--config PATH", "--help", "--version"]) expect(result.stdout).toContain(option);
  });

  test.each([
    [["--confg", "x.json"], /unknown option --confg/],
    [["serve"], /unexpected argument "serve"/],
    [["--config"], /--config needs a path/],
    [["--port=3000"], /unknown option --port/],
    [["-v"], /unknown option -v/],
  ])("%p stops with exit 2 and one line naming it", async (args, message) => {
    const result = await runToExit({}, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("--config PATH is read", async () => {
    const path = tmp.write("cli.json", "{ nope");
    const result = await runToExit({}, ["--config", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`config file ${path}`);
  });
});

describe("settings that catch mistakes (through the real process)", () => {
  test("a JSON syntax error in config.json gives line and column", async () => {
    const path = tmp.write("syntax.json", '{\n  "port": 3000,\n  "host" "127.0.0.1"\n}\n');
    const result = await runToExit({}, ["--config", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`config file ${path}: not valid JSON at line 3, column 10: colon expected`);
  });

  test("a bad value for a setting with fixed choices lists the choices", async () => {
    const result = await runToExit({ HAIGPT_COMPAT: "openai" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('environment variable HAIGPT_COMPAT: "openai" is not one of strict, azure');
  });

  test("the same in config.json names the field", async () => {
    const path = tmp.write("choices.json", { params: "drop" });
    const result = await runToExit({}, ["--config", path]);
    expect(result.stderr).toContain('field params: "drop" is not one of adapt, passthrough');
  });

  test("a HAIGPT_ variable that is not a setting is a start-up warning naming the closest setting", async () => {
    const running = await startProcess({ PORT: "0", HOST: "127.0.0.1", HAIGPT_MAX_RETRY: "5", HAIGPT_LOGLEVEL: "debug" });
    try {
      const output = running.output();
      expect(output).toContain("HAIGPT_MAX_RETRY is not a haigpt setting and is ignored (did you mean HAIGPT_MAX_RETRIES?)");
      expect(output).toContain("HAIGPT_LOGLEVEL is not a haigpt setting and is ignored (did you mean HAIGPT_LOG_LEVEL?)");
    } finally {
      await running.stop();
    }
  });

  test("Bun reads ./.env from the working directory by itself (as the README says)", async () => {
    const dir = makeTempDir();
    try {
      dir.write(".env", "HAIGPT_COMPAT=openai\n");
      const result = await runToExit({}, [], dir.dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('environment variable HAIGPT_COMPAT: "openai" is not one of strict, azure');
    } finally {
      dir.cleanup();
    }
  });
});
