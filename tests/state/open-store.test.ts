import { expect } from "bun:test";
import { afterAll, beforeAll, test } from "../support/redis-tests.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { openStateStore } from "../../src/state/open-store.ts";
import type { StoreStatus } from "../../src/state/state-store.ts";
import { startRedisServer, type RedisServer } from "../support/redis-server.ts";
import { makeTempDir } from "../support/temp-files.ts";

let server: RedisServer;
const temp = makeTempDir();
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
  temp.cleanup();
});

test("without redisUrl the state is the SQLite file under the data directory", async () => {
  const opened = await openStateStore({ redisUrl: null, dataDir: `${temp.dir}/data` }, { now: Date.now });
  try {
    expect(opened.store.kind).toBe("sqlite");
    expect(opened.description).toBe(`sqlite ${temp.dir}/data`);
    expect(opened.status()).toEqual({ kind: "sqlite", serving: "sqlite", degraded: false, degradedSince: null, reason: null });
    expect(await Bun.file(`${temp.dir}/data/haigpt-state.sqlite`).exists()).toBe(true);
  } finally {
    await opened.store.close();
  }
});

test("a data directory that cannot be made is a start-up error naming it and the setting", async () => {
  const blocker = temp.write("not-a-directory", "x");
  const error = await openStateStore({ redisUrl: null, dataDir: `${blocker}/data` }, { now: Date.now }).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toContain(`data directory ${blocker}/data`);
  expect((error as ConfigError).message).toContain("HAIGPT_DATA_DIR");
});

test("a Redis unreachable at start-up does not stop haigpt: it serves locally and takes Redis up when it comes", async () => {
  const password = "redis-password-not-for-logs";
  await server.stop();
  const changes: StoreStatus[] = [];
  let recovered!: () => void;
  const back = new Promise<void>((resolve) => (recovered = resolve));
  const opened = await openStateStore(
    { redisUrl: `redis://:${password}@127.0.0.1:${server.port}`, dataDir: `${temp.dir}/unused` },
    { now: Date.now, onDegradationChange: (status) => (changes.push(status), status.degraded || recovered()) },
  );
  try {
    expect(opened.description).toBe(`redis redis://127.0.0.1:${server.port}`);
    expect(await opened.store.hitWindow("rpm:alice", { limit: 1, windowMs: 60_000, cost: 1, id: "a" })).toMatchObject({ allowed: true });
    expect(opened.status()).toMatchObject({ kind: "redis", serving: "memory", degraded: true });
    expect(JSON.stringify(changes)).not.toContain(password);
    await server.start();
    await back;
    expect(changes.map((status) => status.degraded)).toEqual([true, false]);
  } finally {
    await opened.store.close();
  }
});
