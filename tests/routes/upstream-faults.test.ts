import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { ALICE_TOKEN, PRIMARY_KEY, allOperationsEnv, jsonOf, postJson, serverKeyEnv, startHaigpt, startSimulator, upstreamCalls, type Haigpt, type Simulator } from "../support/harness.ts";

/** A second listener that records whatever reaches it: where a followed redirect would go. */
let elsewhere: ReturnType<typeof Bun.serve>;
const arrived: { path: string; headers: Record<string, string>; body: string }[] = [];
let azure: Simulator;
let single: Haigpt;
let pair: Haigpt;

beforeAll(async () => {
  elsewhere = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      arrived.push({ path: new URL(request.url).pathname, headers: Object.fromEntries(request.headers), body: await request.text() });
      return Response.json({ choices: [{ index: 0, message: { role: "assistant", content: "stolen" }, finish_reason: "stop" }] });
    },
  });
  azure = await startSimulator({ redirectTo: `http://127.0.0.1:${elsewhere.port}` });
  const env = serverKeyEnv(azure.url);
  const { SecondaryApiKey: _unused, ...primaryOnly } = env;
  single = await startHaigpt(primaryOnly);
  pair = await startHaigpt(env);
});
afterAll(async () => {
  await single.stop();
  await pair.stop();
  await azure.stop();
  await elsewhere.stop(true);
});
beforeEach(() => {
  azure.sim.reset();
  arrived.length = 0;
  for (const haigpt of [single, pair]) {
    haigpt.resetWaits();
    haigpt.logs.length = 0;
  }
});

function chat(haigpt: Haigpt, content: string, extra: Record<string, unknown> = {}) {
  return postJson(`${haigpt.baseURL}/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content }], ...extra }, { authorization: `Bearer ${ALICE_TOKEN}` });
}

describe("redirects are never followed", () => {
  test.each(["301", "302", "307"])("an Azure %s is a 502 upstream_redirected; nothing reaches the Location host; the log names its host only", async (status) => {
    const response = await chat(single, `secret prompt sim:redirect=${status}`);
    expect(response.status).toBe(502);
    expect(response.headers.get("x-should-retry")).toBe("false");
    expect((await jsonOf(response)).error).toMatchObject({ code: "upstream_redirected", type: "server_error" });
    expect(arrived).toEqual([]);
    // The request's one line lists the attempt with the redirect's host only.
    const line = await single.waitForLog((l) => l.msg === "request" && l.status === 502);
    const attempt = (line.attempts as Record<string, unknown>[]).find((a) => a.status === Number(status));
    expect(attempt?.location).toBe(`127.0.0.1:${elsewhere.port}`);
    expect(attempt?.outcome).toBe("redirect");
    expect(line.level).toBe("error");
    expect(JSON.stringify(single.logs)).not.toContain(PRIMARY_KEY);
  });

  test("a primary that redirects hands over to the secondary", async () => {
    const response = await chat(pair, "sim:redirect=307@primary-res");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
    expect(arrived).toEqual([]);
  });
});

describe("operator-side failures fail over", () => {
  test.each([
    ["401", "sim:401@primary-res", "key_rejected"],
    ["403", "sim:403@primary-res", "key_rejected"],
    ["404 DeploymentNotFound", "sim:deployment-missing@primary-res", "deployment_not_found"],
  ])("a primary answering %s: reported as an error, and the secondary answers", async (_name, directive, failure) => {
    const response = await chat(pair, `hello ${directive}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
    expect(upstreamCalls(azure.sim)).toHaveLength(2);
    // The line is an error although the secondary answered: the primary's configuration needs fixing.
    const line = await pair.waitForLog((l) => l.msg === "request");
    expect(line).toMatchObject({ level: "error", status: 200, upstream: "secondary", operatorFailure: failure });
    expect((line.attempts as Record<string, unknown>[])[0]).toMatchObject({ upstream: "primary", outcome: failure });
  });

  test("both keys rejected: 502 upstream_auth_failed, not to be retried", async () => {
    const response = await chat(pair, "sim:401");
    expect(response.status).toBe(502);
    expect(response.headers.get("x-should-retry")).toBe("false");
    expect((await jsonOf(response)).error.code).toBe("upstream_auth_failed");
    expect(upstreamCalls(azure.sim)).toHaveLength(2);
  });

  test("both keys lack the deployment: 502 deployment_not_found, not to be retried", async () => {
    const response = await chat(pair, "sim:deployment-missing");
    expect(response.status).toBe(502);
    expect(response.headers.get("x-should-retry")).toBe("false");
    expect((await jsonOf(response)).error.code).toBe("deployment_not_found");
  });

  test.each([
    ["labelled application/json", "sim:html=200"],
    ["labelled text/html", "sim:html-typed=200"],
  ])("a 200 whose body is an HTML page (%s) is a 502, never relayed", async (_name, directive) => {
    const response = await chat(single, directive);
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect((await jsonOf(response)).error.code).toBe("upstream_invalid_answer");
  });

  test.each([
    ["a text/plain body", "sim:text-error=200"],
    ["an empty application/json body", "sim:empty-json=200"],
  ])("a 200 that is not the JSON chat answers (%s) is a 502 upstream_invalid_answer, not to be retried", async (_name, directive) => {
    const response = await chat(single, directive);
    expect(response.status).toBe(502);
    expect(response.headers.get("x-should-retry")).toBe("false");
    expect((await jsonOf(response)).error.code).toBe("upstream_invalid_answer");
  });

  test.each([
    ["a text/plain body", "sim:text-error=200@primary-res"],
    ["an empty application/json body", "sim:empty-json=200@primary-res"],
  ])("a primary that answers 200 with %s hands over to the secondary", async (_name, directive) => {
    const response = await chat(pair, directive);
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).object).toBe("chat.completion");
    expect(upstreamCalls(azure.sim)).toHaveLength(2);
  });

  test.each([
    ["an HTML error page", "sim:html=502", "Bad Gateway The gateway could not reach the backend."],
    ["a plain-text error", "sim:text-error=503", "upstream connect error or disconnect/reset before headers"],
  ])("%s reaches the client's message, trimmed and without markup", async (_name, directive, text) => {
    const local = await startHaigpt({ ...serverKeyEnv(azure.url), SecondaryApiKey: "", HAIGPT_MAX_RETRIES: "0" });
    try {
      const body = await jsonOf(await chat(local, directive));
      expect(body.error.message).toContain(text);
      expect(body.error.message).not.toContain("<");
      expect(body.error.message).not.toContain("without an error message");
    } finally {
      await local.stop();
    }
  });
});

describe("Retry-After", () => {
  test("longer than HAIGPT_RETRY_MAX_DELAY_MS on the only key: Azure's 429 and its retry-after reach the client at once", async () => {
    const response = await chat(single, "sim:429s=86400");
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("86400");
    expect(response.headers.get("x-haigpt-attempts")).toBe("1");
    expect(response.headers.get("x-should-retry")).toBeNull();
    expect(single.waits).toEqual([]);
  });

  test("longer than the cap on the primary: the secondary is tried at once", async () => {
    const response = await chat(pair, "sim:429s=86400@primary-res");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-haigpt-upstream")).toBe("secondary");
    expect(pair.waits).toEqual([]);
  });

  test.each([
    ["retry-after-ms: 12abc", "sim:429-raw-ms=12abc*1"],
    ["retry-after: soon", "sim:429-raw=soon*1"],
    ["retry-after: 1-5", "sim:429-raw=1-5*1"],
  ])("%s is ignored in favour of backoff", async (_name, directive) => {
    const response = await chat(single, directive);
    expect(response.status).toBe(200);
    // Full jitter with random() fixed at 0.5: half the 500 ms base.
    expect(single.waits).toEqual([250]);
  });
});

describe("timeouts that mean what they say", () => {
  test("a non-streamed 200 whose body is slower than the first-byte timeout is read, not sent again", async () => {
    const local = await startHaigpt({ ...serverKeyEnv(azure.url), SecondaryApiKey: "", HAIGPT_FIRST_BYTE_TIMEOUT_MS: "500" });
    try {
      const response = await chat(local, "slow body sim:slow-body=1500");
      expect(response.status).toBe(200);
      expect((await jsonOf(response)).choices[0].message.content).toContain("slow body");
      expect(upstreamCalls(azure.sim)).toHaveLength(1);
    } finally {
      await local.stop();
    }
  });

  test("a non-streamed body that goes quiet is ended at the idle timeout: 504, and not sent again", async () => {
    const local = await startHaigpt({ ...serverKeyEnv(azure.url), SecondaryApiKey: "", HAIGPT_STREAM_IDLE_TIMEOUT_MS: "200" });
    try {
      const response = await chat(local, "sim:stall-body");
      expect(response.status).toBe(504);
      expect((await jsonOf(response)).error.message).toContain("stopped sending");
      expect(upstreamCalls(azure.sim)).toHaveLength(1);
    } finally {
      await local.stop();
    }
  });

  test("HAIGPT_REQUEST_TIMEOUT_MS caps an attempt's first-byte timeout by the time left", async () => {
    const local = await startHaigpt({ ...serverKeyEnv(azure.url), SecondaryApiKey: "", HAIGPT_FIRST_BYTE_TIMEOUT_MS: "600000", HAIGPT_REQUEST_TIMEOUT_MS: "300" });
    try {
      const response = await chat(local, "sim:hang");
      expect(response.status).toBe(504);
      expect(response.headers.get("x-haigpt-attempts")).toBe("1");
    } finally {
      await local.stop();
    }
  });

  test("a wait that does not fit in HAIGPT_REQUEST_TIMEOUT_MS is not made: the throttled answer comes at once", async () => {
    const local = await startHaigpt({ ...serverKeyEnv(azure.url), SecondaryApiKey: "", HAIGPT_REQUEST_TIMEOUT_MS: "2000" });
    try {
      const response = await chat(local, "sim:429=5000");
      expect(response.status).toBe(429);
      expect(response.headers.get("x-haigpt-attempts")).toBe("1");
      expect(local.waits).toEqual([]);
    } finally {
      await local.stop();
    }
  });

  test("an upload slower than the first-byte timeout is not cut and sent again: the timer starts once it has been sent", async () => {
    const local = await startHaigpt({ ...allOperationsEnv(azure.url, "2024-10-21"), HAIGPT_FIRST_BYTE_TIMEOUT_MS: "500" });
    try {
      const boundary = "----haigpt-slow-upload";
      const part = (headers: string, body: string) => `--${boundary}\r\n${headers}\r\n\r\n${body}\r\n`;
      const pieces = [
        part('Content-Disposition: form-data; name="model"', "whisper-1"),
        part('Content-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav', "RIFF" + "a".repeat(2000)),
        part('Content-Disposition: form-data; name="prompt"', "slow upload"),
        `--${boundary}--\r\n`,
      ];
      const encoder = new TextEncoder();
      let index = 0;
      // Each piece after the first comes 400 ms later: the whole upload takes longer than the timeout.
      const body = new ReadableStream<Uint8Array>({
        async pull(out) {
          if (index > 0) await Bun.sleep(400);
          const piece = pieces[index++];
          if (piece === undefined) return out.close();
          out.enqueue(encoder.encode(piece));
        },
      });
      const response = await fetch(`${local.baseURL}/audio/transcriptions`, {
        method: "POST",
        headers: { authorization: `Bearer ${ALICE_TOKEN}`, "content-type": `multipart/form-data; boundary=${boundary}` },
        body,
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(200);
      expect(upstreamCalls(azure.sim, "audio/transcriptions")).toHaveLength(1);
    } finally {
      await local.stop();
    }
  });
});
