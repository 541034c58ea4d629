import { expect, test } from "bun:test";
import { sleepUnlessAborted } from "../../src/app.ts";

test("sleepUnlessAborted resolves after the wait", async () => {
  expect(await sleepUnlessAborted(1, new AbortController().signal)).toBeUndefined();
});

test("sleepUnlessAborted rejects as soon as the signal aborts", async () => {
  const controller = new AbortController();
  const pending = sleepUnlessAborted(60_000, controller.signal);
  controller.abort(new Error("client gone"));
  await expect(pending).rejects.toThrow("client gone");
});

test("sleepUnlessAborted rejects at once on an aborted signal", async () => {
  await expect(sleepUnlessAborted(60_000, AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
});
