import { describe, expect, test } from "bun:test";
import { linkRequestSignal } from "../../src/proxy/request-signal.ts";

describe("linkRequestSignal", () => {
  test("aborts with client_gone when the client leaves, and with shutdown when the server stops", () => {
    const client = new AbortController();
    const shutdown = new AbortController();
    const first = linkRequestSignal(client.signal, shutdown.signal);
    client.abort();
    expect(first.signal.reason).toBe("client_gone");
    const second = linkRequestSignal(new AbortController().signal, shutdown.signal);
    shutdown.abort();
    expect(second.signal.reason).toBe("shutdown");
  });

  test("once released, the server's shutdown no longer reaches the finished request", () => {
    const shutdown = new AbortController();
    const linked = linkRequestSignal(new AbortController().signal, shutdown.signal);
    linked.release();
    shutdown.abort();
    expect(linked.signal.aborted).toBe(false);
  });

  test("already aborted signals give an aborted link; without a shutdown signal the client's is used as it is", () => {
    const gone = new AbortController();
    gone.abort();
    expect(linkRequestSignal(gone.signal, new AbortController().signal).signal.reason).toBe("client_gone");
    const client = new AbortController().signal;
    expect(linkRequestSignal(client, undefined).signal).toBe(client);
  });

  test("watch: the current watcher is told once when the request aborts, after the signal has its reason; an undone one is not", () => {
    const client = new AbortController();
    const linked = linkRequestSignal(client.signal, new AbortController().signal);
    const told: string[] = [];
    const undo = linked.watch(() => told.push("first"));
    undo();
    linked.watch(() => told.push(`second:${linked.signal.reason}`));
    client.abort();
    client.abort();
    expect(told).toEqual(["second:client_gone"]);
  });

  test("watch: a later watcher replaces the earlier, and undoing the earlier leaves the later in place", () => {
    const shutdown = new AbortController();
    const linked = linkRequestSignal(new AbortController().signal, shutdown.signal);
    const told: string[] = [];
    const undoFirst = linked.watch(() => told.push("first"));
    linked.watch(() => told.push("second"));
    undoFirst();
    shutdown.abort();
    expect(told).toEqual(["second"]);
  });

  test("watch: without a shutdown signal the client's own signal tells the watcher, until undone", () => {
    const client = new AbortController();
    const linked = linkRequestSignal(client.signal, undefined);
    const told: string[] = [];
    linked.watch(() => told.push("kept"));
    linked.watch(() => told.push("undone"))();
    client.abort();
    expect(told).toEqual(["kept"]);
  });
});
