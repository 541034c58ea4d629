/** startRequestLimits without a network: the lease a long request renews, ending once, and who has limits. */
import { beforeEach, expect, test } from "bun:test";
import type { Access } from "../../src/auth/resolve-access.ts";
import { limitedUserOf, limitsOf } from "../../src/auth/access-limits.ts";
import { startRequestLimits, type LimitDeps } from "../../src/limits/request-limits.ts";
import { createLogger } from "../../src/log.ts";
import { OPERATIONS } from "../../src/proxy/operations.ts";
import { createMemoryStore } from "../../src/state/open-store.ts";
import type { StateStore } from "../../src/state/state-store.ts";
import { manualClock, type ManualClock } from "../state/store-contract.ts";

const REQUEST_TIMEOUT_MS = 600_000;
const LEASE_MS = REQUEST_TIMEOUT_MS + 60_000;
const chat = OPERATIONS.find((op) => op.id === "chat")!;
const keys = { primary: { resourceId: "r", deployments: { "gpt-4o": "d" } }, secondary: null, serverOwned: true } as unknown as Access["keys"];
const alice: Access = { mode: "user", userId: "alice", keys, limits: { maxConcurrent: 1 } };

let clock: ManualClock;
let store: StateStore;
let tasks: { task: () => void; everyMs: number; stopped: boolean }[];
let deps: LimitDeps;
let requests = 0;
beforeEach(() => {
  clock = manualClock();
  store = createMemoryStore(clock.now);
  tasks = [];
  deps = {
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    state: store,
    now: clock.now,
    log: createLogger("error", { write: () => {} }),
    repeat: (task, everyMs) => {
      const entry = { task, everyMs, stopped: false };
      tasks.push(entry);
      return () => void (entry.stopped = true);
    },
  };
});

const start = () =>
  startRequestLimits({ user: limitedUserOf(alice), op: chat, model: "gpt-4o", payload: { kind: "json", body: { model: "gpt-4o", messages: [] } }, requestId: `r${requests++}` }, deps);
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test("a request longer than its lease keeps its slot by renewing it at half the lease", async () => {
  const first = await start();
  expect(tasks).toHaveLength(1);
  expect(tasks[0]!.everyMs).toBe(LEASE_MS / 2);
  for (let turn = 0; turn < 3; turn++) {
    clock.advance(LEASE_MS / 2);
    tasks[0]!.task();
    await settle();
  }
  // 1.5 leases later the slot is still held: another request is refused.
  expect(await start().catch((error: { status: number }) => error.status)).toBe(429);
  first!.end(null);
  await settle();
  expect(tasks[0]!.stopped).toBe(true);
  expect(await start()).not.toBeNull();
});

test("without renewal the lease lapses (what renewal prevents)", async () => {
  await start();
  clock.advance(LEASE_MS + 1);
  expect(await start()).not.toBeNull();
});

test("end acts once: a second end does not free a slot another request holds", async () => {
  const first = (await start())!;
  first.end(null);
  await settle();
  await start();
  first.end(null);
  await settle();
  expect(await start().catch((error: { status: number }) => error.status)).toBe(429);
});

test("only user tokens carry limits; a user without any gets no admission", async () => {
  expect(limitsOf({ mode: "anonymous", keys })).toBeNull();
  expect(limitsOf({ mode: "client", keys })).toBeNull();
  expect(limitsOf(alice)).toEqual({ maxConcurrent: 1 });
  expect(await startRequestLimits({ user: limitedUserOf({ mode: "user", userId: "bob", keys, limits: {} }), op: chat, model: "gpt-4o", payload: { kind: "json", body: {} }, requestId: "b" }, deps)).toBeNull();
});
