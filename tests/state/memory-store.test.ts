import { createKvStateStore, type KvBackend } from "../../src/state/kv-state-store.ts";
import { createMemoryKv } from "../../src/state/memory-kv.ts";
import type { Clock } from "../../src/state/state-store.ts";
import { describeStoreContract, kvWindowSize } from "./store-contract.ts";

// The store as createMemoryStore builds it, with its backend kept to read the stored windows.
let kv: KvBackend;
let clock: Clock;
describeStoreContract(
  "memory",
  async (now) => {
    kv = createMemoryKv();
    clock = now;
    return createKvStateStore("memory", kv, now);
  },
  (key) => kvWindowSize(kv, clock)(key),
);
