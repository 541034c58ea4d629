import { expect } from "bun:test";
import { afterAll, beforeAll, test } from "../support/redis-tests.ts";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { makeTempDir } from "../support/temp-files.ts";
import { startRedisServer, type RedisServer } from "../support/redis-server.ts";

// The `deno` dev dependency ships the binary; the stores pick node:sqlite there instead of bun:sqlite.
const DENO = join(import.meta.dir, "../../node_modules/.bin/deno");
const SCRIPT = join(import.meta.dir, "fixtures/deno-stores.ts");

let server: RedisServer;
const temp = makeTempDir();
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
  temp.cleanup();
});

/** Runs the script under Deno in its own process group, stopped with that group if it overruns. */
function runUnderDeno(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(DENO, ["run", "-A", SCRIPT, ...args], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", DENO_NO_UPDATE_CHECK: "1" },
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 25_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // The whole group has already exited.
      }
      resolve({ code, output });
    }),
  );
}

test("under Deno the SQLite store (node:sqlite) survives a reopen, the Redis store (ioredis) works, and both fold busy windows", async () => {
  const { code, output } = await runUnderDeno([temp.dir, server.url]);
  expect(code, output).toBe(0);
  const line = output.trim().split("\n").at(-1)!;
  expect(JSON.parse(line)).toEqual({
    sqlite: {
      runtime: "deno",
      second: true,
      third: false,
      usage: { users: { alice: { "gpt-4o": { requests: 1, prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } } } },
    },
    redis: { first: true, slot: true, breaker: { consecutiveFailures: 1, openUntil: Date.UTC(2026, 10, 15, 12) + 1_000, probeUntil: null } },
    // The first 26 admissions (0–250 ms) are folded into one entry that leaves with the last of them.
    windows: { sqlite: { admitted: 90, retryAfterMs: 60_250 - 990 }, redis: { admitted: 90, retryAfterMs: 60_250 - 990 } },
  });
}, 30_000);
