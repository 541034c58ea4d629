import { createMemoryStore } from "../../src/state/open-store.ts";
import { describeStoreContract } from "./store-contract.ts";

describeStoreContract("memory", async (now) => createMemoryStore(now));
