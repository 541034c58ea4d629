/**
 * bun:test's hooks for the test files that need a real redis-server: where it is not installed they
 * skip, with one line saying why, so `npm test` works on a machine with only Node and npm. CI sets
 * HAIGPT_TEST_REQUIRE_REDIS=1 (.ci/run installs redis-server): there a missing server fails instead.
 */
import { afterAll as bunAfterAll, beforeAll as bunBeforeAll, test as bunTest } from "bun:test";

/** Whether a `redis-server` is on PATH. */
export const REDIS_AVAILABLE = Bun.which("redis-server") !== null;

if (!REDIS_AVAILABLE) {
  if (process.env.HAIGPT_TEST_REQUIRE_REDIS === "1") {
    throw new Error("redis-server is not installed but HAIGPT_TEST_REQUIRE_REDIS=1: apt-get install -y redis-server");
  }
  console.warn("redis-server is not installed: skipping the tests that need it (apt-get install -y redis-server)");
}

export const test = REDIS_AVAILABLE ? bunTest : bunTest.skip;
export const beforeAll: typeof bunBeforeAll = REDIS_AVAILABLE ? bunBeforeAll : () => {};
export const afterAll: typeof bunAfterAll = REDIS_AVAILABLE ? bunAfterAll : () => {};
