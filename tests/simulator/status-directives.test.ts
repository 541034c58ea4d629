// Status-code directives (429 variants, 5xx, 401, 403, 408), @resource, *count, and the error inside a 200 stream.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { buildChatBody, buildChatPath, readAllFrames, readJson, SECONDARY_KEY, startHarness, type Harness } from "./sim-helpers.ts";


let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.stop());
beforeEach(() => h.sim.reset());

describe("status directives", () => {
  test("429 with retry-after-ms and retry-after", async () => {
    const res = await h.post(buildChatPath(), buildChatBody("sim:429=2500"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after-ms")).toBe("2500");
    expect(res.headers.get("retry-after")).toBe("3");
    expect(await readJson(res)).toEqual({
      error: {
        code: "429",
        message: "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 3 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.",
      },
    });
    const plain = await h.post(buildChatPath(), buildChatBody("sim:429"));
    expect(plain.headers.get("retry-after-ms")).toBe("10");
    expect(plain.headers.get("retry-after")).toBe("1");
  });

  test("429s sends only retry-after seconds, 429-date an HTTP date", async () => {
    const seconds = await h.post(buildChatPath(), buildChatBody("sim:429s=7"));
    expect(seconds.status).toBe(429);
    expect(seconds.headers.get("retry-after")).toBe("7");
    expect(seconds.headers.get("retry-after-ms")).toBeNull();
    const before = Date.now();
    const dated = await h.post(buildChatPath(), buildChatBody("sim:429-date=120"));
    const after = Date.now();
    expect(dated.headers.get("retry-after-ms")).toBeNull();
    const until = Date.parse(dated.headers.get("retry-after") ?? "");
    // 120 s after the moment the simulator answered (between before and after), in whole seconds.
    expect(until).toBeGreaterThanOrEqual(Math.floor((before + 120_000) / 1000) * 1000);
    expect(until).toBeLessThanOrEqual(after + 120_000);
  });

  test("500, 408, 502/503/504, 401, 403 and statuscode-401 bodies", async () => {
    const expectations: Array<[string, number, (body: any) => void]> = [
      ["500", 500, (b) => expect(b.error).toMatchObject({ type: "server_error", param: null, code: null, message: expect.stringContaining("The server had an error processing your request.") })],
      ["408", 408, (b) => expect(b).toEqual({ error: { code: "Timeout", message: "The operation was timeout." } })],
      ["502", 502, (b) => expect(b.error.code).toBe("502")],
      ["503", 503, (b) => expect(b.error.code).toBe("503")],
      ["504", 504, (b) => expect(b.error.code).toBe("504")],
      ["403", 403, (b) => expect(b.error.code).toBe("403")],
      ["401", 401, (b) => expect(b.error.code).toBe("401")],
      ["statuscode-401", 401, (b) => expect(b).toEqual({ statusCode: 401, message: "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired." })],
    ];
    for (const [name, status, check] of expectations) {
      const res = await h.post(buildChatPath(), buildChatBody(`sim:${name}`));
      expect(res.status).toBe(status);
      check(await readJson(res));
    }
  });

  test("status directives apply to every operation", async () => {
    const res = await h.post("/primary/openai/deployments/emb/embeddings?api-version=2024-10-21", { input: "sim:503" });
    expect(res.status).toBe(503);
  });

  test("@resource: only the named resource misbehaves", async () => {
    const body = buildChatBody("sim:500@primary");
    expect((await h.post(buildChatPath("2024-10-21", "primary"), body)).status).toBe(500);
    expect((await h.post(buildChatPath("2024-10-21", "secondary"), body, { "api-key": SECONDARY_KEY })).status).toBe(200);
  });

  test("*count: the first n identical requests misbehave, later ones succeed", async () => {
    const body = buildChatBody("sim:429*2");
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.post(buildChatPath(), body)).status);
    expect(statuses).toEqual([429, 429, 200]);
    expect((await h.post(buildChatPath(), buildChatBody("other text sim:429*2"))).status).toBe(429);
    h.sim.reset();
    expect((await h.post(buildChatPath(), body)).status).toBe(429);
  });

  test("unknown directive names are ignored", async () => {
    const res = await h.post(buildChatPath(), buildChatBody("sim:usage sim:no-such-thing=3"));
    expect(res.status).toBe(200);
  });
});

test("stream-error: annotation chunk, then an error event inside the 200 stream, no [DONE]", async () => {
  const res = await h.post(buildChatPath(), buildChatBody("sim:stream-error", { stream: true }));
  expect(res.status).toBe(200);
  const frames = await readAllFrames(res);
  expect(frames).toHaveLength(2);
  expect(JSON.parse(frames[0]!.data).choices).toEqual([]);
  const error = JSON.parse(frames[1]!.data).error;
  expect(error).toMatchObject({ type: "server_error", param: null, code: null });
  expect(error.message).toStartWith("That model is currently overloaded with other requests.");
  expect(h.sim.requests[0]?.completed).toBe(true);
});
