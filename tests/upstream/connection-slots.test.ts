import { describe, expect, test } from "bun:test";
import { createConnectionSlots } from "../../src/upstream/connection-slots.ts";

const never = new AbortController().signal;

describe("createConnectionSlots", () => {
  test("hands out slots up to the limit, then makes takers wait until one is given back, in arrival order", async () => {
    const slots = createConnectionSlots(2);
    const releaseFirst = await slots.take(never);
    const releaseSecond = await slots.take(never);
    const order: string[] = [];
    const third = slots.take(never).then(() => order.push("third"));
    const fourth = slots.take(never).then(() => order.push("fourth"));
    expect(slots.inUse).toBe(2);
    releaseSecond();
    await third;
    expect(order).toEqual(["third"]);
    releaseFirst();
    await fourth;
    expect(order).toEqual(["third", "fourth"]);
    expect(slots.inUse).toBe(2);
  });

  test("a taker that gives up while waiting takes no slot and holds up no one", async () => {
    const slots = createConnectionSlots(1);
    const release = await slots.take(never);
    const leaving = new AbortController();
    const gaveUp = slots.take(leaving.signal).catch((reason: unknown) => reason);
    const next = slots.take(never);
    leaving.abort("client_gone");
    expect(await gaveUp).toBe("client_gone");
    release();
    await next;
    expect(slots.inUse).toBe(1);
  });

  test("a slot given back twice frees one slot, not two", async () => {
    const slots = createConnectionSlots(2);
    const release = await slots.take(never);
    await slots.take(never);
    release();
    release();
    expect(slots.inUse).toBe(1);
  });

  test("a taker whose client already left gets no slot", async () => {
    const slots = createConnectionSlots(1);
    const gone = new AbortController();
    gone.abort("client_gone");
    expect(await slots.take(gone.signal).catch((reason: unknown) => reason)).toBe("client_gone");
    expect(slots.inUse).toBe(0);
  });
});
