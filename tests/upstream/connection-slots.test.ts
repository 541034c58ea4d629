import { describe, expect, test } from "bun:test";
import { createConnectionSlots } from "../../src/upstream/connection-slots.ts";

const never = new AbortController().signal;

describe("createConnectionSlots", () => {
  test("hands out slots up to the limit, then makes takers wait until one is given back, in arrival order", async () => {
    const slots = createConnectionSlots(2);
    const first = new AbortController();
    const second = new AbortController();
    await slots.take(first.signal, never);
    await slots.take(second.signal, never);
    const order: string[] = [];
    const third = slots.take(new AbortController().signal, never).then(() => order.push("third"));
    const fourth = slots.take(new AbortController().signal, never).then(() => order.push("fourth"));
    expect(slots.inUse).toBe(2);
    second.abort();
    await third;
    expect(order).toEqual(["third"]);
    first.abort();
    await fourth;
    expect(order).toEqual(["third", "fourth"]);
    expect(slots.inUse).toBe(2);
  });

  test("a taker that gives up while waiting takes no slot and holds up no one", async () => {
    const slots = createConnectionSlots(1);
    const held = new AbortController();
    await slots.take(held.signal, never);
    const leaving = new AbortController();
    const gaveUp = slots.take(new AbortController().signal, leaving.signal).catch((reason: unknown) => reason);
    const next = slots.take(new AbortController().signal, never);
    leaving.abort("client_gone");
    expect(await gaveUp).toBe("client_gone");
    held.abort();
    await next;
    expect(slots.inUse).toBe(1);
  });

  test("a slot whose attempt is already over is given back at once", async () => {
    const slots = createConnectionSlots(1);
    const done = new AbortController();
    done.abort();
    await slots.take(done.signal, never);
    expect(slots.inUse).toBe(0);
  });
});
